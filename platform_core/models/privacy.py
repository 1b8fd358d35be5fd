from django.db import models
from django.utils.translation import gettext_lazy as _


class DataRequest(models.Model):
    """A data-subject request (PIPL art. 45/47, GDPR art. 15/17): export or deletion."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("Export my data")
        DELETION = "deletion", _("Delete my account and data")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        COMPLETED = "completed", _("Completed")

    user = models.ForeignKey("platform_core.User", on_delete=models.SET_NULL, null=True, related_name="data_requests")
    user_reference = models.CharField(max_length=40)  # survives erasure: "user:<id>"
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    reason = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        ordering = ["-requested_at"]
