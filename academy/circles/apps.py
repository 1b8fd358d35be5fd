from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirclesConfig(AppConfig):
    name = "academy.circles"
    label = "circles"
    verbose_name = _("Case circles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Function-local import: registering verbs and resolvers needs the app registry ready.
        from academy.circles import events

        events.register()
