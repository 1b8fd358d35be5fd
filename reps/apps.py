from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepsConfig(AppConfig):
    name = "reps"
    verbose_name = _("Rep workbench")
