from django.db import models
from django.utils.translation import gettext_lazy as _


class AdverseEventReport(models.Model):
    """A suspected adverse event found in free text, queued for pharmacovigilance triage.

    The verbatim text is copied here, so hiding or editing the source never loses it; rows
    cannot be deleted (database trigger, migration 0003).
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        NOT_AE = "not_ae", _("Not an adverse event")
        CONFIRMED = "confirmed", _("Adverse event confirmed")
        FORWARDED = "forwarded", _("Forwarded to sponsor PV")

    class Seriousness(models.TextChoices):
        UNKNOWN = "unknown", _("Unknown")
        NON_SERIOUS = "non_serious", _("Non-serious")
        SERIOUS = "serious", _("Serious")

    source_type = models.CharField(_("source"), max_length=60)
    source_id = models.CharField(max_length=64)
    text = models.TextField(_("verbatim text"))
    text_sha256 = models.CharField(max_length=64)
    matched_terms = models.JSONField(default=list)
    context = models.JSONField(default=dict)
    reporter = models.ForeignKey(
        "platform_core.User", on_delete=models.PROTECT, null=True, related_name="reported_adverse_events"
    )
    sponsor = models.ForeignKey("platform_core.Sponsor", on_delete=models.PROTECT, null=True, blank=True)
    product = models.ForeignKey("platform_core.Product", on_delete=models.PROTECT, null=True, blank=True)
    received_at = models.DateTimeField(_("first received"))
    forward_due_at = models.DateTimeField(_("forward due"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    seriousness = models.CharField(max_length=12, choices=Seriousness.choices, default=Seriousness.UNKNOWN)
    # The four minimum elements of a valid individual case safety report.
    patient_descriptor = models.CharField(_("identifiable patient"), max_length=200, blank=True)
    reaction = models.TextField(_("adverse reaction"), blank=True)
    suspect_product = models.CharField(_("suspect product"), max_length=200, blank=True)
    reporter_description = models.CharField(_("identifiable reporter"), max_length=200, blank=True)
    triaged_by = models.ForeignKey("platform_core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    triaged_at = models.DateTimeField(null=True, blank=True)
    triage_reason = models.TextField(blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    source_hidden = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("adverse-event report")
        verbose_name_plural = _("adverse-event reports")
        ordering = ["forward_due_at"]
        indexes = [
            models.Index(fields=["status", "forward_due_at"]),
            models.Index(fields=["source_type", "source_id"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source_type", "source_id", "text_sha256"], name="ae_report_once_per_source_text")
        ]

    def __str__(self) -> str:
        return f"AE #{self.pk} ({self.get_status_display()})"
