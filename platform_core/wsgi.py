"""WSGI entry: all HTTP in production goes through Granian on this (see deploy/)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings.base")
application = get_wsgi_application()
