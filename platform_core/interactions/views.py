"""POST /api/v1/interactions/batch — the ingestion hot path.

A plain Django view rather than DRF: DRF's request wrapping and serializers cost more than the
COPY itself. Authentication is the same as the REST API's (token or session + CSRF), and the
error body has the API's one JSON shape.
"""

import msgspec
from django.conf import settings
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


def _authenticate(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Token "):
        key = header[6:].strip()
        token = Token.objects.select_related("user").filter(key=key).first()
        if token is None or not token.user.is_active:
            return None, _error(401, "not_authenticated", "Invalid token.")
        return token.user, None
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
    summary = {"accepted": result.accepted, "duplicates": result.duplicates}
    if not result.rejected:
        return _json(200, summary)
    rejected = [{"index": item.index, "client_event_id": item.client_event_id, "errors": item.errors} for item in result.rejected]
    return _error(
        422,
        "events_rejected",
        f"{len(rejected)} of {len(batch.events)} events were rejected; the others were stored.",
        {**summary, "rejected": rejected},
    )
