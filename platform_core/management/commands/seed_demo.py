"""manage.py seed_demo: fictional sponsors, products, hospitals, doctors, staff, consents,
verification queue, PV queue and 90 days of interaction history, then each app's own demo
(AppConfig.demo_seeder, e.g. the academy's courses); prints the demo logins.

Idempotent: a second run adds nothing (natural keys, and events carry deterministic client
event ids). `--if-empty` skips everything when the demo sponsors exist (the embedded default's
start-up script uses it).
"""

import logging
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string
from django_scopes import scopes_disabled

from platform_core.demo.builders import build_demo, demo_exists
from platform_core.demo.logins import login_table


class Command(BaseCommand):
    help = "Load demo data (fictional sponsors, doctors, staff, consents and 90 days of interactions) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing (but print the logins) when the demo sponsors already exist."
        )
        parser.add_argument("--events", type=int, default=100_000, help="Interaction events to simulate (default 100000).")
        parser.add_argument("--doctors", type=int, default=300, help="Doctors to create, demo doctors included (default 300).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: same seed, same data (default 2026).")
        parser.add_argument("--quiet", action="store_true", help="Print only the login table.")

    def handle(self, *args, **options):
        quiet = options["quiet"]
        if options["doctors"] < 20:
            raise CommandError("--doctors must be at least 20")
        if options["events"] < 0:
            raise CommandError("--events cannot be negative")

        # Wagtail and its task runner log every page created and published at INFO: hundreds of
        # lines that would bury the demo's own summary and the login table.
        for noisy in ("wagtail", "django_tasks"):
            logging.getLogger(noisy).setLevel(logging.WARNING)

        def log(message: str) -> None:
            if not quiet:
                self.stdout.write(message)

        with scopes_disabled():
            if options["if_empty"] and demo_exists():
                log("Demo data already present (sponsors huakang and ruide exist): nothing to do.")
            else:
                started = time.monotonic()
                log(f"Seeding demo data (seed {options['seed']}, {options['doctors']} doctors, {options['events']:,} events) …")
                summary = build_demo(seed=options["seed"], doctors=options["doctors"], events=options["events"], log=log)
                for config in apps.get_app_configs():
                    # Apps above platform_core name their seeder by dotted path (no import of them here).
                    seeder = getattr(config, "demo_seeder", "")
                    if seeder:
                        log(f"Seeding {config.label} …")
                        for key, count in import_string(seeder)(log=log).items():
                            summary.created[f"{config.label}.{key}"] = count
                log(f"Done in {time.monotonic() - started:.1f} s.")
                for key, count in summary.created.items():
                    log(f"  {key}: {count:,}")
        self.stdout.write("")
        self.stdout.write("演示账号 Demo logins (all with the same password):")
        self.stdout.write(login_table())
