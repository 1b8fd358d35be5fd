"""Electronic signatures and approval stamps for reviewed material (21 CFR Part 11 / EU Annex 11 style).

Generic on purpose: a signature or an approval points at any record by content type + object id +
revision id, so academy pages, webinars and rep materials share one implementation without
platform_core importing them.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class SignatureDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Changes requested")


class ElectronicSignature(models.Model):
    """One signed review decision. Append-only: the database refuses UPDATE and DELETE (migration 0004).

    Part 11 §11.50: the signed record shows the signer's printed name, the date and time (UTC) and
    the meaning of the signature; §11.70: it is linked to the record it signs (content type, object,
    revision and a SHA-256 of the revision's content) so it cannot be moved to another record;
    §11.200: the signer re-entered their password (`authentication`) at signing time.
    """

    sponsor = models.ForeignKey(
        "platform_core.Sponsor", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sponsor")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("signed record"), max_length=255)
    revision_id = models.BigIntegerField(_("revision"), null=True, blank=True)
    content_sha256 = models.CharField(_("content fingerprint (SHA-256)"), max_length=64)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signer"))
    signer_name = models.CharField(_("signer's printed name"), max_length=120)
    signed_at = models.DateTimeField(_("signed at (UTC)"))
    step = models.CharField(_("review step"), max_length=32)
    decision = models.CharField(_("decision"), max_length=12, choices=SignatureDecision.choices)
    meaning = models.CharField(_("meaning of the signature"), max_length=255)
    reason = models.TextField(_("comment"))
    authentication = models.CharField(_("re-authentication"), max_length=32, default="password")

    objects = ScopedManager(sponsor="sponsor")

    class Meta:
        verbose_name = _("electronic signature")
        verbose_name_plural = _("electronic signatures")
        ordering = ["signed_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "revision_id"], name="esign_record")]

    def __str__(self) -> str:
        return f"{self.signer_name} · {self.meaning} · {self.signed_at:%Y-%m-%d %H:%M:%S} UTC"


class ApprovalCodeCounter(models.Model):
    """The last approval-code number handed out per year (gap-free: allocated in the caller's transaction)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("approval code counter")


class MaterialApproval(models.Model):
    """The stamp of a final approval: which revision of which record may be delivered, and until when."""

    sponsor = models.ForeignKey(
        "platform_core.Sponsor", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sponsor")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("approved record"), max_length=255)
    revision_id = models.BigIntegerField(_("approved revision"), null=True, blank=True)
    code = models.CharField(_("approval code"), max_length=32, unique=True)
    signature = models.OneToOneField(
        ElectronicSignature, on_delete=models.PROTECT, related_name="approval", verbose_name=_("final signature")
    )
    approved_at = models.DateTimeField(_("approved at"))
    expires_on = models.DateField(_("expires on"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("why it was withdrawn"), blank=True)

    objects = ScopedManager(sponsor="sponsor")

    class Meta:
        verbose_name = _("material approval")
        verbose_name_plural = _("material approvals")
        ordering = ["-approved_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "revision_id"], name="approval_record")]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""), name="approval_withdrawal_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
