from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MlrConfig(AppConfig):
    name = "academy.mlr"
    label = "mlr"
    verbose_name = _("MLR review")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Function-local imports: receivers and verbs need the app registry.
        from academy.mlr import interactions, receivers  # noqa: F401
