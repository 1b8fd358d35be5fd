"""The roles a person can hold. Capabilities per role live in platform_core.permissions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DOCTOR = "doctor", _("Doctor")
    REP = "rep", _("Medical representative")
    MANAGER = "manager", _("Marketing manager")
    EDITOR = "editor", _("Content editor")
    MLR_REVIEWER = "mlr_reviewer", _("MLR reviewer")
    PV_OFFICER = "pv_officer", _("Pharmacovigilance officer")
    MODERATOR = "moderator", _("Moderator")
    VERIFIER = "verifier", _("HCP verification reviewer")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


# Roles that act for exactly one sponsor (the user's `sponsor` must be set).
SPONSOR_BOUND_ROLES = frozenset({Role.REP, Role.MANAGER, Role.MLR_REVIEWER})
