"""What the page views share: the role homes in priority order, navigation, and mapping service errors to forms."""

import re
from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from platform_core.exceptions import NotFound, ValidationFailed
from platform_core.permissions import capabilities_of


@dataclass(frozen=True)
class RoleHome:
    capability: str
    url_name: str
    label: str


# A person with several roles lands on the first home they hold; the nav links to the others.
ROLE_HOMES: tuple[RoleHome, ...] = (
    RoleHome("doctor.home", "home_doctor", _("Doctor home")),
    RoleHome("rep.home", "home_rep", _("Rep workbench")),
    RoleHome("manager.home", "home_manager", _("Brand management")),
    RoleHome("mlr.home", "home_mlr", _("MLR review")),
    RoleHome("pv.home", "home_pv", _("Pharmacovigilance")),
    RoleHome("verifier.home", "home_verifier", _("HCP verification")),
    RoleHome("admin.home", "home_admin", _("Platform admin")),
    RoleHome("editor.home", "home_editor", _("Content editing")),
    RoleHome("moderator.home", "home_moderator", _("Moderation")),
)

# Feature links after the role homes: (capability, label, URL name).
FEATURE_LINKS: tuple[tuple[str, str, str], ...] = (
    ("academy.learn", _("Academy"), "academy:index"),
    ("doctor.home", _("Meetings & surveys"), "campaigns:index"),
    ("points.redeem", _("Points mall"), "points_mall:index"),
    ("reps.view_my_doctors", _("My doctors"), "reps:index"),
    ("campaigns.view_analytics", _("Dashboards"), "campaigns:index"),
    ("verification.review", _("Verification queue"), "verification_queue"),
    ("pv.triage", _("Adverse-event queue"), "pv_queue"),
    ("audit.view", _("Audit log"), "audit_log"),
)


def role_homes_of(user) -> list[RoleHome]:
    held = capabilities_of(user)
    return [home for home in ROLE_HOMES if home.capability in held]


def navigation_items(user) -> list[tuple[str, str]]:
    """(label, url) pairs for the header: the user's role homes, then what their capabilities open."""
    held = capabilities_of(user)
    items: list[tuple[str, str]] = []
    seen: set[str] = set()
    for home in role_homes_of(user):
        items.append((str(home.label), reverse(home.url_name)))
        seen.add(items[-1][1])
    for capability, label, url_name in FEATURE_LINKS:
        url = reverse(url_name)
        if capability in held and url not in seen:
            items.append((str(label), url))
            seen.add(url)
    return items


_CODE = re.compile(r"^[a-z_]+$")


def field_message(value, error: ValidationFailed) -> str:
    """Services put either a sentence or a short code (`required`, `invalid`) next to a field."""
    text = str(value)
    if not _CODE.match(text):
        return text
    if text == "required":
        return gettext("This field is required.")
    return error.message


def add_service_errors(form, error: ValidationFailed) -> None:
    """Show a service's ValidationFailed on a bound form: each detail next to its field."""
    placed = False
    for field, value in error.details.items():
        message = field_message(value, error)
        if field in form.fields:
            if field not in form.errors:
                form.add_error(field, message)
            placed = True
        else:
            form.add_error(None, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class NotFoundAs404Mixin:
    """A service or selector's NotFound (also what a foreign tenant's object raises) answers 404."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
