"""Data-subject rights: export everything about a person (and nothing about others); erase on request,
for real through the Celery worker."""

import json
import time

import pytest
from rest_framework.authtoken.models import Token

from platform_core.exceptions import Conflict
from platform_core.interactions import record_event
from platform_core.models import (
    AuditEntry,
    Consent,
    ConsentPurpose,
    DataRequest,
    DoctorProfile,
    User,
    VerificationRequest,
)
from platform_core.services.consent import consent_give
from platform_core.services.privacy import account_erase, deletion_request, personal_data_export
from platform_core.services.verification import verification_decide, verification_submit
from tests.factories import DoctorFactory, VerifierFactory
from tests.platform_core.support import audit_entries_for, events_of, image_upload

SHARING = ConsentPurpose.SPONSOR_DATA_SHARING


def _verified_doctor_with_history(*, email, mobile, name, licence, sponsor, marker):
    """A doctor who went through verification, gave a consent and left interactions."""
    doctor = DoctorFactory(email=email, name=name, mobile_number=mobile)
    request = verification_submit(
        doctor=doctor,
        hospital_name=f"{marker}医院",
        hospital_level="3A",
        province="北京市",
        department="oncology",
        title="chief",
        licence_number=licence,
        evidence=image_upload(),
    )
    verification_decide(reviewer=VerifierFactory(), request_id=request.pk, approve=True, reason="")
    consent_give(user=doctor, purpose=SHARING, sponsor_id=sponsor.pk)
    record_event(actor=doctor, verb="page.viewed", object_type="page", object_id=f"/{marker}/", client_event_id=marker)
    return doctor


def _remove_evidence(*users):
    for request in VerificationRequest.objects.filter(doctor__in=users):
        request.evidence.storage.delete(request.evidence.name)


# --- Export ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_holds_the_persons_data_and_nothing_of_anyone_else(sponsor_a, sponsor_b):
    me = _verified_doctor_with_history(
        email="me@example.com",
        mobile="13811110000",
        name="我自己",
        licence="ME0000000000000001",
        sponsor=sponsor_a,
        marker="mine-marker",
    )
    other = _verified_doctor_with_history(
        email="other@example.com",
        mobile="13922220000",
        name="别人",
        licence="OTHER0000000000002",
        sponsor=sponsor_b,
        marker="other-marker",
    )
    try:
        data = personal_data_export(user=me)
    finally:
        _remove_evidence(me, other)

    text = json.dumps(data, ensure_ascii=False, default=str)
    for mine in ("me@example.com", "13811110000", "我自己", "ME0000000000000001", "mine-marker"):
        assert mine in text
    for theirs in ("other@example.com", "13922220000", "别人", "OTHER0000000000002", "other-marker", sponsor_b.name):
        assert theirs not in text
    assert data["account"]["id"] == me.pk
    assert data["doctor_profile"]["licence_number"] == "ME0000000000000001"
    assert [item["status"] for item in data["verification_requests"]] == ["approved"]
    assert {(c["purpose"], c["sponsor"]) for c in data["consents"]} == {(SHARING, sponsor_a.name)}
    assert {item["verb"] for item in data["interactions"]} >= {"page.viewed", "consent.granted"}


@pytest.mark.django_db
def test_export_is_audited_and_recorded(doctor):
    personal_data_export(user=doctor)
    request = DataRequest.objects.get(user=doctor, kind=DataRequest.Kind.EXPORT)
    assert request.status == DataRequest.Status.COMPLETED and request.completed_at
    entry = AuditEntry.objects.get(action="privacy.data.exported", object_id=str(doctor.pk))
    assert entry.after["data_request"] == request.pk
    assert events_of(doctor, verb="privacy.data_exported").count() == 1


@pytest.mark.django_db
def test_export_through_the_api_is_the_callers_own(doctor, unverified_doctor, client_for):
    response = client_for(doctor).get("/api/v1/me/export")
    assert response.status_code == 200
    assert response.json()["account"]["id"] == doctor.pk
    assert unverified_doctor.email not in response.content.decode()


