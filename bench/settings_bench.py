"""Production settings plus the bench's URLconf (a trivial JSON view behind the same middleware).

Used by the benchmarks in bench/, which start Granian with DJANGO_SETTINGS_MODULE pointing here.
"""

from platform_core.settings.production import *  # noqa: F403
from platform_core.settings.production import CACHES, VAR_DIR, env

ROOT_URLCONF = "bench.urls"

# A bench collects the static files (as the release step does) into its own temporary directory:
# templates need the manifest, and the checkout stays untouched.
STATIC_ROOT = VAR_DIR / "staticfiles"

# One cache namespace per run: benches share the local Redis with each other and with test runs,
# and cached values (Wagtail's site root paths, page URLs) must not leak between databases.
CACHES["default"]["KEY_PREFIX"] = env.str("XL_BENCH_CACHE_PREFIX", default="")
