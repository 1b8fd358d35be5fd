from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = _("Academy")
    default_auto_field = "django.db.models.BigAutoField"
    demo_seeder = "academy.demo.seed.seed_academy"

    def ready(self) -> None:
        # Function-local import: registering verbs and resolvers needs the app registry.
        from django.db.models.signals import post_migrate

        from academy import cms_access, interactions  # noqa: F401

        post_migrate.connect(cms_access.ensure_cms_groups, sender=self, dispatch_uid="academy.ensure_cms_groups")
