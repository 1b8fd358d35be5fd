"""Reads of the shared domain. Every read of sponsor data takes the acting user and is scoped.

A foreign tenant's object answers exactly like a missing one (NotFound).
"""

from django.db.models import Exists, OuterRef, QuerySet
from wagtail.models import TaskState

from platform_core.exceptions import NotFound
from platform_core.models import (
    AdverseEventReport,
    AuditEntry,
    Consent,
    ConsentEvent,
    ConsentPurpose,
    DoctorProfile,
    InteractionEvent,
    Product,
    Sponsor,
    User,
    VerificationRequest,
)
from platform_core.permissions import has_capability


def sponsor_scope_of(actor) -> list[int]:
    """The sponsors whose data the actor may read: their own, or none. Never None (= unscoped)."""
    return [actor.sponsor_id] if getattr(actor, "sponsor_id", None) else []


def product_list_for(*, actor) -> QuerySet[Product]:
    """Products of the actor's sponsor (for sponsor staff)."""
    if not has_capability(actor, "sponsor.view_products"):
        return Product.objects.none()
    return Product.objects.with_scope(sponsor=sponsor_scope_of(actor)).select_related("therapeutic_area", "sponsor")


def product_get_for(*, actor, product_id: int) -> Product:
    product = product_list_for(actor=actor).filter(pk=product_id).first()
    if product is None:
        raise NotFound("no such product")
    return product


def sponsor_list_public() -> QuerySet[Sponsor]:
    """Sponsors as doctors see them on the consent page (names only)."""
    return Sponsor.objects.filter(is_active=True).order_by("code")


def consent_is_granted(*, user_id: int, purpose: str, sponsor_id: int | None = None) -> bool:
    """The one consent check: read from the current table on every call, so withdrawal is immediate."""
    return Consent.objects.filter(user_id=user_id, purpose=purpose, sponsor_id=sponsor_id, granted=True).exists()


def consenting_doctor_ids(*, sponsor_id: int, purpose: str = ConsentPurpose.SPONSOR_DATA_SHARING) -> QuerySet:
    """Subquery of user ids who currently consent to `purpose` with this sponsor."""
    return Consent.objects.filter(sponsor_id=sponsor_id, purpose=purpose, granted=True).values("user_id")


def consent_overview_for(*, user) -> list[dict]:
    """Every consent the person can give or withdraw, with its current state."""
    current = {(c.purpose, c.sponsor_id): c for c in Consent.objects.filter(user=user).select_related("document")}
    rows = [
        {"purpose": ConsentPurpose.PLATFORM_TERMS, "sponsor": None, "consent": current.get((ConsentPurpose.PLATFORM_TERMS, None))}
    ]
    for sponsor in sponsor_list_public():
        for purpose in (ConsentPurpose.SPONSOR_CONTACT, ConsentPurpose.SPONSOR_DATA_SHARING):
            rows.append({"purpose": purpose, "sponsor": sponsor, "consent": current.get((purpose, sponsor.pk))})
    return rows


def consent_history_for(*, user) -> QuerySet[ConsentEvent]:
    return ConsentEvent.objects.filter(user=user).select_related("sponsor", "document")


def doctor_engagement_for_sponsor(*, actor, doctor_id: int) -> QuerySet[InteractionEvent]:
    """A doctor's events with the actor's sponsor, and only while the doctor consents to sharing.

    The building block for doctor 360 and dashboards: without consent it is empty.
    """
    sponsor_ids = sponsor_scope_of(actor)
    if not sponsor_ids:
        return InteractionEvent.objects.with_scope(sponsor=[]).none()
    sponsor_id = sponsor_ids[0]
    consent = Consent.objects.filter(
        user_id=OuterRef("actor_id"), sponsor_id=sponsor_id, purpose=ConsentPurpose.SPONSOR_DATA_SHARING, granted=True
    )
    return (
        InteractionEvent.objects.with_scope(sponsor=sponsor_id)
        .filter(actor_id=doctor_id)
        .filter(Exists(consent))
        .order_by("-occurred_at")
    )


def verification_queue_for(*, actor) -> QuerySet[VerificationRequest]:
    if not has_capability(actor, "verification.review"):
        return VerificationRequest.objects.none()
    return VerificationRequest.objects.select_related("doctor", "reviewer").order_by("status", "submitted_at")


def verification_get_for(*, actor, request_id: int) -> VerificationRequest:
    request = verification_queue_for(actor=actor).filter(pk=request_id).first()
    if request is None:
        raise NotFound("no such verification request")
    return request


def verification_latest_for(*, doctor) -> VerificationRequest | None:
    return VerificationRequest.objects.filter(doctor=doctor).order_by("-submitted_at").first()


def doctor_profile_for(*, user) -> DoctorProfile | None:
    return DoctorProfile.objects.select_related("hospital").filter(user=user).first()


def ae_queue_for(*, actor) -> QuerySet[AdverseEventReport]:
    if not has_capability(actor, "pv.triage"):
        return AdverseEventReport.objects.none()
    return AdverseEventReport.objects.select_related("reporter", "sponsor", "product").order_by("status", "forward_due_at")


def ae_get_for(*, actor, report_id: int) -> AdverseEventReport:
    report = ae_queue_for(actor=actor).filter(pk=report_id).first()
    if report is None:
        raise NotFound("no such report")
    return report


def user_interactions_for(*, user) -> QuerySet[InteractionEvent]:
    """A person's own events, across sponsors (their own data)."""
    return InteractionEvent.objects.with_scopes_disabled().filter(actor_id=user.pk).order_by("-occurred_at")


def sponsor_team_for(*, actor) -> QuerySet[User]:
    """The people of the actor's sponsor (managers see their team)."""
    return User.objects.filter(sponsor_id__in=sponsor_scope_of(actor)).prefetch_related("role_assignments")


def audit_entries_for(*, actor) -> QuerySet[AuditEntry]:
    """Newest audit entries first, for holders of `audit.view`; nobody else sees any."""
    if not has_capability(actor, "audit.view"):
        return AuditEntry.objects.none()
    return AuditEntry.objects.order_by("-id")


def review_queue_for(*, actor) -> QuerySet[TaskState]:
    """Workflow steps awaiting the actor's review, oldest first (MLR reviewers only).

    Each task type answers which of its steps the user may moderate; the MLR tasks answer only
    steps of the reviewer's own sponsor, so another sponsor's material never appears.
    """
    if not has_capability(actor, "mlr.review") or not getattr(actor, "sponsor_id", None):
        return TaskState.objects.none()
    return (
        TaskState.objects.reviewable_by(actor)
        .select_related("task", "revision", "workflow_state__requested_by")
        .order_by("started_at", "id")
    )
