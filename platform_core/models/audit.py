from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """An append-only, hash-chained audit record.

    The table is created by migration 0002 with database triggers that refuse UPDATE, DELETE
    and TRUNCATE for every role (bulk statements included). It is unmanaged so that Django's
    test flush never tries to truncate it, and it holds no foreign keys so that records outlive
    the rows they describe.
    """

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True)
    actor_repr = models.CharField(max_length=200, blank=True)
    on_behalf_of_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    sponsor_id = models.BigIntegerField(null=True)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        managed = False
        db_table = "platform_core_auditentry"
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"
