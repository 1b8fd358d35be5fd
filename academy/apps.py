from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = _("Academy")
    default_auto_field = "django.db.models.BigAutoField"
    demo_seeder = "academy.demo.seed.seed_academy"

    def ready(self) -> None:
        # Function-local import: registering verbs and resolvers needs the app registry.
        from academy import interactions  # noqa: F401
