from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from platform_core.fields import EncryptedTextField
from platform_core.roles import Role


class User(AbstractUser):
    """One account per person. `username` is an internal handle; people log in by e-mail or mobile."""

    email = models.EmailField(_("e-mail"), blank=True, null=True)
    mobile = EncryptedTextField(_("mobile number"), blank=True, default="")
    mobile_index = models.CharField(max_length=64, blank=True, null=True, editable=False)
    name = models.CharField(_("name"), max_length=80, blank=True)
    sponsor = models.ForeignKey(
        "platform_core.Sponsor",
        verbose_name=_("sponsor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_members",
        help_text=_("Reps, managers and the sponsor's reviewers belong to one sponsor; doctors to none."),
    )
    preferred_language = models.CharField(max_length=10, blank=True, default="")
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(fields=["email"], condition=Q(email__isnull=False), name="user_email_unique"),
            models.UniqueConstraint(fields=["mobile_index"], condition=Q(mobile_index__isnull=False), name="user_mobile_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.email or self.username

    def get_full_name(self) -> str:
        return self.name or self.username

    def get_short_name(self) -> str:
        return self.name or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", flat=True)) if self.pk else frozenset()
            self._role_codes = cached
        return cached

    def has_role(self, role: Role | str) -> bool:
        return str(role) in self.role_codes


class RoleAssignment(models.Model):
    """Roles are data: a person holds any number of them (checked via platform_core.permissions)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class OneTimeCode(models.Model):
    """A hashed one-time code sent by e-mail or SMS (login by code)."""

    target_index = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    requested_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["target_index", "purpose", "created_at"])]
