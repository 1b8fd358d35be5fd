from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApprovedMaterialMixin(models.Model):
    """Fields every sponsorable academy page carries: the stamp of its current MLR approval.

    The MLR workflow (academy.mlr) writes them when the Regulatory step approves and clears them
    when an edit sends the page back through review. Pages without a sponsor never need them.
    """

    approval_code = models.CharField(_("approval code"), max_length=32, blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    approval_expires_on = models.DateField(_("approval expires on"), null=True, blank=True)

    class Meta:
        abstract = True

    def material_sponsor_id(self) -> int | None:
        """The sponsor whose reviewers must approve this page (None: not sponsored)."""
        raise NotImplementedError

    def approval_is_current(self, *, today=None) -> bool:
        """Sponsored material is deliverable only with an approval code and before its expiry."""
        if self.material_sponsor_id() is None:
            return True
        today = today or timezone.localdate()
        return bool(self.approval_code) and self.approval_expires_on is not None and self.approval_expires_on >= today
