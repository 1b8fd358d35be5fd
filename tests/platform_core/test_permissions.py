"""Capabilities: roles map to capability strings, gated on HCP verification and rep registration."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.views import View
from django_scopes import scopes_disabled
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from platform_core.models import DoctorProfile, RepRegistration, VerificationStatus
from platform_core.permissions import (
    ALL_CAPABILITIES,
    REGISTERED_REP_CAPABILITIES,
    ROLE_CAPABILITIES,
    VERIFIED_HCP_CAPABILITIES,
    CapabilityRequiredMixin,
    HasCapability,
    capabilities_of,
    has_any_capability,
    has_capability,
)
from platform_core.roles import Role
from tests.factories import DoctorFactory, RepFactory, RepRegistrationFactory, SponsorFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user):
    """The same person as a new request would load them (no cached roles or capabilities)."""
    return type(user).objects.get(pk=user.pk)


# --- Per role ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "holds", "lacks"),
    [
        ("doctor", {"doctor.home", "academy.view_rx_content", "points.redeem"}, {"reps.promote", "pv.triage"}),
        ("rep_a", {"rep.home", "reps.promote", "reps.share_material"}, {"campaigns.view_analytics", "audit.view"}),
        ("manager_a", {"campaigns.view_analytics", "sponsor.view_products"}, {"reps.promote", "verification.review"}),
        ("mlr_a", {"mlr.review", "sponsor.view_products"}, {"campaigns.manage", "pv.triage"}),
        ("pv_officer", {"pv.triage"}, {"sponsor.view_products", "verification.review"}),
        ("verifier", {"verification.review"}, {"audit.view", "pv.triage"}),
        ("platform_admin", {"roles.manage", "audit.view", "verification.review"}, {"pv.triage", "reps.promote"}),
    ],
)
def test_each_role_holds_its_capabilities_and_no_others(who, holds, lacks, request):
    user = request.getfixturevalue(who)
    held = capabilities_of(user)
    assert holds <= held
    assert not lacks & held
    # Nothing beyond what the person's roles grant.
    assert held <= frozenset().union(*(ROLE_CAPABILITIES[role] for role in user.role_codes))


def test_a_person_with_two_roles_holds_both_sets(sponsor_a):
    user = UserFactory(sponsor=sponsor_a, roles=[Role.MANAGER, Role.MLR_REVIEWER])
    assert {"campaigns.view_analytics", "mlr.review"} <= capabilities_of(user)


def test_a_person_without_roles_holds_nothing():
    assert capabilities_of(UserFactory()) == frozenset()


def test_anonymous_and_inactive_people_hold_nothing(manager_a):
    assert capabilities_of(AnonymousUser()) == frozenset()
    manager_a.is_active = False
    assert capabilities_of(manager_a) == frozenset()


def test_staff_and_superuser_flags_grant_no_capability():
    assert capabilities_of(UserFactory(is_staff=True, is_superuser=True)) == frozenset()


def test_an_unknown_capability_is_a_programming_error(doctor):
    with pytest.raises(ValueError):
        has_capability(doctor, "academy.view_everything")


def test_has_any_capability(doctor):
    assert has_any_capability(doctor, ["pv.triage", "doctor.home"])
    assert not has_any_capability(doctor, ["pv.triage", "audit.view"])


def test_every_capability_belongs_to_some_role():
    assert ALL_CAPABILITIES == frozenset().union(*ROLE_CAPABILITIES.values())
    assert VERIFIED_HCP_CAPABILITIES <= ROLE_CAPABILITIES[Role.DOCTOR]
    assert REGISTERED_REP_CAPABILITIES <= ROLE_CAPABILITIES[Role.REP]


# --- Verified HCPs only ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [VerificationStatus.UNVERIFIED, VerificationStatus.PENDING, VerificationStatus.REJECTED])
def test_a_doctor_who_is_not_verified_lacks_prescription_content(status):
    doctor = DoctorFactory(verification_status=status)
    held = capabilities_of(doctor)
    assert not VERIFIED_HCP_CAPABILITIES & held
    assert {"doctor.home", "doctor.submit_verification", "academy.learn"} <= held


def test_verification_opens_prescription_content_and_revocation_closes_it(unverified_doctor):
    DoctorProfile.objects.filter(user=unverified_doctor).update(verification_status=VerificationStatus.VERIFIED)
    assert has_capability(_fresh(unverified_doctor), "academy.view_rx_content")
    DoctorProfile.objects.filter(user=unverified_doctor).update(verification_status=VerificationStatus.REJECTED)
    assert not has_capability(_fresh(unverified_doctor), "academy.view_rx_content")


def test_a_person_without_a_doctor_profile_is_not_a_verified_hcp():
    user = UserFactory(roles=[Role.DOCTOR])
    assert not has_capability(user, "academy.view_rx_content")


# --- Registered reps only -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [RepRegistration.Status.SUSPENDED, RepRegistration.Status.EXPIRED])
def test_a_rep_whose_registration_is_not_active_loses_promotion(status, rep_a):
    with scopes_disabled():
        RepRegistration.objects.filter(rep=rep_a).update(status=status)
    held = capabilities_of(_fresh(rep_a))
    assert not REGISTERED_REP_CAPABILITIES & held
    assert {"rep.home", "reps.view_my_doctors"} <= held


def test_a_rep_without_any_registration_loses_promotion(sponsor_a):
    rep = RepFactory(sponsor=sponsor_a, registration=None)
    assert not has_capability(rep, "reps.promote")


def test_a_registration_with_another_sponsor_does_not_count(sponsor_a, sponsor_b):
    rep = RepFactory(sponsor=sponsor_a, registration=None)
    RepRegistrationFactory(rep=rep, sponsor=sponsor_b)
    assert not has_capability(rep, "reps.promote")


def test_a_rep_of_no_sponsor_cannot_promote():
    rep = UserFactory(roles=[Role.REP])
    assert not has_capability(rep, "reps.promote")


def test_capabilities_are_computed_once_per_user_object(rep_a, django_assert_num_queries):
    capabilities_of(rep_a)
    with django_assert_num_queries(0):
        for _ in range(5):
            has_capability(rep_a, "reps.promote")


# --- The two enforcement points: the view mixin and the DRF permission ---------------------------


class _AnalyticsPage(CapabilityRequiredMixin, View):
    required_capability = "campaigns.view_analytics"

    def get(self, request):
        return HttpResponse("dashboard")


def test_the_view_mixin_answers_404_without_the_capability(rep_a, manager_a):
    request = RequestFactory().get("/dashboards/")
    request.user = rep_a
    with pytest.raises(Http404):
        _AnalyticsPage.as_view()(request)
    request.user = manager_a
    assert _AnalyticsPage.as_view()(request).content == b"dashboard"


def test_the_view_mixin_sends_anonymous_people_to_log_in():
    request = RequestFactory().get("/dashboards/")
    request.user = AnonymousUser()
    response = _AnalyticsPage.as_view()(request)
    assert response.status_code == 302 and "next=/dashboards/" in response["Location"]


class _AnalyticsApi(APIView):
    permission_classes = [HasCapability]
    required_capability = "campaigns.view_analytics"

    def get(self, request):
        return Response({"ok": True})


def test_the_drf_permission_checks_the_views_capability(rep_a, manager_a):
    factory = APIRequestFactory()
    request = factory.get("/api/x")
    force_authenticate(request, user=rep_a)
    assert _AnalyticsApi.as_view()(request).status_code == 403
    request = factory.get("/api/x")
    force_authenticate(request, user=manager_a)
    assert _AnalyticsApi.as_view()(request).status_code == 200


def test_a_view_that_forgets_to_declare_a_capability_lets_nobody_in(manager_a):
    class Forgetful(_AnalyticsApi):
        required_capability = ""

    request = APIRequestFactory().get("/api/x")
    force_authenticate(request, user=manager_a)
    assert Forgetful.as_view()(request).status_code == 403


def test_another_sponsor_of_the_same_name_shares_nothing(sponsor_a):
    twin = SponsorFactory(name=sponsor_a.name, code="alpha-twin")
    rep = RepFactory(sponsor=twin, registration=None)
    RepRegistrationFactory(rep=rep, sponsor=sponsor_a)
    assert not has_capability(rep, "reps.promote")
