"""Test settings: real PostgreSQL and Redis (scripts/test starts them)."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://xinglin:xinglin@127.0.0.1:5432/xinglin")

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_FAILURE_LIMIT = 5
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True  # tests serve static files from the apps, no collectstatic needed
LANGUAGE_CODE = "zh-hans"
TEST_REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
