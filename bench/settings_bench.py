"""Production settings plus the bench's URLconf (a trivial JSON view behind the same middleware).

Used only by `bench/ingest.py`, which starts Granian with DJANGO_SETTINGS_MODULE pointing here.
"""

from platform_core.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
