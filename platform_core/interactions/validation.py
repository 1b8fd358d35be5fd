"""Per-event validation of client batches: each bad event gets its own reasons; the rest go on.

Hand-written over msgspec instead of a DRF serializer: this is the hot path, and a serializer
costs several times the database work (see docs/benchmarks.md).
"""

from datetime import datetime, timedelta

import msgspec
from django.conf import settings

from platform_core.interactions.contracts import EventIn, EventRow, RejectedEvent
from platform_core.interactions.resolvers import object_resolver, resolve_campaigns
from platform_core.interactions.verbs import get_verb

_decode_event = msgspec.json.Decoder(EventIn).decode
_encode = msgspec.json.encode
MAX_CONTEXT_BYTES = 4096


def validate_events(
    raw_events: list[msgspec.Raw], *, actor_id: int, actor_sponsor_id: int | None, now: datetime
) -> tuple[list[EventRow], list[RejectedEvent]]:
    """Decode and check each event against the authenticated actor. Never raises for bad input."""
    candidates: list[tuple[int, EventIn]] = []
    rejected: list[RejectedEvent] = []
    latest = now + timedelta(seconds=settings.INTERACTIONS_MAX_FUTURE_SKEW_SECONDS)
    earliest = now - timedelta(days=settings.INTERACTIONS_MAX_AGE_DAYS)
    for index, raw in enumerate(raw_events):
        try:
            event = _decode_event(raw)
        except msgspec.ValidationError as error:
            rejected.append(RejectedEvent(index, _client_id_of(raw), {"event": str(error)}))
            continue
        errors = _check_fields(event, actor_id=actor_id, earliest=earliest, latest=latest)
        if errors:
            rejected.append(RejectedEvent(index, event.client_event_id, errors))
        else:
            candidates.append((index, event))
    rows = _apply_ownership(candidates, rejected, actor_id=actor_id, actor_sponsor_id=actor_sponsor_id, now=now)
    rejected.sort(key=lambda item: item.index)
    return rows, rejected


def _check_fields(event: EventIn, *, actor_id: int, earliest: datetime, latest: datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not 1 <= len(event.client_event_id) <= 64:
        errors["client_event_id"] = "must be 1 to 64 characters"
    verb = get_verb(event.verb)
    if verb is None:
        errors["verb"] = f"unknown verb {event.verb!r}"
    elif not verb.client_allowed:
        errors["verb"] = f"verb {event.verb!r} is recorded by the server only"
    elif event.object_type not in verb.object_types:
        errors["object_type"] = f"{event.verb!r} takes object types {sorted(verb.object_types)}"
    object_id = str(event.object_id)
    if not 1 <= len(object_id) <= 64:
        errors["object_id"] = "must be 1 to 64 characters"
    if event.occurred_at.tzinfo is None:
        errors["occurred_at"] = "must carry a time zone (e.g. 2026-11-23T08:00:00Z)"
    elif event.occurred_at > latest:
        errors["occurred_at"] = "is in the future"
    elif event.occurred_at < earliest:
        errors["occurred_at"] = f"is older than {settings.INTERACTIONS_MAX_AGE_DAYS} days"
    if event.actor_id is not None and event.actor_id != actor_id:
        errors["actor_id"] = "must be the authenticated user (or omitted)"
    if event.value is not None and not (0 <= event.value < 1e9):
        errors["value"] = "must be between 0 and 1e9"
    for name, text in (
        ("client_event_id", event.client_event_id),
        ("verb", event.verb),
        ("object_type", event.object_type),
        ("object_id", object_id),
    ):
        if "\x00" in text:
            errors[name] = "must not contain NUL characters"
    encoded_context = _encode(event.context)
    if b"\\u0000" in encoded_context:
        errors["context"] = "must not contain NUL characters"
    elif len(encoded_context) > MAX_CONTEXT_BYTES:
        errors["context"] = f"must encode to at most {MAX_CONTEXT_BYTES} bytes"
    return errors


def _apply_ownership(
    candidates: list[tuple[int, EventIn]],
    rejected: list[RejectedEvent],
    *,
    actor_id: int,
    actor_sponsor_id: int | None,
    now: datetime,
) -> list[EventRow]:
    """Sponsor and campaign come from the server's data; a client's claim must agree with it."""
    ids_by_type: dict[str, set[str]] = {}
    for _, event in candidates:
        if object_resolver(event.object_type) is not None:
            ids_by_type.setdefault(event.object_type, set()).add(str(event.object_id))
    owners = {object_type: object_resolver(object_type)(ids) for object_type, ids in ids_by_type.items()}
    campaign_ids = {event.campaign_id for _, event in candidates if event.campaign_id is not None}
    campaign_sponsors = resolve_campaigns(campaign_ids) if campaign_ids else {}

    rows: list[EventRow] = []
    for index, event in candidates:
        object_id = str(event.object_id)
        errors: dict[str, str] = {}
        sponsor_id, campaign_id = event.sponsor_id, event.campaign_id
        object_campaign = None
        if event.object_type in owners:
            owner = owners[event.object_type].get(object_id)
            if owner is None:
                errors["object_id"] = f"no {event.object_type} with id {object_id!r}"
            else:
                owner_sponsor, object_campaign = owner
                if sponsor_id is not None and sponsor_id != owner_sponsor:
                    errors["sponsor_id"] = "does not match the object's sponsor"
                sponsor_id = owner_sponsor
                if campaign_id is None:
                    campaign_id = object_campaign
        elif sponsor_id is not None and sponsor_id != actor_sponsor_id:
            errors["sponsor_id"] = "this object belongs to no sponsor; you may not record events for another sponsor"
        if campaign_id is not None and not errors and campaign_id != object_campaign:
            if campaign_id not in campaign_sponsors:
                errors["campaign_id"] = f"no campaign with id {campaign_id}"
            elif campaign_sponsors[campaign_id] != sponsor_id:
                errors["campaign_id"] = "belongs to another sponsor"
        if errors:
            rejected.append(RejectedEvent(index, event.client_event_id, errors))
            continue
        rows.append(
            EventRow(
                occurred_at=event.occurred_at,
                actor_id=actor_id,
                verb=event.verb,
                object_type=event.object_type,
                object_id=object_id,
                sponsor_id=sponsor_id,
                campaign_id=campaign_id,
                value=event.value,
                context=event.context,
                client_event_id=event.client_event_id,
                source="client",
            )
        )
    return rows


def _client_id_of(raw: msgspec.Raw) -> str | None:
    try:
        value = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        return None
    if isinstance(value, dict) and isinstance(value.get("client_event_id"), str):
        return value["client_event_id"][:64]
    return None
