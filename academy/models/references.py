from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.models import Campaign, PrescribingInformation, Product


class ProductReference(Product):
    """A product as academy content refers to it, read without a sponsor scope.

    Content pages are public to their audience and edited across sponsors in the CMS, and Wagtail
    serialises a page's relations on every revision; the scoped manager of Product would refuse
    those reads. The course's clean() still keeps every product within the course's sponsor.
    """

    objects = models.Manager()

    class Meta:
        proxy = True
        default_manager_name = "objects"
        verbose_name = _("product")
        verbose_name_plural = _("products")


class CampaignReference(Campaign):
    """A campaign as academy content refers to it, read without a sponsor scope (see ProductReference)."""

    objects = models.Manager()

    class Meta:
        proxy = True
        default_manager_name = "objects"
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")


class PrescribingInformationReference(PrescribingInformation):
    """A prescribing-information version as a course refers to it (MLR approval checks it is current)."""

    objects = models.Manager()

    class Meta:
        proxy = True
        default_manager_name = "objects"
        verbose_name = _("prescribing information")
        verbose_name_plural = _("prescribing information")

    def __str__(self) -> str:
        return f"{self.product.brand_name} 说明书 {self.version}（{self.effective_date:%Y-%m-%d}）"
