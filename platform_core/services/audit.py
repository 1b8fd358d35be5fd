"""Audit trail: append-only, hash-chained entries written inside the caller's transaction.

Each entry's hash covers its content and the previous entry's hash, so altering or removing
any row breaks the chain at that point (`manage.py audit_verify`). Appends are serialised
with a transaction-scoped advisory lock on PostgreSQL (SQLite serialises writers itself).
"""

import hashlib
import json
from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core.exceptions import ValidationFailed
from platform_core.models import AuditEntry
from platform_core.request_context import current_request_id

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_KEY = 7_345_221_001
# Changes to approvals, transfers of value and adverse events must say why (DESIGN.md rule 7).
REASON_REQUIRED_PREFIXES = ("mlr.", "approval.", "tov.", "points.", "ae.")


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(*, prev_hash: str, fields: dict) -> str:
    return hashlib.sha256((prev_hash + _canonical(fields)).encode()).hexdigest()


def hashed_fields(entry: AuditEntry) -> dict:
    occurred_at: datetime = entry.occurred_at
    return {
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_repr": entry.actor_repr,
        "on_behalf_of_id": entry.on_behalf_of_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "sponsor_id": entry.sponsor_id,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "request_id": entry.request_id,
    }


def audit_record(
    *,
    actor,
    action: str,
    target=None,
    object_type: str = "",
    object_id: str | int = "",
    sponsor_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    on_behalf_of=None,
) -> AuditEntry:
    """Append one audit entry. Call inside the transaction of the change it records."""
    if action.startswith(REASON_REQUIRED_PREFIXES) and not reason.strip():
        raise ValidationFailed(
            _("A reason is required for this change (%(action)s).") % {"action": action}, details={"reason": "required"}
        )
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or target.pk
        if sponsor_id is None:
            sponsor_id = getattr(target, "sponsor_id", None)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        last = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        stored_before, stored_after = _as_stored(_jsonable(before), _jsonable(after))
        entry = AuditEntry(
            occurred_at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_repr=str(actor)[:200] if actor is not None else "system",
            on_behalf_of_id=getattr(on_behalf_of, "pk", None),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=str(target)[:200] if target is not None else "",
            sponsor_id=sponsor_id,
            before=stored_before,
            after=stored_after,
            reason=reason,
            request_id=current_request_id.get(),
            prev_hash=last or GENESIS_HASH,
        )
        entry.entry_hash = entry_hash(prev_hash=entry.prev_hash, fields=hashed_fields(entry))
        entry.save(force_insert=True)
    return entry


def _jsonable(value) -> str | None:
    """JSON text of a before/after value; NaN and infinities are refused (the database would be)."""
    if value is None:
        return None
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, allow_nan=False)
    except ValueError as error:
        raise ValidationFailed(_("Audit values must be finite numbers."), details={"values": str(error)}) from error


def _as_stored(before: str | None, after: str | None) -> tuple:
    """The values as the database will give them back, so that the hash verifies later.

    PostgreSQL's jsonb normalises numbers (1e16 → 10000000000000000, -0.0 → 0) and key order;
    asking the database itself is the only exact way to hash what it stores.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::jsonb::text, %s::jsonb::text", [before, after])
            before, after = cursor.fetchone()
    return tuple(None if text is None else json.loads(text) for text in (before, after))


def audit_chain_verify(*, batch_size: int = 5000) -> tuple[int, AuditEntry | None, str]:
    """Walk the chain in id order. Returns (entries checked, first broken entry or None, why)."""
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return checked, None, ""
        for entry in batch:
            if entry.prev_hash != expected_prev:
                return checked, entry, "previous-hash link broken (a row before it was removed or altered)"
            if entry_hash(prev_hash=entry.prev_hash, fields=hashed_fields(entry)) != entry.entry_hash:
                return checked, entry, "content does not match its hash (this row was altered)"
            expected_prev = entry.entry_hash
            checked += 1
            last_id = entry.id
