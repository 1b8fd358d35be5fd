"""Consent (PIPL/GDPR): per sponsor, versioned, effective at once, with a history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from platform_core import selectors
from platform_core.exceptions import NotFound, ValidationFailed
from platform_core.interactions import record_event
from platform_core.models import AuditEntry, Consent, ConsentEvent, ConsentPurpose
from platform_core.services.consent import consent_give, consent_set, consent_withdraw, current_document
from tests.factories import ConsentDocumentFactory, SponsorFactory
from tests.platform_core.support import assert_error_shape, events_of

pytestmark = pytest.mark.django_db

SHARING = ConsentPurpose.SPONSOR_DATA_SHARING
CONTACT = ConsentPurpose.SPONSOR_CONTACT


def _engage(doctor, product, n=1):
    for index in range(n):
        record_event(
            actor=doctor,
            verb="product.viewed",
            target=product,
            object_type="product",
            sponsor_id=product.sponsor_id,
            client_event_id=f"view-{product.pk}-{index}",
        )


def test_consent_is_per_sponsor_and_per_purpose(doctor, sponsor_a, sponsor_b):
    consent_give(user=doctor, purpose=SHARING, sponsor_id=sponsor_a.pk)

    assert selectors.consent_is_granted(user_id=doctor.pk, purpose=SHARING, sponsor_id=sponsor_a.pk)
    assert not selectors.consent_is_granted(user_id=doctor.pk, purpose=SHARING, sponsor_id=sponsor_b.pk)
    assert not selectors.consent_is_granted(user_id=doctor.pk, purpose=CONTACT, sponsor_id=sponsor_a.pk)


def test_withdrawal_takes_effect_at_once(doctor, sponsor_a):
    consent_give(user=doctor, purpose=SHARING, sponsor_id=sponsor_a.pk)
    consent_withdraw(user=doctor, purpose=SHARING, sponsor_id=sponsor_a.pk)
    assert not selectors.consent_is_granted(user_id=doctor.pk, purpose=SHARING, sponsor_id=sponsor_a.pk)
    assert doctor.pk not in selectors.consenting_doctor_ids(sponsor_id=sponsor_a.pk).values_list("user_id", flat=True)


def test_a_sponsor_sees_engagement_only_with_consent_and_only_its_own(doctor, product_a, product_b, manager_a, manager_b):
    _engage(doctor, product_a, n=2)
    _engage(doctor, product_b, n=1)
    assert not selectors.doctor_engagement_for_sponsor(actor=manager_a, doctor_id=doctor.pk).exists()

    consent_give(user=doctor, purpose=SHARING, sponsor_id=product_a.sponsor_id)
    seen_by_a = list(selectors.doctor_engagement_for_sponsor(actor=manager_a, doctor_id=doctor.pk))
    assert {event.sponsor_id for event in seen_by_a} == {product_a.sponsor_id}
    assert [event.object_id for event in seen_by_a if event.verb == "product.viewed"] == [str(product_a.pk)] * 2
    # Sponsor B has no consent: it sees nothing, not even what the doctor did with its own product.
    assert not selectors.doctor_engagement_for_sponsor(actor=manager_b, doctor_id=doctor.pk).exists()

    consent_withdraw(user=doctor, purpose=SHARING, sponsor_id=product_a.sponsor_id)
    assert not selectors.doctor_engagement_for_sponsor(actor=manager_a, doctor_id=doctor.pk).exists()


def test_contact_consent_does_not_share_data(doctor, product_a, manager_a):
    _engage(doctor, product_a)
    consent_give(user=doctor, purpose=CONTACT, sponsor_id=product_a.sponsor_id)
    assert not selectors.doctor_engagement_for_sponsor(actor=manager_a, doctor_id=doctor.pk).exists()


def test_people_of_no_sponsor_see_no_engagement(doctor, product_a, pv_officer, platform_admin):
    _engage(doctor, product_a)
    consent_give(user=doctor, purpose=SHARING, sponsor_id=product_a.sponsor_id)
    for actor in (pv_officer, platform_admin, doctor):
        assert not selectors.doctor_engagement_for_sponsor(actor=actor, doctor_id=doctor.pk).exists()


def test_history_records_each_change_with_its_version(doctor, sponsor_a):
    consent_give(user=doctor, purpose=SHARING, sponsor_id=sponsor_a.pk)
    consent_withdraw(user=doctor, purpose=SHARING, sponsor_id=sponsor_a.pk)

    history = [
        (event.granted, event.document.version, event.purpose)
        for event in selectors.consent_history_for(user=doctor).filter(sponsor=sponsor_a)
    ]
    assert history == [(False, "1.0", SHARING), (True, "1.0", SHARING)]  # newest first
    assert Consent.objects.filter(user=doctor, sponsor=sponsor_a).count() == 1


def test_changes_are_audited_and_recorded_as_interactions(doctor, sponsor_a):
    consent = consent_give(user=doctor, purpose=SHARING, sponsor_id=sponsor_a.pk)
    consent_withdraw(user=doctor, purpose=SHARING, sponsor_id=sponsor_a.pk)

    entries = AuditEntry.objects.filter(object_type="platform_core.consent", object_id=str(consent.pk)).order_by("id")
    assert [entry.action for entry in entries] == ["privacy.consent.granted", "privacy.consent.withdrawn"]
    assert entries[1].before == {"granted": True, "version": "1.0"} and entries[1].after["granted"] is False
    assert all(entry.sponsor_id == sponsor_a.pk for entry in entries)
    assert events_of(doctor, verb__in=["consent.granted", "consent.withdrawn"], object_id=str(consent.pk)).count() == 2


def test_giving_the_same_consent_twice_changes_nothing(doctor, sponsor_a):
    consent_give(user=doctor, purpose=SHARING, sponsor_id=sponsor_a.pk)
    consent_give(user=doctor, purpose=SHARING, sponsor_id=sponsor_a.pk)
    assert ConsentEvent.objects.filter(user=doctor, sponsor=sponsor_a).count() == 1


def test_withdrawing_something_never_given_is_recorded_as_a_refusal(doctor, sponsor_a):
    consent_withdraw(user=doctor, purpose=CONTACT, sponsor_id=sponsor_a.pk)
    consent = Consent.objects.get(user=doctor, purpose=CONTACT, sponsor=sponsor_a)
    assert consent.granted is False


def test_platform_terms_cannot_be_withdrawn(doctor):
    consent_give(user=doctor, purpose=ConsentPurpose.PLATFORM_TERMS)
    with pytest.raises(ValidationFailed) as raised:
        consent_withdraw(user=doctor, purpose=ConsentPurpose.PLATFORM_TERMS)
    assert "purpose" in raised.value.details
    assert selectors.consent_is_granted(user_id=doctor.pk, purpose=ConsentPurpose.PLATFORM_TERMS)


def test_sponsor_purposes_name_a_sponsor(doctor):
    with pytest.raises(ValidationFailed):
        consent_give(user=doctor, purpose=SHARING, sponsor_id=None)


def test_an_unknown_or_inactive_sponsor_is_not_found(doctor):
    inactive = SponsorFactory(is_active=False)
    for sponsor_id in (inactive.pk, 987654321):
        with pytest.raises(NotFound):
            consent_give(user=doctor, purpose=SHARING, sponsor_id=sponsor_id)


def test_platform_terms_never_carry_a_sponsor(doctor, sponsor_a):
    consent = consent_set(user=doctor, document=current_document(ConsentPurpose.PLATFORM_TERMS), sponsor=sponsor_a, granted=True)
    assert consent.sponsor_id is None


def test_the_latest_effective_version_is_used_and_a_new_one_is_recorded(doctor, sponsor_a):
    consent_give(user=doctor, purpose=SHARING, sponsor_id=sponsor_a.pk)
    ConsentDocumentFactory(purpose=SHARING, version="2.0", effective_at=timezone.now())
    ConsentDocumentFactory(purpose=SHARING, version="3.0-draft", effective_at=timezone.now() + timedelta(days=7))

    assert current_document(SHARING).version == "2.0"
    consent = consent_give(user=doctor, purpose=SHARING, sponsor_id=sponsor_a.pk)
    assert consent.document.version == "2.0"
    assert ConsentEvent.objects.filter(user=doctor, sponsor=sponsor_a).count() == 2


def test_withdrawal_keeps_the_version_that_was_agreed_to(doctor, sponsor_a):
    consent_give(user=doctor, purpose=SHARING, sponsor_id=sponsor_a.pk)
    ConsentDocumentFactory(purpose=SHARING, version="2.0", effective_at=timezone.now())
    consent = consent_withdraw(user=doctor, purpose=SHARING, sponsor_id=sponsor_a.pk)
    assert consent.document.version == "1.0"


def test_overview_lists_every_sponsor_consent(doctor, sponsor_a, sponsor_b):
    consent_give(user=doctor, purpose=CONTACT, sponsor_id=sponsor_b.pk)
    rows = selectors.consent_overview_for(user=doctor)
    keys = {(row["purpose"], row["sponsor"].pk if row["sponsor"] else None) for row in rows}
    assert {
        (CONTACT, sponsor_a.pk),
        (SHARING, sponsor_a.pk),
        (CONTACT, sponsor_b.pk),
        (SHARING, sponsor_b.pk),
        (ConsentPurpose.PLATFORM_TERMS, None),
    } <= keys
    granted = [row for row in rows if row["consent"] and row["consent"].granted]
    assert [(row["purpose"], row["sponsor"].pk) for row in granted] == [(CONTACT, sponsor_b.pk)]


# --- Through the API -------------------------------------------------------------------------------


def test_api_give_and_withdraw(doctor, sponsor_a, client_for):
    client = client_for(doctor)
    url = "/api/v1/me/consents"

    given = client.post(url, {"purpose": SHARING, "sponsor_id": sponsor_a.pk, "granted": True}, content_type="application/json")
    assert given.status_code == 200
    row = next(r for r in given.json() if r["purpose"] == SHARING and r["sponsor_id"] == sponsor_a.pk)
    assert row["granted"] is True and row["version"] == "1.0"
    assert selectors.consent_is_granted(user_id=doctor.pk, purpose=SHARING, sponsor_id=sponsor_a.pk)

    withdrawn = client.post(
        url, {"purpose": SHARING, "sponsor_id": sponsor_a.pk, "granted": False}, content_type="application/json"
    )
    row = next(r for r in withdrawn.json() if r["purpose"] == SHARING and r["sponsor_id"] == sponsor_a.pk)
    assert row["granted"] is False
    assert not selectors.consent_is_granted(user_id=doctor.pk, purpose=SHARING, sponsor_id=sponsor_a.pk)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"purpose": "marketing_spam", "granted": True}, 400, "purpose"),
        ({"purpose": SHARING}, 400, "granted"),
        ({"purpose": SHARING, "granted": True}, 400, "sponsor"),
        ({"purpose": ConsentPurpose.PLATFORM_TERMS, "granted": False}, 400, "purpose"),
        ({"purpose": SHARING, "sponsor_id": 987654321, "granted": True}, 404, None),
    ],
)
def test_api_refusals_use_the_error_shape(body, status, field, doctor, client_for):
    response = client_for(doctor).post("/api/v1/me/consents", body, content_type="application/json")
    error = assert_error_shape(response, status=status)
    if field:
        assert field in error["details"]
    assert not ConsentEvent.objects.filter(user=doctor).exclude(purpose=ConsentPurpose.PLATFORM_TERMS).exists()