# --- Deletion: the request ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_deletion_request_signs_the_person_out_at_once_and_queues_the_erasure(
    doctor, django_capture_on_commit_callbacks, token_client_for
):
    client = token_client_for(doctor)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        request = deletion_request(user=doctor, reason="leaving medicine")

    assert len(queued) == 1  # the erasure task goes out after commit
    assert not User.objects.get(pk=doctor.pk).is_active
    assert request.status == DataRequest.Status.RECEIVED and request.user_reference == f"user:{doctor.pk}"
    entry = AuditEntry.objects.get(action="privacy.deletion.requested", object_id=str(doctor.pk))
    assert entry.reason == "leaving medicine"
    assert events_of(doctor, verb="privacy.deletion_requested").count() == 1
    assert client.get("/api/v1/me").status_code in (401, 403)


@pytest.mark.django_db
def test_a_second_deletion_request_while_one_is_pending_is_refused(doctor):
    deletion_request(user=doctor)
    with pytest.raises(Conflict):
        deletion_request(user=doctor)
    assert DataRequest.objects.filter(user=doctor, kind=DataRequest.Kind.DELETION).count() == 1


@pytest.mark.django_db
def test_erasure_is_idempotent(doctor):
    request = deletion_request(user=doctor)
    account_erase(data_request_id=request.pk)
    account_erase(data_request_id=request.pk)
    assert AuditEntry.objects.filter(action="privacy.deletion.completed", object_id=str(doctor.pk)).count() == 1


@pytest.mark.django_db
def test_erasure_removes_the_evidence_images(sponsor_a, django_capture_on_commit_callbacks):
    """The licence photo is personal data: erasing the account must not leave it on disk."""
    doctor = _verified_doctor_with_history(
        email="erase-files@example.com",
        mobile="13833330000",
        name="删",
        licence="ERASE0000000000003",
        sponsor=sponsor_a,
        marker="erase-files",
    )
    request = VerificationRequest.objects.get(doctor=doctor)
    storage, name = request.evidence.storage, request.evidence.name
    assert storage.exists(name)
    try:
        data_request = deletion_request(user=doctor)
        with django_capture_on_commit_callbacks(execute=True):
            account_erase(data_request_id=data_request.pk)
        assert not storage.exists(name)
    finally:
        if storage.exists(name):
            storage.delete(name)


# --- Deletion: for real, through the Celery worker -------------------------------------------------


def _wait_for(predicate, *, timeout=30.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_deletion_request_through_the_api_is_erased_by_the_worker(sponsor_a, token_client_for):
    doctor = _verified_doctor_with_history(
        email="erase.me@example.com",
        mobile="13844440000",
        name="要删除的人",
        licence="ERASE0000000000004",
        sponsor=sponsor_a,
        marker="erase-me",
    )
    evidence = VerificationRequest.objects.get(doctor=doctor).evidence
    storage, evidence_name = evidence.storage, evidence.name
    client = token_client_for(doctor)
    try:
        response = client.post("/api/v1/me/deletion-request", {"reason": "PIPL art. 47"}, content_type="application/json")
        assert response.status_code == 202, response.content
        request_id = response.json()["data_request"]

        assert _wait_for(lambda: DataRequest.objects.get(pk=request_id).status == DataRequest.Status.COMPLETED), (
            "the worker did not complete the erasure"
        )
    finally:
        if storage.exists(evidence_name):
            storage.delete(evidence_name)

    erased = User.objects.get(pk=doctor.pk)
    assert erased.erased_at is not None and not erased.is_active
    assert (erased.email, erased.mobile, erased.mobile_index, erased.name) == (None, "", None, "")
    assert erased.username == f"erased-{doctor.pk}" and not erased.has_usable_password()
    assert not VerificationRequest.objects.filter(doctor=erased).exists()
    assert not Consent.objects.filter(user=erased, granted=True).exists()
    profile = DoctorProfile.objects.get(user=erased)
    assert (profile.licence_number, profile.licence_index) == ("", None)
    assert not Token.objects.filter(user=erased).exists()
    completed = AuditEntry.objects.get(action="privacy.deletion.completed", object_id=str(doctor.pk))
    assert completed.after == {"data_request": request_id} and completed.actor_id is None
    # What the law keeps stays, under the pseudonymous id.
    assert audit_entries_for(erased, action="privacy.deletion.requested").exists()
