"""HCP verification: a doctor submits credentials; a verifier approves or rejects with a reason."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core.exceptions import Conflict, NotFound, ValidationFailed
from platform_core.fields import blind_index
from platform_core.interactions import record_event
from platform_core.models import (
    Department,
    DoctorProfile,
    Hospital,
    HospitalLevel,
    ProfessionalTitle,
    VerificationRequest,
    VerificationStatus,
)
from platform_core.permissions import has_capability
from platform_core.services.audit import audit_record
from platform_core.uploads import clean_image_upload

LICENCE_LENGTHS = range(10, 31)


def verification_submit(
    *,
    doctor,
    hospital_name: str,
    hospital_level: str,
    province: str,
    city: str = "",
    department: str,
    title: str,
    specialty: str = "",
    licence_number: str,
    evidence,
) -> VerificationRequest:
    """Queue a verification request; the profile becomes pending. One pending request at a time."""
    if not has_capability(doctor, "doctor.submit_verification"):
        raise NotFound("no such page")
    errors: dict[str, str] = {}
    licence = "".join(licence_number.split()).upper()
    if not hospital_name.strip():
        errors["hospital_name"] = _("Enter your hospital.")
    if hospital_level not in HospitalLevel.values:
        errors["hospital_level"] = _("Choose the hospital level.")
    if not province.strip():
        errors["province"] = _("Enter the province.")
    if department not in Department.values:
        errors["department"] = _("Choose your department.")
    if title not in ProfessionalTitle.values:
        errors["title"] = _("Choose your title.")
    if not licence.isalnum() or len(licence) not in LICENCE_LENGTHS:
        errors["licence_number"] = _("The practice-licence number has 10 to 30 letters and digits.")
    else:
        holder = DoctorProfile.objects.filter(licence_index=blind_index(licence, purpose="licence")).exclude(user=doctor)
        if holder.exists():
            errors["licence_number"] = _("This licence number is already verified for another account.")
    clean_evidence = None
    if evidence is None:
        errors["evidence"] = _("Upload a photo of your practice licence or work badge.")
    else:
        try:
            clean_evidence = clean_image_upload(evidence, field="evidence")
        except ValidationFailed as error:
            errors["evidence"] = error.message
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), details=errors)
    with transaction.atomic():
        profile = DoctorProfile.objects.select_for_update().get(user=doctor)
        if VerificationRequest.objects.filter(doctor=doctor, status=VerificationRequest.Status.PENDING).exists():
            raise Conflict(_("Your previous submission is still being reviewed."))
        request = VerificationRequest(
            doctor=doctor,
            hospital_name=hospital_name.strip(),
            hospital_level=hospital_level,
            province=province.strip(),
            city=city.strip(),
            department=department,
            title=title,
            specialty=specialty.strip(),
            licence_number=licence,
        )
        request.evidence.save(clean_evidence.name, clean_evidence, save=False)
        request.save()
        before = {"verification_status": profile.verification_status}
        # A verified doctor updating credentials (new hospital, promotion) stays verified on the
        # old ones until the reviewer decides; everyone else waits in "pending".
        if profile.verification_status != VerificationStatus.VERIFIED:
            profile.verification_status = VerificationStatus.PENDING
            profile.save(update_fields=["verification_status"])
        audit_record(
            actor=doctor,
            action="verification.request.submitted",
            target=request,
            before=before,
            after={
                "verification_status": profile.verification_status,
                "hospital": request.hospital_name,
                "department": department,
                "title": title,
            },
        )
        record_event(
            actor=doctor,
            verb="verification.submitted",
            target=request,
            object_type="verification_request",
            client_event_id=f"verification-submitted:{request.pk}",
        )
    return request


def verification_decide(*, reviewer, request_id: int, approve: bool, reason: str) -> VerificationRequest:
    """Approve (copy credentials to the profile) or reject (reason required). Audited."""
    if not has_capability(reviewer, "verification.review"):
        raise NotFound("no such verification request")
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationFailed(_("Give the doctor a reason for the rejection."), details={"reason": "required"})
    now = timezone.now()
    with transaction.atomic():
        request = VerificationRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            raise NotFound("no such verification request")
        if request.status != VerificationRequest.Status.PENDING:
            raise Conflict(_("This request has already been decided."))
        if request.doctor_id == reviewer.pk:
            raise ValidationFailed(_("You cannot review your own verification."))
        profile = DoctorProfile.objects.select_for_update().get(user_id=request.doctor_id)
        licence_index = blind_index(request.licence_number, purpose="licence")
        if approve and DoctorProfile.objects.filter(licence_index=licence_index).exclude(pk=profile.pk).exists():
            raise Conflict(
                _("This licence number is already verified for another account: reject this request with a reason."),
                details={"licence_number": "taken"},
            )
        before = {"verification_status": profile.verification_status}
        request.status = VerificationRequest.Status.APPROVED if approve else VerificationRequest.Status.REJECTED
        request.reviewer = reviewer
        request.decided_at = now
        request.decision_reason = reason
        request.save(update_fields=["status", "reviewer", "decided_at", "decision_reason"])
        if approve:
            hospital, _created = Hospital.objects.get_or_create(
                name=request.hospital_name,
                province=request.province,
                defaults={"level": request.hospital_level, "city": request.city},
            )
            profile.hospital = hospital
            profile.department = request.department
            profile.title = request.title
            profile.specialty = request.specialty
            profile.licence_number = request.licence_number
            profile.licence_index = licence_index
            profile.verification_status = VerificationStatus.VERIFIED
            profile.verified_at = now
        elif profile.verification_status != VerificationStatus.VERIFIED:
            # A rejected update of a verified doctor's credentials leaves the verified ones in force.
            profile.verification_status = VerificationStatus.REJECTED
        try:
            with transaction.atomic():
                profile.save()
        except IntegrityError:
            # Two pending requests raced for the same licence: the first approval won.
            raise Conflict(
                _("This licence number is already verified for another account."), details={"licence_number": "taken"}
            ) from None
        audit_record(
            actor=reviewer,
            action="verification.request." + ("approved" if approve else "rejected"),
            target=request,
            before=before,
            after={"verification_status": profile.verification_status},
            reason=reason,
        )
        record_event(
            actor=request.doctor,
            verb="verification.decided",
            target=request,
            object_type="verification_request",
            context={"approved": approve},
            client_event_id=f"verification-decided:{request.pk}",
        )
    return request
