"""HCP verification: submission (uploads checked by content, metadata stripped) and decision."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from platform_core.exceptions import Conflict, NotFound, ValidationFailed
from platform_core.fields import blind_index, decrypt_text
from platform_core.models import DoctorProfile, Hospital, VerificationRequest, VerificationStatus
from platform_core.permissions import has_capability
from platform_core.roles import Role
from platform_core.selectors import verification_queue_for
from platform_core.services.verification import verification_decide, verification_submit
from tests.factories import DoctorFactory, VerifierFactory
from tests.platform_core.support import (
    assert_error_shape,
    audit_entries_for,
    events_of,
    image_bytes,
    image_upload,
    raw_column,
)

pytestmark = pytest.mark.django_db

EXIF_MAKE, EXIF_MODEL, EXIF_SOFTWARE = 0x010F, 0x0110, 0x0131


@pytest.fixture(autouse=True)
def _remove_evidence_files(db):
    """Evidence goes to private storage on disk; remove what this test stored."""
    yield
    for request in VerificationRequest.objects.all():
        if request.evidence and request.evidence.storage.exists(request.evidence.name):
            request.evidence.storage.delete(request.evidence.name)


def _form(**overrides) -> dict:
    values = {
        "hospital_name": "浙江大学医学院附属第一医院",
        "hospital_level": "3A",
        "province": "浙江省",
        "city": "杭州市",
        "department": "cardiology",
        "title": "attending",
        "specialty": "心力衰竭",
        "licence_number": "110330000123456789",
        "evidence": image_upload(),
    }
    values.update(overrides)
    return values


def _submit(doctor, **overrides) -> VerificationRequest:
    return verification_submit(doctor=doctor, **_form(**overrides))


# --- Submission ----------------------------------------------------------------------------------


def test_submission_queues_a_request_and_makes_the_profile_pending(unverified_doctor):
    request = _submit(unverified_doctor, licence_number=" 1103 3000 0123 4567 89 ")

    assert request.status == VerificationRequest.Status.PENDING
    assert request.licence_number == "110330000123456789"
    profile = DoctorProfile.objects.get(user=unverified_doctor)
    assert profile.verification_status == VerificationStatus.PENDING
    entry = audit_entries_for(request, action="verification.request.submitted").get()
    assert entry.actor_id == unverified_doctor.pk and entry.before == {"verification_status": "unverified"}
    assert events_of(unverified_doctor, verb="verification.submitted").count() == 1


def test_the_licence_number_is_encrypted_at_rest_in_the_request(unverified_doctor):
    request = _submit(unverified_doctor)
    stored = raw_column("platform_core_verificationrequest", "licence_number", request.pk)
    assert "110330000123456789" not in stored
    assert decrypt_text(stored) == "110330000123456789"


def test_evidence_is_stored_privately(unverified_doctor):
    request = _submit(unverified_doctor)
    path = Path(request.evidence.path)
    assert path.exists()
    assert Path(settings.PRIVATE_MEDIA_ROOT) in path.parents
    assert Path(settings.MEDIA_ROOT) not in path.parents
    with Image.open(path) as stored:
        assert stored.format == "PNG"


def test_evidence_metadata_is_stripped(unverified_doctor):
    exif = {EXIF_MAKE: "SecretCam Maker", EXIF_MODEL: "Model-GPS-42", EXIF_SOFTWARE: "LeakyApp"}
    original = image_bytes("JPEG", exif=exif)
    assert b"SecretCam Maker" in original  # the upload really carries EXIF

    request = _submit(unverified_doctor, evidence=SimpleUploadedFile("badge.jpg", original, "image/jpeg"))

    stored_bytes = Path(request.evidence.path).read_bytes()
    for value in exif.values():
        assert value.encode() not in stored_bytes
    with Image.open(io.BytesIO(stored_bytes)) as stored:
        assert stored.format == "JPEG"
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("licence.png", b"this is just text, renamed", "image/png"),
        ("licence.png", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "image/png"),
        ("licence.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
        ("licence.png", image_bytes("PNG")[:40], "image/png"),  # truncated: the header lies
        ("licence.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
    ],
    ids=["text-as-png", "pdf-as-png", "html-as-jpg", "truncated-png", "gif"],
)
def test_uploads_are_judged_by_content_not_by_name(name, content, content_type, unverified_doctor):
    with pytest.raises(ValidationFailed) as raised:
        _submit(unverified_doctor, evidence=SimpleUploadedFile(name, content, content_type))
    assert set(raised.value.details) == {"evidence"}
    assert not VerificationRequest.objects.filter(doctor=unverified_doctor).exists()
    assert DoctorProfile.objects.get(user=unverified_doctor).verification_status == VerificationStatus.UNVERIFIED


def test_an_image_with_another_extension_is_accepted_for_what_it_is(unverified_doctor):
    request = _submit(unverified_doctor, evidence=SimpleUploadedFile("licence.txt", image_bytes("PNG"), "text/plain"))
    assert request.evidence.name.endswith(".png")


def test_a_licence_verified_for_another_doctor_is_refused(unverified_doctor):
    holder = DoctorFactory(verified=True)
    DoctorProfile.objects.filter(user=holder).update(
        licence_number="110330000123456789", licence_index=blind_index("110330000123456789", purpose="licence")
    )
    with pytest.raises(ValidationFailed) as raised:
        _submit(unverified_doctor, licence_number="110330000123456789")
    assert set(raised.value.details) == {"licence_number"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"licence_number": "12345"}, "licence_number"),
        ({"licence_number": "1103-3000-0123-4567"}, "licence_number"),
        ({"licence_number": "1" * 31}, "licence_number"),
        ({"hospital_name": "  "}, "hospital_name"),
        ({"hospital_level": "9Z"}, "hospital_level"),
        ({"province": ""}, "province"),
        ({"department": "astrology"}, "department"),
        ({"title": "professor-emeritus"}, "title"),
        ({"evidence": None}, "evidence"),
    ],
)
def test_each_wrong_field_is_named(overrides, field, unverified_doctor):
    with pytest.raises(ValidationFailed) as raised:
        _submit(unverified_doctor, **overrides)
    assert field in raised.value.details


def test_only_one_pending_request_at_a_time(unverified_doctor):
    _submit(unverified_doctor)
    with pytest.raises(Conflict):
        _submit(unverified_doctor, licence_number="220330000123456789")
    assert VerificationRequest.objects.filter(doctor=unverified_doctor).count() == 1


def test_people_who_are_not_doctors_cannot_submit(manager_a):
    with pytest.raises(NotFound):
        _submit(manager_a)


# --- Decision ---------------------------------------------------------------------------------------


@pytest.fixture
def pending_request(unverified_doctor):
    return _submit(unverified_doctor)


def test_approval_copies_the_credentials_to_the_profile(pending_request, verifier):
    decided = verification_decide(reviewer=verifier, request_id=pending_request.pk, approve=True, reason="")

    assert decided.status == VerificationRequest.Status.APPROVED and decided.reviewer == verifier
    profile = DoctorProfile.objects.select_related("hospital").get(user=pending_request.doctor)
    assert profile.verification_status == VerificationStatus.VERIFIED and profile.verified_at is not None
    assert (profile.hospital.name, profile.hospital.level, profile.hospital.province) == (
        pending_request.hospital_name,
        pending_request.hospital_level,
        pending_request.province,
    )
    assert (profile.department, profile.title, profile.specialty) == (
        pending_request.department,
        pending_request.title,
        pending_request.specialty,
    )
    assert profile.licence_number == pending_request.licence_number
    assert profile.licence_index == blind_index(pending_request.licence_number, purpose="licence")


def test_the_profile_licence_is_encrypted_at_rest(pending_request, verifier):
    verification_decide(reviewer=verifier, request_id=pending_request.pk, approve=True, reason="")
    profile = DoctorProfile.objects.get(user=pending_request.doctor)
    stored = raw_column("platform_core_doctorprofile", "licence_number", profile.pk)
    assert pending_request.licence_number not in stored
    assert decrypt_text(stored) == pending_request.licence_number


def test_approval_opens_prescription_content(pending_request, verifier):
    doctor = pending_request.doctor
    assert not has_capability(doctor, "academy.view_rx_content")
    verification_decide(reviewer=verifier, request_id=pending_request.pk, approve=True, reason="")
    fresh = type(doctor).objects.get(pk=doctor.pk)
    assert has_capability(fresh, "academy.view_rx_content")


def test_approval_is_audited_and_recorded(pending_request, verifier):
    verification_decide(reviewer=verifier, request_id=pending_request.pk, approve=True, reason="licence checked")
    entry = audit_entries_for(pending_request, action="verification.request.approved").get()
    assert entry.actor_id == verifier.pk and entry.reason == "licence checked"
    assert entry.before == {"verification_status": "pending"} and entry.after == {"verification_status": "verified"}
    assert events_of(pending_request.doctor, verb="verification.decided").get().context == {"approved": True}


def test_rejection_needs_a_reason(pending_request, verifier):
    with pytest.raises(ValidationFailed) as raised:
        verification_decide(reviewer=verifier, request_id=pending_request.pk, approve=False, reason="  ")
    assert raised.value.details == {"reason": "required"}
    assert VerificationRequest.objects.get(pk=pending_request.pk).status == VerificationRequest.Status.PENDING


def test_rejection_with_a_reason_is_audited_and_allows_a_new_submission(pending_request, verifier):
    verification_decide(reviewer=verifier, request_id=pending_request.pk, approve=False, reason="photo unreadable")

    doctor = pending_request.doctor
    assert DoctorProfile.objects.get(user=doctor).verification_status == VerificationStatus.REJECTED
    entry = audit_entries_for(pending_request, action="verification.request.rejected").get()
    assert entry.reason == "photo unreadable"
    assert VerificationRequest.objects.get(pk=pending_request.pk).decision_reason == "photo unreadable"
    assert _submit(doctor).status == VerificationRequest.Status.PENDING


@pytest.mark.parametrize("who", ["manager_a", "rep_a", "doctor", "pv_officer", "mlr_a"])
def test_reviewers_need_the_capability_and_others_see_nothing(who, pending_request, request):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotFound) as foreign:
        verification_decide(reviewer=actor, request_id=pending_request.pk, approve=True, reason="x")
    with pytest.raises(NotFound) as missing:
        verification_decide(reviewer=actor, request_id=987654321, approve=True, reason="x")
    assert foreign.value.message == missing.value.message
    assert VerificationRequest.objects.get(pk=pending_request.pk).status == VerificationRequest.Status.PENDING


def test_a_platform_admin_may_decide(pending_request, platform_admin):
    verification_decide(reviewer=platform_admin, request_id=pending_request.pk, approve=True, reason="")
    assert DoctorProfile.objects.get(user=pending_request.doctor).is_verified


def test_a_request_is_decided_once(pending_request, verifier):
    verification_decide(reviewer=verifier, request_id=pending_request.pk, approve=True, reason="")
    with pytest.raises(Conflict):
        verification_decide(reviewer=VerifierFactory(), request_id=pending_request.pk, approve=False, reason="no")
    assert DoctorProfile.objects.get(user=pending_request.doctor).is_verified
    assert audit_entries_for(pending_request, action__startswith="verification.request.").count() == 2


def test_nobody_reviews_their_own_request(unverified_doctor):
    request = _submit(unverified_doctor)
    unverified_doctor.role_assignments.create(role=Role.VERIFIER)
    reviewer = type(unverified_doctor).objects.get(pk=unverified_doctor.pk)
    with pytest.raises(ValidationFailed):
        verification_decide(reviewer=reviewer, request_id=request.pk, approve=True, reason="")


def test_two_pending_requests_with_one_licence_cannot_both_be_approved(verifier):
    """Both were submitted before either was verified; the second approval must fail cleanly."""
    first, second = DoctorFactory(), DoctorFactory()
    request_one = _submit(first, licence_number="330100000000000001")
    request_two = _submit(second, licence_number="330100000000000001")
    verification_decide(reviewer=verifier, request_id=request_one.pk, approve=True, reason="")

    with pytest.raises((Conflict, ValidationFailed)):
        verification_decide(reviewer=verifier, request_id=request_two.pk, approve=True, reason="")
    assert not DoctorProfile.objects.get(user=second).is_verified


# --- Through the API -------------------------------------------------------------------------------


def test_api_submit_and_decide(unverified_doctor, verifier, client_for):
    doctor_client = client_for(unverified_doctor)
    form = _form()
    response = doctor_client.post("/api/v1/me/verification", form)
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    assert "licence_number" not in response.json()

    reviewer_client = client_for(verifier)
    queue = reviewer_client.get("/api/v1/verification-requests").json()
    assert request_id in [item["id"] for item in queue["results"]]

    decided = reviewer_client.post(
        f"/api/v1/verification-requests/{request_id}/decision",
        {"approve": False, "reason": "blurred"},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "rejected"


def test_api_submit_with_a_fake_image_answers_400_naming_the_field(unverified_doctor, client_for):
    response = client_for(unverified_doctor).post(
        "/api/v1/me/verification", _form(evidence=SimpleUploadedFile("x.png", b"plain text", "image/png"))
    )
    error = assert_error_shape(response, status=400, code="validation_failed")
    assert "evidence" in error["details"]


def test_api_second_approval_of_a_duplicate_licence_is_not_a_server_error(verifier, client_for):
    first, second = DoctorFactory(), DoctorFactory()
    request_one = _submit(first, licence_number="330100000000000002")
    request_two = _submit(second, licence_number="330100000000000002")
    client = client_for(verifier)
    url = "/api/v1/verification-requests/{}/decision"
    assert client.post(url.format(request_one.pk), {"approve": True}, content_type="application/json").status_code == 200
    response = client.post(url.format(request_two.pk), {"approve": True}, content_type="application/json")
    assert_error_shape(response, status=response.status_code)
    assert response.status_code in (400, 409)


def test_the_verification_queue_lists_pending_requests_for_reviewers_only(pending_request, verifier, manager_a):
    assert pending_request in verification_queue_for(actor=verifier)
    assert not verification_queue_for(actor=manager_a).exists()


def test_approval_reuses_a_known_hospital(verifier):
    first, second = DoctorFactory(), DoctorFactory()
    for doctor, licence in ((first, "330100000000000011"), (second, "330100000000000012")):
        request = _submit(doctor, licence_number=licence)
        verification_decide(reviewer=verifier, request_id=request.pk, approve=True, reason="")
    assert Hospital.objects.filter(name=_form()["hospital_name"]).count() == 1
