"""The Celery app. Settings come from Django's (CELERY_* names); tasks are discovered per app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings.base")

app = Celery("xinglin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
