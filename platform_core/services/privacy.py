"""Data-subject rights: export everything we hold about a person; erase on request.

Erasure keeps what the law requires us to keep (the audit trail, adverse-event reports,
transfer-of-value records) under a pseudonymous id and removes or blanks the rest.
"""

from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from platform_core.exceptions import Conflict
from platform_core.interactions import record_event
from platform_core.models import (
    Consent,
    ConsentEvent,
    DataRequest,
    DoctorProfile,
    InteractionEvent,
    User,
    VerificationRequest,
)
from platform_core.services.audit import audit_record


def personal_data_export(*, user: User) -> dict:
    """A JSON-ready dict of the person's data (PIPL art. 45 portability). Audited."""
    profile = DoctorProfile.objects.select_related("hospital").filter(user=user).first()
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "id": user.pk,
            "name": user.name,
            "email": user.email,
            "mobile": user.mobile,
            "date_joined": user.date_joined.isoformat(),
            "roles": sorted(user.role_codes),
            "sponsor": user.sponsor.name if user.sponsor_id else None,
        },
        "doctor_profile": None,
        "verification_requests": [
            {
                "submitted_at": item.submitted_at.isoformat(),
                "hospital": item.hospital_name,
                "hospital_level": item.hospital_level,
                "province": item.province,
                "department": item.department,
                "title": item.title,
                "licence_number": item.licence_number,
                "status": item.status,
                "decision_reason": item.decision_reason,
            }
            for item in VerificationRequest.objects.filter(doctor=user).order_by("submitted_at")
        ],
        "consents": [
            {
                "purpose": item.purpose,
                "sponsor": item.sponsor.name if item.sponsor_id else None,
                "granted": item.granted,
                "version": item.document.version,
                "updated_at": item.updated_at.isoformat(),
            }
            for item in Consent.objects.filter(user=user).select_related("sponsor", "document")
        ],
        "consent_history": [
            {
                "purpose": item.purpose,
                "sponsor_id": item.sponsor_id,
                "granted": item.granted,
                "occurred_at": item.occurred_at.isoformat(),
            }
            for item in ConsentEvent.objects.filter(user=user).order_by("occurred_at")
        ],
        "interactions": [
            {
                "occurred_at": occurred_at.isoformat(),
                "verb": verb,
                "object_type": object_type,
                "object_id": object_id,
                "sponsor_id": sponsor_id,
                "value": value,
            }
            for occurred_at, verb, object_type, object_id, sponsor_id, value in (
                InteractionEvent.objects.with_scopes_disabled()
                .filter(actor_id=user.pk)
                .order_by("occurred_at")
                .values_list("occurred_at", "verb", "object_type", "object_id", "sponsor_id", "value")
            )
        ],
    }
    if profile is not None:
        data["doctor_profile"] = {
            "hospital": profile.hospital.name if profile.hospital_id else None,
            "hospital_level": profile.hospital.level if profile.hospital_id else None,
            "department": profile.department,
            "title": profile.title,
            "specialty": profile.specialty,
            "licence_number": profile.licence_number,
            "verification_status": profile.verification_status,
        }
    with transaction.atomic():
        request = DataRequest.objects.create(
            user=user,
            user_reference=f"user:{user.pk}",
            kind=DataRequest.Kind.EXPORT,
            status=DataRequest.Status.COMPLETED,
            completed_at=timezone.now(),
        )
        audit_record(
            actor=user,
            action="privacy.data.exported",
            target=user,
            object_id=user.pk,
            after={"data_request": request.pk, "interactions": len(data["interactions"])},
        )
        record_event(
            actor=user, verb="privacy.data_exported", target=user, object_type="user", client_event_id=f"export:{request.pk}"
        )
    return data


def deletion_request(*, user: User, reason: str = "") -> DataRequest:
    """Record a deletion request, sign the person out everywhere, and queue the erasure (after commit)."""
    # Function-local import: tasks import services; services queue tasks.
    from platform_core.tasks import account_erase_task

    if DataRequest.objects.filter(user=user, kind=DataRequest.Kind.DELETION, status=DataRequest.Status.RECEIVED).exists():
        raise Conflict("a deletion request is already being processed")
    with transaction.atomic():
        request = DataRequest.objects.create(
            user=user, user_reference=f"user:{user.pk}", kind=DataRequest.Kind.DELETION, reason=reason
        )
        record_event(
            actor=user,
            verb="privacy.deletion_requested",
            target=user,
            object_type="user",
            client_event_id=f"deletion:{request.pk}",
        )
        audit_record(
            actor=user,
            action="privacy.deletion.requested",
            target=user,
            object_id=user.pk,
            after={"data_request": request.pk},
            reason=reason,
        )
        User.objects.filter(pk=user.pk).update(is_active=False)
        transaction.on_commit(lambda: account_erase_task.delay(request.pk))
    return request


def account_erase(*, data_request_id: int) -> DataRequest:
    """Erase a person's data (idempotent). Keeps legally required records pseudonymised."""
    with transaction.atomic():
        request = DataRequest.objects.select_for_update().get(pk=data_request_id)
        if request.status == DataRequest.Status.COMPLETED:
            return request
        user = request.user
        if user is not None:
            evidence = [item.evidence for item in VerificationRequest.objects.filter(doctor=user) if item.evidence]
            VerificationRequest.objects.filter(doctor=user).delete()
            transaction.on_commit(lambda: [file.storage.delete(file.name) for file in evidence])
            Consent.objects.filter(user=user).update(granted=False, updated_at=timezone.now())
            DoctorProfile.objects.filter(user=user).update(licence_number="", licence_index=None, specialty="")
            user.email = None
            user.mobile = ""
            user.mobile_index = None
            user.name = ""
            user.first_name = user.last_name = ""
            user.username = f"erased-{user.pk}"
            user.set_unusable_password()
            user.is_active = False
            user.erased_at = timezone.now()
            user.save()
            Token.objects.filter(user=user).delete()
        request.status = DataRequest.Status.COMPLETED
        request.completed_at = timezone.now()
        request.save(update_fields=["status", "completed_at"])
        audit_record(
            actor=None,
            action="privacy.deletion.completed",
            object_type="platform_core.user",
            object_id=request.user_reference.split(":")[1],
            after={"data_request": request.pk},
        )
    return request
