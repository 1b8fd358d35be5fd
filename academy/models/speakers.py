from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Speaker(index.Indexed, models.Model):
    """A faculty member who teaches courses (讲者). Kept as a snippet so one speaker serves many courses."""

    name = models.CharField(_("name"), max_length=60)
    title = models.CharField(_("professional title"), max_length=40, blank=True, help_text=_("e.g. 主任医师、教授"))
    hospital = models.CharField(_("hospital"), max_length=120, blank=True)
    department = models.CharField(_("department"), max_length=60, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("photo")
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("title"),
        FieldPanel("hospital"),
        FieldPanel("department"),
        FieldPanel("bio"),
        FieldPanel("photo"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("hospital"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} · {self.hospital}" if self.hospital else self.name
