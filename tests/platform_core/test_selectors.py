"""Selectors: every read of sponsor data is scoped to the actor; foreign objects answer like missing ones."""

import pytest
from django_scopes import ScopeError, scope, scopes_disabled

from platform_core import selectors
from platform_core.exceptions import NotFound
from platform_core.interactions import record_event
from platform_core.models import InteractionEvent, PrescribingInformation, Product, RepRegistration
from platform_core.services.consent import consent_give
from tests.factories import (
    AdverseEventReportFactory,
    ConsentFactory,
    PrescribingInformationFactory,
    ProductFactory,
    VerificationRequestFactory,
)

pytestmark = pytest.mark.django_db


# --- Scoped managers refuse unscoped queries -------------------------------------------------------


@pytest.mark.parametrize("model", [Product, PrescribingInformation, RepRegistration, InteractionEvent])
def test_sponsor_owned_models_refuse_queries_without_a_scope(model, product_a, rep_a):
    with pytest.raises(ScopeError):
        list(model.objects.all())
    with pytest.raises(ScopeError):
        model.objects.filter(pk=1).exists()
    with pytest.raises(ScopeError):
        model.objects.count()


def test_a_scope_shows_only_that_sponsors_rows(product_a, product_b):
    PrescribingInformationFactory(product=product_a)
    PrescribingInformationFactory(product=product_b)
    with scope(sponsor=product_a.sponsor_id):
        assert list(Product.objects.all()) == [product_a]
        assert {pi.product_id for pi in PrescribingInformation.objects.all()} == {product_a.pk}
    with scope(sponsor=[]):
        assert not Product.objects.exists()
    with scopes_disabled():
        assert Product.objects.count() == 2


# --- Products -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager_a", "mlr_a"])
def test_sponsor_staff_list_their_own_products_only(who, request, product_a, product_b):
    ProductFactory(sponsor=product_b.sponsor)
    extra_a = ProductFactory(sponsor=product_a.sponsor)
    actor = request.getfixturevalue(who)
    assert set(selectors.product_list_for(actor=actor)) == {product_a, extra_a}


def test_a_foreign_product_is_not_found_exactly_like_a_missing_one(manager_a, product_a, product_b):
    assert selectors.product_get_for(actor=manager_a, product_id=product_a.pk) == product_a
    with pytest.raises(NotFound) as foreign:
        selectors.product_get_for(actor=manager_a, product_id=product_b.pk)
    with pytest.raises(NotFound) as missing:
        selectors.product_get_for(actor=manager_a, product_id=987654321)
    assert (foreign.value.message, foreign.value.details, foreign.value.code) == (
        missing.value.message,
        missing.value.details,
        missing.value.code,
    )


@pytest.mark.parametrize("who", ["rep_a", "doctor", "pv_officer", "verifier"])
def test_people_without_the_capability_list_no_products(who, request, product_a):
    actor = request.getfixturevalue(who)
    assert not selectors.product_list_for(actor=actor).exists()
    with pytest.raises(NotFound):
        selectors.product_get_for(actor=actor, product_id=product_a.pk)


def test_a_platform_admin_is_not_a_sponsor_and_lists_no_products(platform_admin, product_a):
    """The admin holds sponsor.view_products but belongs to no sponsor: the scope is empty, not open."""
    assert not selectors.product_list_for(actor=platform_admin).exists()


def test_the_product_list_carries_its_related_rows(manager_a, product_a, django_assert_num_queries):
    products = list(selectors.product_list_for(actor=manager_a))
    with django_assert_num_queries(0):
        assert [(p.sponsor.name, p.therapeutic_area.code) for p in products]


def test_sponsor_scope_is_never_unscoped(doctor, manager_a):
    assert selectors.sponsor_scope_of(doctor) == []
    assert selectors.sponsor_scope_of(manager_a) == [manager_a.sponsor_id]


# --- People and events --------------------------------------------------------------------------------


def test_a_manager_sees_their_sponsors_team_only(manager_a, rep_a, mlr_a, rep_b, doctor):
    assert set(selectors.sponsor_team_for(actor=manager_a)) == {manager_a, rep_a, mlr_a}
    assert not selectors.sponsor_team_for(actor=doctor).exists()


def test_a_persons_own_events_cross_sponsors(doctor, product_a, product_b):
    for product in (product_a, product_b):
        record_event(
            actor=doctor,
            verb="product.viewed",
            target=product,
            object_type="product",
            sponsor_id=product.sponsor_id,
            client_event_id=f"own-{product.pk}",
        )
    assert {event.sponsor_id for event in selectors.user_interactions_for(user=doctor)} == {
        product_a.sponsor_id,
        product_b.sponsor_id,
    }


def test_engagement_needs_consent_of_that_doctor_not_another(doctor, unverified_doctor, product_a, manager_a):
    for person in (doctor, unverified_doctor):
        record_event(
            actor=person,
            verb="product.viewed",
            target=product_a,
            object_type="product",
            sponsor_id=product_a.sponsor_id,
            client_event_id="seen",
        )
    consent_give(user=unverified_doctor, purpose="sponsor_data_sharing", sponsor_id=product_a.sponsor_id)
    assert not selectors.doctor_engagement_for_sponsor(actor=manager_a, doctor_id=doctor.pk).exists()
    assert selectors.doctor_engagement_for_sponsor(actor=manager_a, doctor_id=unverified_doctor.pk).exists()


# --- Queues of platform staff ---------------------------------------------------------------------


def test_the_ae_queue_is_for_pv_and_sorted_by_due_time(pv_officer, manager_a):
    later = AdverseEventReportFactory()
    sooner = AdverseEventReportFactory(forward_due_at=later.forward_due_at.replace(year=2020))
    assert list(selectors.ae_queue_for(actor=pv_officer))[:2] == [sooner, later]
    assert not selectors.ae_queue_for(actor=manager_a).exists()
    with pytest.raises(NotFound):
        selectors.ae_get_for(actor=manager_a, report_id=sooner.pk)
    assert selectors.ae_get_for(actor=pv_officer, report_id=sooner.pk) == sooner


def test_verification_get_for_hides_requests_from_non_reviewers(verifier, manager_a):
    request = VerificationRequestFactory()
    assert selectors.verification_get_for(actor=verifier, request_id=request.pk) == request
    with pytest.raises(NotFound):
        selectors.verification_get_for(actor=manager_a, request_id=request.pk)
    assert selectors.verification_latest_for(doctor=request.doctor) == request


def test_consenting_doctor_ids_follow_the_current_state(sponsor_a, sponsor_b):
    sharing = ConsentFactory(sponsor=sponsor_a, granted=True)
    ConsentFactory(sponsor=sponsor_a, granted=False)
    ConsentFactory(sponsor=sponsor_b, granted=True)
    ConsentFactory(sponsor=sponsor_a, purpose="sponsor_contact", granted=True)
    assert list(selectors.consenting_doctor_ids(sponsor_id=sponsor_a.pk).values_list("user_id", flat=True)) == [sharing.user_id]
