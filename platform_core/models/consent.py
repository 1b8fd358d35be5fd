from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ConsentPurpose(models.TextChoices):
    PLATFORM_TERMS = "platform_terms", _("Platform terms and privacy policy")
    SPONSOR_CONTACT = "sponsor_contact", _("Contact by a named sponsor")
    SPONSOR_DATA_SHARING = "sponsor_data_sharing", _("Share my engagement data with a named sponsor")


SPONSOR_PURPOSES = frozenset({ConsentPurpose.SPONSOR_CONTACT, ConsentPurpose.SPONSOR_DATA_SHARING})


class ConsentDocument(models.Model):
    """A version of the text a person agrees to. Sponsor-specific purposes name the sponsor in the text."""

    purpose = models.CharField(max_length=32, choices=ConsentPurpose.choices)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=120)
    body = models.TextField()
    effective_at = models.DateTimeField()

    class Meta:
        verbose_name = _("consent document")
        verbose_name_plural = _("consent documents")
        constraints = [models.UniqueConstraint(fields=["purpose", "version"], name="consent_document_unique")]
        ordering = ["purpose", "-effective_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} v{self.version}"


class Consent(models.Model):
    """The current state of one person's consent for one purpose (and sponsor). History: ConsentEvent."""

    user = models.ForeignKey("platform_core.User", on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=32, choices=ConsentPurpose.choices)
    sponsor = models.ForeignKey("platform_core.Sponsor", on_delete=models.PROTECT, null=True, blank=True, related_name="consents")
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="+")
    granted = models.BooleanField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose", "sponsor"], name="consent_unique_with_sponsor", condition=Q(sponsor__isnull=False)
            ),
            models.UniqueConstraint(
                fields=["user", "purpose"], name="consent_unique_platform", condition=Q(sponsor__isnull=True)
            ),
            models.CheckConstraint(
                condition=Q(purpose="platform_terms", sponsor__isnull=True)
                | Q(purpose__in=["sponsor_contact", "sponsor_data_sharing"], sponsor__isnull=False),
                name="consent_sponsor_matches_purpose",
            ),
        ]
        indexes = [models.Index(fields=["sponsor", "purpose", "granted"])]

    def __str__(self) -> str:
        parts = [str(self.user), self.get_purpose_display()]
        if self.sponsor_id:
            parts.append(str(self.sponsor))
        return " · ".join(parts)


class ConsentEvent(models.Model):
    """Append-only history of consents given and withdrawn (what a person can inspect)."""

    user = models.ForeignKey("platform_core.User", on_delete=models.CASCADE, related_name="consent_events")
    purpose = models.CharField(max_length=32, choices=ConsentPurpose.choices)
    sponsor = models.ForeignKey("platform_core.Sponsor", on_delete=models.PROTECT, null=True, blank=True)
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="+")
    granted = models.BooleanField()
    occurred_at = models.DateTimeField()
    channel = models.CharField(max_length=20, default="web")

    class Meta:
        ordering = ["-occurred_at", "-id"]
