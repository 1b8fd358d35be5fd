from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Campaign(models.Model):
    """A sponsor's programme: products, dates and a points budget that its channels draw on.

    Lives in platform_core, not campaigns/, because academy, campaigns and points_mall all refer to
    it and may not import one another (pyproject's import-linter layers). The campaigns app adds the
    channels (webinars, surveys) and analytics around this row.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    sponsor = models.ForeignKey("platform_core.Sponsor", on_delete=models.PROTECT, related_name="campaigns")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    products = models.ManyToManyField("platform_core.Product", blank=True, related_name="campaigns", verbose_name=_("products"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    points_budget = models.PositiveIntegerField(_("points budget"), default=0)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(sponsor="sponsor")

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["sponsor_id", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["sponsor", "code"], name="campaign_code_unique"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The campaign cannot end before it starts.")})
