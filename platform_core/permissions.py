"""One permission layer: roles map to capability strings; views and APIs declare what they need.

Nothing else in the code base checks `is_staff` or a role name to decide access.
"""

from collections.abc import Iterable

from django.contrib.auth.mixins import AccessMixin
from django.http import Http404
from rest_framework.permissions import BasePermission

from platform_core.roles import Role

# Capabilities that need a verified HCP (checked in addition to the role).
VERIFIED_HCP_CAPABILITIES = frozenset({"academy.view_rx_content", "campaigns.attend_rx_webinar", "circles.participate"})
# Capabilities a rep holds only while registered (备案) with the sponsor.
REGISTERED_REP_CAPABILITIES = frozenset({"reps.promote", "reps.share_material", "reps.log_call"})

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.DOCTOR: frozenset(
        {
            "doctor.home",
            "doctor.submit_verification",
            "academy.learn",
            "academy.view_rx_content",
            "campaigns.attend_rx_webinar",
            "circles.participate",
            "points.redeem",
        }
    ),
    Role.REP: frozenset({"rep.home", "reps.view_my_doctors", *REGISTERED_REP_CAPABILITIES}),
    Role.MANAGER: frozenset(
        {
            "manager.home",
            "campaigns.view_analytics",
            "campaigns.manage",
            "reps.manage_team",
            "sponsor.view_products",
            "points.view_tov_report",
        }
    ),
    Role.EDITOR: frozenset({"editor.home", "academy.edit_content"}),
    Role.MLR_REVIEWER: frozenset({"mlr.home", "mlr.review", "sponsor.view_products"}),
    Role.PV_OFFICER: frozenset({"pv.home", "pv.triage"}),
    Role.MODERATOR: frozenset({"moderator.home", "academy.moderate"}),
    Role.VERIFIER: frozenset({"verifier.home", "verification.review"}),
    Role.PLATFORM_ADMIN: frozenset(
        {
            "admin.home",
            "verification.review",
            "roles.manage",
            "audit.view",
            "audit.export",
            "sponsor.view_products",
            "points.manage_mall",
            "points.view_tov_report",
            "points.view_all_tov_reports",
        }
    ),
}

ALL_CAPABILITIES = frozenset().union(*ROLE_CAPABILITIES.values())


def capabilities_of(user) -> frozenset[str]:
    """Capabilities the user holds now (roles, minus those gated on verification or registration)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_capabilities", None)
    if cached is not None:
        return cached
    granted: set[str] = set()
    for role in user.role_codes:
        granted |= ROLE_CAPABILITIES.get(role, frozenset())
    if granted & VERIFIED_HCP_CAPABILITIES and not _is_verified_hcp(user):
        granted -= VERIFIED_HCP_CAPABILITIES
    if granted & REGISTERED_REP_CAPABILITIES and not _has_active_registration(user):
        granted -= REGISTERED_REP_CAPABILITIES
    user._capabilities = frozenset(granted)
    return user._capabilities


def has_capability(user, capability: str) -> bool:
    if capability not in ALL_CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}")
    return capability in capabilities_of(user)


def has_any_capability(user, capabilities: Iterable[str]) -> bool:
    return any(has_capability(user, capability) for capability in capabilities)


def _is_verified_hcp(user) -> bool:
    # Function-local import: models import this module's siblings at load time.
    from platform_core.models import DoctorProfile, VerificationStatus

    return DoctorProfile.objects.filter(user=user, verification_status=VerificationStatus.VERIFIED).exists()


def _has_active_registration(user) -> bool:
    from platform_core.models import RepRegistration

    if user.sponsor_id is None:
        return False
    return (
        RepRegistration.objects.with_scope(sponsor=user.sponsor_id)
        .filter(rep=user, status=RepRegistration.Status.ACTIVE)
        .exists()
    )


class CapabilityRequiredMixin(AccessMixin):
    """Class-based views declare `required_capability`; a missing one answers 404 (no existence leak)."""

    required_capability: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_capability(request.user, self.required_capability):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class HasCapability(BasePermission):
    """DRF permission: the view's `required_capability` must be held by the user."""

    def has_permission(self, request, view) -> bool:
        capability = getattr(view, "required_capability", "")
        return bool(request.user and request.user.is_authenticated and capability and has_capability(request.user, capability))
