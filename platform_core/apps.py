from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformCoreConfig(AppConfig):
    name = "platform_core"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Function-local imports: these register signal receivers and verbs once apps are loaded.
        from platform_core import signals  # noqa: F401
        from platform_core.interactions import resolvers  # noqa: F401
