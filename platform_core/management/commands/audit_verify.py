"""manage.py audit_verify — walk the audit hash chain and report the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from platform_core.services.audit import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exits non-zero at the first altered or missing entry."

    def handle(self, *args, **options):
        checked, broken, why = audit_chain_verify()
        if broken is not None:
            raise CommandError(
                f"BROKEN at audit entry #{broken.pk} ({broken.action}, {broken.occurred_at:%Y-%m-%d %H:%M:%S%z}): {why}. "
                f"{checked} entries before it verified."
            )
        self.stdout.write(self.style.SUCCESS(f"OK: {checked} entries verified, chain intact."))
