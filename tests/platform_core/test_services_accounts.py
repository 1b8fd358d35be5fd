"""Accounts: doctor sign-up, login by e-mail or mobile (with lockout), roles."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from rest_framework.authtoken.models import Token

from platform_core import selectors
from platform_core.exceptions import ValidationFailed
from platform_core.fields import blind_index
from platform_core.models import (
    ConsentEvent,
    ConsentPurpose,
    DoctorProfile,
    RoleAssignment,
    User,
    VerificationStatus,
)
from platform_core.permissions import has_capability
from platform_core.roles import Role
from platform_core.services.accounts import doctor_sign_up, role_grant, role_revoke, user_find_by_login
from tests.factories import DEFAULT_PASSWORD, DoctorFactory, UserFactory
from tests.platform_core.support import assert_error_shape, audit_entries_for, events_of, raw_column

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "Xinglin-2026-secure"


# --- Sign-up ---------------------------------------------------------------------------------------


def test_sign_up_by_email_creates_an_unverified_doctor_with_platform_terms_consent():
    user = doctor_sign_up(login="  Li.Wei@Example.COM ", password=STRONG_PASSWORD, name=" 李伟 ", accept_terms=True)

    user.refresh_from_db()
    assert user.email == "li.wei@example.com" and user.name == "李伟"
    assert user.check_password(STRONG_PASSWORD)
    assert user.role_codes == {Role.DOCTOR}
    assert DoctorProfile.objects.get(user=user).verification_status == VerificationStatus.UNVERIFIED
    assert selectors.consent_is_granted(user_id=user.pk, purpose=ConsentPurpose.PLATFORM_TERMS)
    assert ConsentEvent.objects.filter(user=user, purpose=ConsentPurpose.PLATFORM_TERMS, granted=True).count() == 1
    signed_up = audit_entries_for(user, action="accounts.user.signed_up").get()
    assert signed_up.actor_id == user.pk and signed_up.after["login_kind"] == "email"
    assert events_of(user, verb="account.signed_up").count() == 1


def test_sign_up_by_mobile_stores_the_number_encrypted_and_findable():
    user = doctor_sign_up(login="+86 138-0013-8000", password=STRONG_PASSWORD, name="王芳", accept_terms=True)

    user.refresh_from_db()
    assert user.mobile == "13800138000" and user.email is None
    stored = raw_column("platform_core_user", "mobile", user.pk)
    assert "13800138000" not in stored
    assert user.mobile_index == blind_index("13800138000", purpose="mobile")
    assert user_find_by_login("138 0013 8000") == user


def test_sign_up_refuses_an_email_that_exists_in_another_case():
    UserFactory(email="zhang@example.com")
    with pytest.raises(ValidationFailed) as raised:
        doctor_sign_up(login="ZHANG@example.com", password=STRONG_PASSWORD, name="张", accept_terms=True)
    assert set(raised.value.details) == {"login"}
    assert User.objects.filter(email__iexact="zhang@example.com").count() == 1


def test_sign_up_refuses_a_mobile_that_exists():
    doctor_sign_up(login="13900000001", password=STRONG_PASSWORD, name="甲", accept_terms=True)
    with pytest.raises(ValidationFailed) as raised:
        doctor_sign_up(login="+8613900000001", password=STRONG_PASSWORD, name="乙", accept_terms=True)
    assert set(raised.value.details) == {"login"}


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"login": "not-an-address"}, "login"),
        ({"login": "12345"}, "login"),
        ({"login": "a@b"}, "login"),
        ({"password": "12345678"}, "password"),
        ({"password": "short1!"}, "password"),
        ({"password": "password"}, "password"),
        ({"login": "wangxiaoming@example.com", "password": "wangxiaoming"}, "password"),
        ({"name": "   "}, "name"),
        ({"accept_terms": False}, "accept_terms"),
    ],
)
def test_sign_up_says_which_field_is_wrong_and_creates_nothing(fields, bad_field):
    values = {"login": "new.doctor@example.com", "password": STRONG_PASSWORD, "name": "新医生", "accept_terms": True}
    values.update(fields)
    users_before = User.objects.count()

    with pytest.raises(ValidationFailed) as raised:
        doctor_sign_up(**values)

    assert set(raised.value.details) == {bad_field}
    assert raised.value.details[bad_field]
    assert User.objects.count() == users_before


def test_sign_up_reports_every_wrong_field_at_once():
    with pytest.raises(ValidationFailed) as raised:
        doctor_sign_up(login="nope", password="123", name="", accept_terms=False)
    assert set(raised.value.details) == {"login", "password", "name", "accept_terms"}


# --- Login: e-mail, mobile, lockout ----------------------------------------------------------------

TOKEN_URL = "/api/v1/auth/token"


def _token(client, login, password, **extra):
    return client.post(TOKEN_URL, {"login": login, "password": password}, content_type="application/json", **extra)


def test_login_by_email_gives_a_token_that_authenticates(client):
    user = DoctorFactory(email="doc@example.com")
    response = _token(client, "DOC@example.com", DEFAULT_PASSWORD)
    assert response.status_code == 200, response.content
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert me.json()["id"] == user.pk


def test_login_by_mobile(client):
    user = DoctorFactory(mobile_number="13700001234")
    for spelling in ("13700001234", "+86 137 0000 1234", "137-0000-1234"):
        response = _token(client, spelling, DEFAULT_PASSWORD)
        assert response.status_code == 200, (spelling, response.content)
    token = response.json()["token"]
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {token}").json()["id"] == user.pk


@pytest.mark.parametrize("login", ["nobody@example.com", "13711112222", "doc@example.com"])
def test_wrong_credentials_answer_like_unknown_accounts(login, client):
    DoctorFactory(email="doc@example.com")
    error = assert_error_shape(_token(client, login, "wrong-password"), status=400, code="invalid_credentials")
    assert "token" not in str(error)


def test_an_inactive_account_cannot_log_in(client):
    DoctorFactory(email="gone@example.com", is_active=False)
    assert_error_shape(_token(client, "gone@example.com", DEFAULT_PASSWORD), status=400)


def test_missing_fields_answer_400_with_field_details(client):
    error = assert_error_shape(client.post(TOKEN_URL, {}, content_type="application/json"), status=400, code="validation_failed")
    assert set(error["details"]) == {"login", "password"}


def test_lockout_after_five_failures_on_username_and_ip(client, settings):
    target = DoctorFactory(email="target@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _token(client, "target@example.com", "wrong-password", REMOTE_ADDR="10.0.0.1")

    locked = _token(client, "target@example.com", DEFAULT_PASSWORD, REMOTE_ADDR="10.0.0.1")

    assert locked.status_code in (403, 429), locked.content
    assert not Token.objects.filter(user=target).exists()
    # Keyed on username + IP: the same person from elsewhere, and others from this IP, still log in.
    assert _token(client, "target@example.com", DEFAULT_PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 200
    DoctorFactory(email="neighbour@example.com")
    assert _token(client, "neighbour@example.com", DEFAULT_PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 200


def test_fewer_failures_than_the_limit_do_not_lock(client, settings):
    DoctorFactory(email="careless@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _token(client, "careless@example.com", "wrong-password", REMOTE_ADDR="10.0.0.3")
    assert _token(client, "careless@example.com", DEFAULT_PASSWORD, REMOTE_ADDR="10.0.0.3").status_code == 200


def test_authenticate_accepts_email_mobile_and_username():
    user = DoctorFactory(email="multi@example.com", username="multi-handle", mobile_number="13600000000")
    request = RequestFactory().post("/")
    for identifier in ("multi@example.com", "13600000000", "multi-handle"):
        assert authenticate(request, login=identifier, password=DEFAULT_PASSWORD) == user
    assert authenticate(request, login="multi@example.com", password="nope") is None


def test_a_session_login_is_recorded_as_an_interaction(doctor, client):
    client.force_login(doctor)
    assert events_of(doctor, verb="account.logged_in").count() == 1


# --- Roles -----------------------------------------------------------------------------------------


def test_granting_a_role_is_audited_and_takes_effect(platform_admin, sponsor_a):
    user = UserFactory(sponsor=sponsor_a)
    assert not has_capability(user, "campaigns.view_analytics")

    role_grant(actor=platform_admin, user=user, role=Role.MANAGER, reason="new hire")

    assert has_capability(user, "campaigns.view_analytics")
    entry = audit_entries_for(user, action="accounts.role.granted").get()
    assert entry.actor_id == platform_admin.pk and entry.after == {"role": "manager"} and entry.reason == "new hire"
    assert entry.sponsor_id == sponsor_a.pk


def test_granting_a_role_twice_records_it_once(platform_admin, sponsor_a):
    user = UserFactory(sponsor=sponsor_a)
    role_grant(actor=platform_admin, user=user, role=Role.MANAGER)
    role_grant(actor=platform_admin, user=user, role=Role.MANAGER)
    assert RoleAssignment.objects.filter(user=user).count() == 1
    assert audit_entries_for(user, action="accounts.role.granted").count() == 1


@pytest.mark.parametrize("role", [Role.REP, Role.MANAGER, Role.MLR_REVIEWER])
def test_sponsor_bound_roles_need_a_sponsor(role, platform_admin):
    user = UserFactory()
    with pytest.raises(ValidationFailed):
        role_grant(actor=platform_admin, user=user, role=role)
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_revoking_a_role_is_audited_and_takes_effect(platform_admin, manager_a):
    role_revoke(actor=platform_admin, user=manager_a, role=Role.MANAGER, reason="left the company")
    assert not has_capability(manager_a, "campaigns.view_analytics")
    entry = audit_entries_for(manager_a, action="accounts.role.revoked").get()
    assert entry.before == {"role": "manager"} and entry.reason == "left the company"


def test_revoking_a_role_not_held_records_nothing(platform_admin, doctor):
    role_revoke(actor=platform_admin, user=doctor, role=Role.MANAGER)
    assert not audit_entries_for(doctor, action="accounts.role.revoked").exists()
