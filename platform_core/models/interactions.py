from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class InteractionEvent(models.Model):
    """One user-facing action: the spine every dashboard, 360 and report is built from.

    On PostgreSQL the table is partitioned by month on `occurred_at` (migration 0002), with
    the primary key (id, occurred_at) and the idempotency key (actor_id, client_event_id,
    occurred_at). References carry no database constraint: ingestion is the hot path and
    these rows must outlive what they point at.
    """

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    actor = models.ForeignKey("platform_core.User", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    verb = models.CharField(max_length=48)
    object_type = models.CharField(max_length=48)
    object_id = models.CharField(max_length=64)
    sponsor = models.ForeignKey(
        "platform_core.Sponsor", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    campaign_id = models.BigIntegerField(null=True)
    value = models.FloatField(null=True)
    context = models.JSONField(default=dict)
    client_event_id = models.CharField(max_length=64)
    source = models.CharField(max_length=8, default="server")

    objects = ScopedManager(sponsor="sponsor")

    class Meta:
        db_table = "platform_core_interactionevent"
        verbose_name = _("interaction event")
        verbose_name_plural = _("interaction events")
        indexes = [
            models.Index(fields=["sponsor", "occurred_at"], name="interaction_sponsor_time"),
            models.Index(fields=["object_type", "object_id"], name="interaction_object"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["actor", "client_event_id", "occurred_at"], name="interaction_idempotency")
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.verb} {self.object_type}:{self.object_id}"
