from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsMallConfig(AppConfig):
    name = "points_mall"
    verbose_name = _("Points mall")
    default_auto_field = "django.db.models.BigAutoField"
    demo_seeder = "points_mall.demo.seed_points_mall"

    def ready(self) -> None:
        # Function-local import: verbs and the earn listener need the app registry.
        from points_mall import interactions  # noqa: F401
