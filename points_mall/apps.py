from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsMallConfig(AppConfig):
    name = "points_mall"
    verbose_name = _("Points mall")
