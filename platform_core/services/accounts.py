"""Accounts: sign-up, roles, rep registrations."""

import re
import uuid

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core.exceptions import Conflict, ValidationFailed
from platform_core.fields import blind_index
from platform_core.interactions import record_event
from platform_core.models import DoctorProfile, RoleAssignment, User
from platform_core.roles import SPONSOR_BOUND_ROLES, Role
from platform_core.services.audit import audit_record
from platform_core.services.consent import consent_set, current_document

MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def normalise_mobile(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value)
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def classify_login(login: str) -> tuple[str, str]:
    """('email'|'mobile', normalised value) or raise ValidationFailed."""
    login = login.strip()
    if "@" in login:
        try:
            validate_email(login)
        except DjangoValidationError:
            raise ValidationFailed(_("Enter a valid e-mail address."), details={"login": "invalid_email"}) from None
        return "email", login.lower()
    mobile = normalise_mobile(login)
    if not MOBILE_PATTERN.match(mobile):
        raise ValidationFailed(
            _("Enter an e-mail address or an 11-digit mainland China mobile number."), details={"login": "invalid"}
        )
    return "mobile", mobile


def user_find_by_login(login: str) -> User | None:
    try:
        kind, value = classify_login(login)
    except ValidationFailed:
        return User.objects.filter(username=login.strip()).first()
    if kind == "email":
        return User.objects.filter(email__iexact=value).first()
    return User.objects.filter(mobile_index=blind_index(value, purpose="mobile")).first()


def doctor_sign_up(*, login: str, password: str, name: str, accept_terms: bool) -> User:
    """Create a doctor account (unverified) with platform-terms consent. Raises ValidationFailed/Conflict."""
    errors: dict[str, str] = {}
    try:
        kind, value = classify_login(login)
    except ValidationFailed as error:
        errors["login"] = error.message
        kind, value = "", ""
    if not name.strip():
        errors["name"] = _("Enter your name.")
    if not accept_terms:
        errors["accept_terms"] = _("You must accept the platform terms and privacy policy to create an account.")
    if kind and user_find_by_login(value) is not None:
        errors["login"] = _("An account with this e-mail or mobile number already exists.")
    candidate = User(username=f"u{uuid.uuid4().hex[:12]}", name=name.strip())
    if kind == "email":
        candidate.email = value
    elif kind == "mobile":
        candidate.mobile = value
        candidate.mobile_index = blind_index(value, purpose="mobile")
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as error:
        errors["password"] = " ".join(error.messages)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), details=errors)
    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save()
            RoleAssignment.objects.create(user=candidate, role=Role.DOCTOR)
            DoctorProfile.objects.create(user=candidate)
            consent_set(user=candidate, document=current_document("platform_terms"), sponsor=None, granted=True)
            audit_record(
                actor=candidate,
                action="accounts.user.signed_up",
                target=candidate,
                after={"login_kind": kind, "roles": [Role.DOCTOR]},
            )
            record_event(
                actor=candidate,
                verb="account.signed_up",
                target=candidate,
                object_type="user",
                client_event_id=f"signup:{candidate.pk}",
            )
    except IntegrityError:
        raise Conflict(_("An account with this e-mail or mobile number already exists."), details={"login": "taken"}) from None
    return candidate


def role_grant(*, actor, user: User, role: Role, reason: str = "") -> RoleAssignment:
    """Give a role (audited). Sponsor-bound roles need the user's sponsor to be set."""
    if role in SPONSOR_BOUND_ROLES and user.sponsor_id is None:
        raise ValidationFailed(f"the {role.label} role needs the user to belong to a sponsor")
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, defaults={"granted_by": actor})
        if created:
            audit_record(
                actor=actor,
                action="accounts.role.granted",
                target=user,
                sponsor_id=user.sponsor_id,
                after={"role": str(role)},
                reason=reason,
            )
    user.__dict__.pop("_role_codes", None)
    user.__dict__.pop("_capabilities", None)
    return assignment


def role_revoke(*, actor, user: User, role: Role, reason: str = "") -> None:
    with transaction.atomic():
        deleted, _ = RoleAssignment.objects.filter(user=user, role=role).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="accounts.role.revoked",
                target=user,
                sponsor_id=user.sponsor_id,
                before={"role": str(role)},
                reason=reason,
            )
    user.__dict__.pop("_role_codes", None)
    user.__dict__.pop("_capabilities", None)


def login_record(*, user: User) -> None:
    """Record a successful login as an interaction (one per session start)."""
    record_event(
        actor=user,
        verb="account.logged_in",
        target=user,
        object_type="user",
        client_event_id=f"login:{user.pk}:{timezone.now().timestamp():.0f}",
    )
