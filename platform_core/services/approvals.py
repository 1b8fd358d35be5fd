"""Electronic signatures, approval codes and approval stamps, for any reviewed record.

Callers (academy's MLR workflow today; webinars and rep materials later) pass the record they
sign and its revision id; nothing here knows what the record is. Hand-written: no maintained
Django package implements Part 11-style signatures with re-authentication.
"""

import datetime
import hashlib
import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from platform_core.exceptions import RateLimited, ValidationFailed
from platform_core.models import (
    ApprovalCodeCounter,
    AuditEntry,
    ElectronicSignature,
    MaterialApproval,
    SignatureDecision,
)
from platform_core.services.audit import audit_record

APPROVAL_CODE_PREFIX = "XL"
APPROVAL_DEFAULT_YEARS = 1
APPROVAL_MAX_YEARS = 2
REAUTH_MAX_FAILURES = 5
REAUTH_WINDOW = datetime.timedelta(minutes=15)
REAUTH_FAILED_ACTION = "esign.reauthentication_failed"


class ReauthenticationFailed(ValidationFailed):
    code = "reauthentication_failed"


def content_fingerprint(content, *, exclude: frozenset[str] = frozenset()) -> str:
    """SHA-256 of a record's content as canonical JSON (keys sorted), leaving out `exclude` keys."""
    if isinstance(content, dict):
        content = {key: value for key, value in content.items() if key not in exclude}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def signature_reauthenticate(*, signer, password: str) -> None:
    """Part 11 §11.200: the signer proves again who they are, with their own password, for each signature.

    A wrong password is audited (when the caller's transaction commits) and refused; after
    REAUTH_MAX_FAILURES within REAUTH_WINDOW further attempts are refused without checking.
    """
    since = timezone.now() - REAUTH_WINDOW
    failures = AuditEntry.objects.filter(actor_id=signer.pk, action=REAUTH_FAILED_ACTION, occurred_at__gte=since).count()
    if failures >= REAUTH_MAX_FAILURES:
        raise RateLimited(
            _("Too many wrong passwords. Wait %(minutes)d minutes before signing again.")
            % {"minutes": REAUTH_WINDOW.seconds // 60}
        )
    if signer.is_active and password and signer.check_password(password):
        return
    audit_record(
        actor=signer,
        action=REAUTH_FAILED_ACTION,
        target=signer,
        sponsor_id=signer.sponsor_id,
        reason="wrong password given to sign a decision",
    )
    raise ReauthenticationFailed(
        _("The password is not correct, so the decision was not signed. Enter the password you log in with."),
        details={"password": "incorrect"},
    )


def signature_record(
    *,
    signer,
    password: str,
    target,
    revision_id: int | None,
    content_sha256: str,
    step: str,
    decision: str,
    meaning: str,
    reason: str,
    sponsor_id: int | None,
) -> ElectronicSignature:
    """Sign one review decision. Call inside the decision's transaction; nothing is written unless
    the signer re-authenticates, has a printed name and gives a reason."""
    reason = reason.strip()
    if decision not in SignatureDecision.values:
        raise ValidationFailed(_("Unknown decision."), details={"decision": decision})
    if not reason:
        raise ValidationFailed(_("Give a comment: every review decision needs a reason."), details={"comment": "required"})
    printed_name = (signer.name or "").strip()
    if not printed_name:
        raise ValidationFailed(
            _("Your account has no name to print on the signature. Ask an administrator to add your full name."),
            details={"signer": "no_name"},
        )
    signature_reauthenticate(signer=signer, password=password)
    return ElectronicSignature.objects.create(
        sponsor_id=sponsor_id,
        content_type=ContentType.objects.get_for_model(type(target)),
        object_id=str(target.pk),
        object_repr=str(target)[:255],
        revision_id=revision_id,
        content_sha256=content_sha256,
        signer=signer,
        signer_name=printed_name,
        signed_at=timezone.now(),
        step=step,
        decision=decision,
        meaning=meaning,
        reason=reason,
        authentication="password",
    )


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def approval_expiry_default(*, today: datetime.date | None = None) -> datetime.date:
    return _add_years(today or timezone.localdate(), APPROVAL_DEFAULT_YEARS)


def approval_expiry_latest(*, today: datetime.date | None = None) -> datetime.date:
    return _add_years(today or timezone.localdate(), APPROVAL_MAX_YEARS)


def approval_expiry_validate(*, expires_on: datetime.date | None, today: datetime.date | None = None) -> datetime.date:
    """The expiry a reviewer may set: after today and at most APPROVAL_MAX_YEARS ahead."""
    today = today or timezone.localdate()
    if expires_on is None:
        raise ValidationFailed(_("Set the date the approval expires."), details={"expires_on": "required"})
    if expires_on <= today:
        raise ValidationFailed(_("The expiry date must be after today."), details={"expires_on": "past"})
    latest = approval_expiry_latest(today=today)
    if expires_on > latest:
        raise ValidationFailed(
            _("An approval lasts at most %(years)d years: choose %(latest)s or earlier.")
            % {"years": APPROVAL_MAX_YEARS, "latest": latest.isoformat()},
            details={"expires_on": "too_late"},
        )
    return expires_on


def approval_code_allocate(*, year: int) -> str:
    """The next approval code of the year, e.g. XL-2026-000123. Call inside the approval's transaction.

    Unique and gap-free under concurrency: one upsert increments the year's counter row and holds
    its row lock until the caller's transaction ends, so concurrent approvals queue behind it and a
    rolled-back approval gives its number back.
    """
    table = connection.ops.quote_name(ApprovalCodeCounter._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 RETURNING last_number",
            [year],
        )
        number = cursor.fetchone()[0]
    return f"{APPROVAL_CODE_PREFIX}-{year}-{number:06d}"


def material_approval_for(*, target, revision_id: int | None) -> MaterialApproval | None:
    """The approval in force for this revision of the record (None: not approved, or withdrawn)."""
    with scopes_disabled():  # internal check on one record; callers decided who may ask
        return MaterialApproval.objects.filter(
            content_type=ContentType.objects.get_for_model(type(target)),
            object_id=str(target.pk),
            revision_id=revision_id,
            withdrawn_at__isnull=True,
        ).first()


def material_approvals_active(*, target) -> list[MaterialApproval]:
    """The record's approvals not yet withdrawn, locked for update (call inside a transaction)."""
    with scopes_disabled():
        return list(
            MaterialApproval.objects.filter(
                content_type=ContentType.objects.get_for_model(type(target)),
                object_id=str(target.pk),
                withdrawn_at__isnull=True,
            ).select_for_update()
        )


def material_approval_create(
    *, signature: ElectronicSignature, target, revision_id: int | None, expires_on: datetime.date
) -> MaterialApproval:
    """Stamp a final approval: allocates the code; earlier approvals of the record are superseded.

    Call inside the final signature's transaction (the code is gap-free only then).
    """
    today = timezone.localdate()
    approval_expiry_validate(expires_on=expires_on, today=today)
    if signature.decision != SignatureDecision.APPROVED:
        raise ValidationFailed(_("Only an approval can be stamped."))
    with transaction.atomic():
        code = approval_code_allocate(year=today.year)
        for previous in material_approvals_active(target=target):
            material_approval_withdraw(approval=previous, reason=f"superseded by {code}")
        return MaterialApproval.objects.create(
            sponsor_id=signature.sponsor_id,
            content_type=signature.content_type,
            object_id=signature.object_id,
            object_repr=signature.object_repr,
            revision_id=revision_id,
            code=code,
            signature=signature,
            approved_at=signature.signed_at,
            expires_on=expires_on,
        )


def material_approval_withdraw(*, approval: MaterialApproval, reason: str) -> bool:
    """Withdraw an approval (expiry, product withdrawal, superseded). Idempotent: False if already withdrawn.

    The caller audits the withdrawal against the record it belongs to.
    """
    if approval.withdrawn_at is not None:
        return False
    approval.withdrawn_at = timezone.now()
    approval.withdrawal_reason = reason or "withdrawn"
    with scopes_disabled():
        approval.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    return True


def signatures_for(*, target) -> list[ElectronicSignature]:
    """The signature history of a record, oldest first. The caller has already decided the reader may see the record."""
    with scopes_disabled():
        return list(
            ElectronicSignature.objects.filter(
                content_type=ContentType.objects.get_for_model(type(target)), object_id=str(target.pk)
            )
            .select_related("signer")
            .order_by("signed_at", "id")
        )
