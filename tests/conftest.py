"""Shared fixtures: two sponsors with their staff, the platform roles, clients, and the real
Celery worker / channel layer on a Redis database of this xdist worker's own."""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.db import connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token

from tests.factories import (
    AdminFactory,
    DoctorFactory,
    ManagerFactory,
    MlrReviewerFactory,
    ProductFactory,
    PvOfficerFactory,
    RepFactory,
    SponsorFactory,
    VerifierFactory,
)

# Database-backed property tests: examples share the test transaction, and a round trip costs
# more than hypothesis' default deadline.
hypothesis_settings.register_profile(
    "xinglin",
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.load_profile("xinglin")


# --- Two tenants and everyone who works for them --------------------------------------------


@pytest.fixture
def sponsor_a(db):
    return SponsorFactory(code="alpha-pharma", name="甲方制药", name_en="Alpha Pharma")


@pytest.fixture
def sponsor_b(db):
    return SponsorFactory(code="beta-pharma", name="乙方制药", name_en="Beta Pharma")


@pytest.fixture
def product_a(sponsor_a):
    return ProductFactory(sponsor=sponsor_a, brand_name="Alphastatin", generic_name="阿尔法他汀", generic_name_en="alphavastatin")


@pytest.fixture
def product_b(sponsor_b):
    return ProductFactory(sponsor=sponsor_b, brand_name="Betaprazole", generic_name="贝塔拉唑", generic_name_en="betaprazole")


@pytest.fixture
def rep_a(sponsor_a):
    return RepFactory(sponsor=sponsor_a)


@pytest.fixture
def manager_a(sponsor_a):
    return ManagerFactory(sponsor=sponsor_a)


@pytest.fixture
def mlr_a(sponsor_a):
    return MlrReviewerFactory(sponsor=sponsor_a)


@pytest.fixture
def rep_b(sponsor_b):
    return RepFactory(sponsor=sponsor_b)


@pytest.fixture
def manager_b(sponsor_b):
    return ManagerFactory(sponsor=sponsor_b)


@pytest.fixture
def mlr_b(sponsor_b):
    return MlrReviewerFactory(sponsor=sponsor_b)


@pytest.fixture
def doctor(db):
    """A verified HCP."""
    return DoctorFactory(verified=True)


@pytest.fixture
def unverified_doctor(db):
    return DoctorFactory()


@pytest.fixture
def pv_officer(db):
    return PvOfficerFactory()


@pytest.fixture
def verifier(db):
    return VerifierFactory()


@pytest.fixture
def platform_admin(db):
    # Not `admin_user`: pytest-django already defines that (a Django superuser).
    return AdminFactory()


# --- Clients ------------------------------------------------------------------------------------


@pytest.fixture
def client_for(db):
    """client_for(user) → a test Client with that user's session (None: anonymous)."""

    def make(user=None, **client_kwargs) -> Client:
        client = Client(**client_kwargs)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def token_client_for(db):
    """token_client_for(user) → a Client that sends `Authorization: Token ...` on every request."""

    def make(user) -> Client:
        token, _ = Token.objects.get_or_create(user=user)
        return Client(HTTP_AUTHORIZATION=f"Token {token.key}")

    return make


# --- Redis: one database per xdist worker -------------------------------------------------------


def _redis_db_index() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = int("".join(ch for ch in worker if ch.isdigit()) or 0)
    # 8.. by default: clear of the app's database 0. Concurrent test sessions on one machine
    # (several checkouts) each set their own XL_TEST_REDIS_DB_BASE.
    base = int(os.environ.get("XL_TEST_REDIS_DB_BASE", "8"))
    return (base + number) % 16


@pytest.fixture(scope="session")
def worker_redis_url() -> str:
    """settings.TEST_REDIS_URL with this xdist worker's own database, emptied at session start."""
    parts = urlsplit(settings.TEST_REDIS_URL)
    url = urlunsplit((parts.scheme, parts.netloc, f"/{_redis_db_index()}", parts.query, parts.fragment))
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def isolated_channel_layer(settings, worker_redis_url):
    """The real Redis channel layer, on this worker's database (xdist workers reuse user ids)."""
    # Function-local: importing channels.layers reads settings; keep it out of collection.
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [worker_redis_url]}}
    }
    channel_layers.backends = {}
    yield channel_layers["default"]
    channel_layers.backends = {}


# --- The real Celery worker -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def celery_worker_session(worker_redis_url, django_db_setup, django_db_blocker):
    """A real Celery worker (thread, solo pool) consuming from this xdist worker's Redis database."""
    # Function-local: only sessions that run a celery_worker test pay for loading the worker.
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    from platform_core.celery import app

    app.conf.update(
        broker_url=worker_redis_url,
        result_backend=worker_redis_url,
        task_always_eager=False,
        worker_hijack_root_logger=False,
    )
    app._pool = None  # a producer pool made before this point would still point at the old broker

    def close_worker_connections(**kwargs):
        # The worker thread's connection would otherwise outlive the test database (CONN_MAX_AGE).
        connections.close_all()

    task_postrun.connect(close_worker_connections, weak=False)
    try:
        with django_db_blocker.unblock():
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20) as worker:
                yield worker
    finally:
        task_postrun.disconnect(close_worker_connections)


@pytest.fixture(autouse=True)
def _celery_worker_for_marked_tests(request):
    """`@pytest.mark.celery_worker` tests get the real worker; they must commit (transaction=True)."""
    if request.node.get_closest_marker("celery_worker") is None:
        return
    db_marker = request.node.get_closest_marker("django_db")
    if db_marker is None or not db_marker.kwargs.get("transaction"):
        pytest.fail("celery_worker tests need @pytest.mark.django_db(transaction=True): the worker reads committed rows")
    request.getfixturevalue("celery_worker_session")
