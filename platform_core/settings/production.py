"""Production: everything from the environment; refuses the embedded secrets."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEY")
if not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must be set in production")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"

# Behind nginx the client address arrives in X-Forwarded-For; the login lockout (username + IP)
# must key on it, trusting exactly the configured number of proxies.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=1)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Web processes skip the per-request `SELECT 1` health check of a persistent connection (one round
# trip less on every request, ~10 % of a heartbeat's cost). Trade-off: a connection the database
# dropped (restart, failover, idle timeout) fails the one request that finds it, with a 500, and
# is then discarded by Django; the next request opens a fresh one. Workers and beat, where a
# round trip costs nothing that matters, turn it back on (deploy/: CONN_HEALTH_CHECKS=true).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)  # noqa: F405

# Heartbeat-sized batches go through a Redis stream when Redis is there (docs/benchmarks.md):
# the endpoint validates, queues and answers 202; interactions_queue_drain_task stores them.
INTERACTIONS_QUEUE = env.bool("INTERACTIONS_QUEUE", default=bool(REDIS_URL))  # noqa: F405
if INTERACTIONS_QUEUE:
    CELERY_BEAT_SCHEDULE = {  # noqa: F405
        **CELERY_BEAT_SCHEDULE,  # noqa: F405
        "interactions-queue-drain": {
            "task": "platform_core.tasks.interactions_queue_drain_task",
            "schedule": 1.0,
            "options": {"expires": 10},
        },
    }
