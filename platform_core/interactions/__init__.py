"""The interaction spine: the one public API through which every user-facing action is recorded.

In-process callers use `record_event` / `record_events` (inside their own transaction);
browsers and apps post batches to `/api/v1/interactions/batch` (`views.batch_ingest`), which
goes through `ingest_client_batch`. Both store exactly once per (actor, client_event_id).
"""

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from platform_core.interactions.contracts import BatchResult, EventRow, RejectedEvent
from platform_core.interactions.listeners import notify_listeners, register_listener
from platform_core.interactions.verbs import get_verb, register_verb

__all__ = [
    "BatchResult",
    "EventRow",
    "RejectedEvent",
    "ingest_client_batch",
    "record_event",
    "record_events",
    "register_listener",
    "register_verb",
]


def record_event(
    *,
    actor,
    verb: str,
    target=None,
    object_type: str = "",
    object_id: str | int = "",
    sponsor_id: int | None = None,
    campaign_id: int | None = None,
    value: float | None = None,
    context: dict | None = None,
    client_event_id: str,
    occurred_at: datetime | None = None,
) -> bool:
    """Record one server-side event; idempotent on (actor, client_event_id). Returns True if stored now."""
    if target is not None:
        object_type = object_type or target._meta.model_name
        object_id = object_id or target.pk
    row = _server_row(
        actor_id=actor.pk,
        verb=verb,
        object_type=object_type,
        object_id=str(object_id),
        sponsor_id=sponsor_id,
        campaign_id=campaign_id,
        value=value,
        context=context or {},
        client_event_id=client_event_id,
        occurred_at=occurred_at or timezone.now(),
    )
    stored, _ = record_events(rows=[row])
    return stored == 1


def record_events(*, rows: Iterable[EventRow]) -> tuple[int, int]:
    """Store trusted server-side rows in bulk (COPY on PostgreSQL). Returns (stored, duplicates)."""
    # Function-local import: the store imports models, which must not load with this package.
    from platform_core.interactions.store import store_events

    rows = list(rows)
    result = store_events(rows)
    notify_listeners(rows)
    return result


def server_event_row(**fields) -> EventRow:
    """Build a trusted row for record_events (seeding, imports, services emitting many events)."""
    return _server_row(**fields)


def _server_row(
    *,
    actor_id,
    verb,
    object_type,
    object_id,
    sponsor_id=None,
    campaign_id=None,
    value=None,
    context=None,
    client_event_id,
    occurred_at,
) -> EventRow:
    definition = get_verb(verb)
    if definition is None:
        raise ValueError(f"unknown interaction verb {verb!r}: register it first")
    if object_type not in definition.object_types:
        raise ValueError(f"{verb!r} does not take object type {object_type!r}")
    return EventRow(
        occurred_at=occurred_at,
        actor_id=actor_id,
        verb=verb,
        object_type=object_type,
        object_id=str(object_id),
        sponsor_id=sponsor_id,
        campaign_id=campaign_id,
        value=value,
        context=context or {},
        client_event_id=client_event_id[:64],
        source="server",
    )


def ingest_client_batch(*, user, raw_events) -> BatchResult:
    """Validate a client batch against the authenticated user, store the valid events exactly once.

    With INTERACTIONS_QUEUE on, a heartbeat-sized batch is queued instead (`BatchResult.queued`)."""
    from platform_core.interactions.queue import queue_active, queue_rows
    from platform_core.interactions.store import store_events
    from platform_core.interactions.validation import validate_events

    rows, rejected = validate_events(raw_events, actor_id=user.pk, actor_sponsor_id=user.sponsor_id, now=timezone.now())
    if rows and queue_active(len(raw_events)) and queue_rows(rows):
        # Accepted, not yet stored: the drain task stores them exactly once (interactions/queue.py).
        return BatchResult(accepted=0, duplicates=0, rejected=rejected, queued=len(rows))
    stored, duplicates = store_events(rows)
    return BatchResult(accepted=stored, duplicates=duplicates, rejected=rejected)
