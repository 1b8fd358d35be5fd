"""POST /api/v1/interactions/batch — the ingestion hot path.

A plain Django view rather than DRF: DRF's request wrapping and serializers cost more than the
COPY itself. Authentication is the same as the REST API's (token or session + CSRF), and the
error body has the API's one JSON shape.
"""

import time
from typing import NamedTuple

import msgspec
from django.conf import settings
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authtoken.models import Token

from platform_core.interactions import ingest_client_batch
from platform_core.interactions.contracts import BatchIn

_decode_batch = msgspec.json.Decoder(BatchIn).decode
_encode = msgspec.json.encode


def _json(status: int, payload: dict) -> HttpResponse:
    return HttpResponse(_encode(payload), status=status, content_type="application/json")


def _error(status: int, code: str, message: str, details: dict | None = None) -> HttpResponse:
    return _json(status, {"error": {"code": code, "message": message, "details": details or {}}})


class TokenActor(NamedTuple):
    """What ingestion needs of a token's owner (ingest_client_batch reads .pk and .sponsor_id).

    `Token.objects.select_related("user").filter(key=key).first()` spent ~1.5 ms of CPU per request
    compiling the query and building a User; this is one indexed lookup with DRF's checks
    (the key exists, its user is active)."""

    pk: int
    sponsor_id: int | None


# token key -> (expires at, actor). Per process; a revoked token or a deactivated user keeps
# ingesting through other processes for at most INTERACTIONS_TOKEN_CACHE_SECONDS (this process
# drops the entry at once through the signal receivers below). Invalid keys are never cached.
_token_cache: dict[str, tuple[float, TokenActor]] = {}
_TOKEN_CACHE_MAX = 20_000


def _token_actor(key: str) -> TokenActor | None:
    ttl = settings.INTERACTIONS_TOKEN_CACHE_SECONDS
    if ttl > 0:
        cached = _token_cache.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
    actor = _token_actor_from_db(key)
    if actor is not None and ttl > 0:
        if len(_token_cache) >= _TOKEN_CACHE_MAX:
            _token_cache.clear()
        _token_cache[key] = (time.monotonic() + ttl, actor)
    return actor


def _token_actor_from_db(key: str) -> TokenActor | None:
    from platform_core.models import User  # function-local: models are not loaded with this module

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT u.id, u.sponsor_id FROM {Token._meta.db_table} t "
            f"JOIN {User._meta.db_table} u ON u.id = t.user_id WHERE t.key = %s AND u.is_active",
            [key],
        )
        row = cursor.fetchone()
    return TokenActor(*row) if row else None


def token_cache_forget(*, key: str | None = None, user_id: int | None = None) -> None:
    """Drop cached tokens (one key, or every key of a user) from this process's cache."""
    if key is not None:
        _token_cache.pop(key, None)
    if user_id is not None:
        for cached_key, (_, actor) in list(_token_cache.items()):
            if actor.pk == user_id:
                _token_cache.pop(cached_key, None)


@receiver(post_delete, sender=Token, dispatch_uid="platform_core.interactions.token_deleted")
def _token_deleted(sender, instance, **kwargs):
    token_cache_forget(key=instance.key)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="platform_core.interactions.user_saved")
def _user_saved(sender, instance, **kwargs):
    # Deactivation, or a move to another sponsor: the cached (id, sponsor) is stale either way.
    token_cache_forget(user_id=instance.pk)


def _authenticate(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Token "):
        actor = _token_actor(header[6:].strip())
        if actor is None:
            return None, _error(401, "not_authenticated", "Invalid token.")
        return actor, None
    user = request.user
    if not user.is_authenticated:
        return None, _error(401, "not_authenticated", "Authentication credentials were not provided.")
    reason = CsrfViewMiddleware(lambda req: None).process_view(request, None, (), {})
    if reason is not None:
        return None, _error(403, "csrf_failed", "CSRF check failed for a session-authenticated request.")
    return user, None


@csrf_exempt
def batch_ingest(request):
    if request.method != "POST":
        response = _error(405, "method_not_allowed", f"Method {request.method} not allowed: POST a batch.")
        response["Allow"] = "POST"
        return response
    user, failure = _authenticate(request)
    if failure is not None:
        return failure
    try:
        batch = _decode_batch(request.body)
    except msgspec.ValidationError as error:
        return _error(400, "invalid_batch", f'The batch is not of the form {{"events": [...]}}: {error}')
    except msgspec.DecodeError as error:
        return _error(400, "malformed_json", f"The body is not valid JSON: {error}")
    limit = settings.INTERACTIONS_MAX_BATCH
    if len(batch.events) > limit:
        return _error(
            413,
            "batch_too_large",
            f"A batch holds at most {limit} events; this one has {len(batch.events)}.",
            {"max_events": limit, "events": len(batch.events)},
        )
    if not batch.events:
        return _error(400, "empty_batch", "The batch holds no events.")
    result = ingest_client_batch(user=user, raw_events=batch.events)
    if result.queued:
        # Accepted, not yet stored (Redis deployments, heartbeat-sized batches): docs/benchmarks.md.
        summary, status, done = {"queued": result.queued}, 202, "queued"
    else:
        summary, status, done = {"accepted": result.accepted, "duplicates": result.duplicates}, 200, "stored"
    if not result.rejected:
        return _json(status, {**summary, "rejected": []} if result.queued else summary)
    rejected = [{"index": item.index, "client_event_id": item.client_event_id, "errors": item.errors} for item in result.rejected]
    return _error(
        422,
        "events_rejected",
        f"{len(rejected)} of {len(batch.events)} events were rejected; the others were {done}.",
        {**summary, "rejected": rejected},
    )
