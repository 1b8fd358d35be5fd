"""What the interactions API takes and returns (frozen dataclasses; msgspec structs on the wire)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec


@dataclass(frozen=True, slots=True)
class EventRow:
    """A validated event ready to store."""

    occurred_at: datetime
    actor_id: int
    verb: str
    object_type: str
    object_id: str
    sponsor_id: int | None
    campaign_id: int | None
    value: float | None
    context: dict[str, Any]
    client_event_id: str
    source: str


@dataclass(frozen=True)
class RejectedEvent:
    index: int
    client_event_id: str | None
    errors: dict[str, str]


@dataclass(frozen=True)
class BatchResult:
    accepted: int
    duplicates: int
    rejected: list[RejectedEvent] = field(default_factory=list)
    queued: int = 0  # validated and queued for storage (INTERACTIONS_QUEUE), not yet stored


class EventIn(msgspec.Struct, forbid_unknown_fields=True):
    """One event as a browser or app posts it."""

    client_event_id: str
    verb: str
    object_type: str
    object_id: str | int
    occurred_at: datetime
    value: float | None = None
    sponsor_id: int | None = None
    campaign_id: int | None = None
    actor_id: int | None = None
    context: dict[str, Any] = {}


class BatchIn(msgspec.Struct):
    events: list[msgspec.Raw]
