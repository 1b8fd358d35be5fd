"""Heartbeats through the Redis stream (INTERACTIONS_QUEUE): accepted with 202, stored once by the drain.

Real Redis (this xdist worker's database) and, where the drain is triggered by the endpoint, the
real Celery worker of tests/conftest.py.
"""

import time

import pytest
import redis
from django.db import transaction

from platform_core.interactions import queue
from platform_core.interactions.contracts import EventRow
from platform_core.interactions.store import store_events
from tests.platform_core.support import an_event, assert_error_shape, events_of, post_batch


@pytest.fixture
def queue_on(settings, worker_redis_url):
    """The queue switched on, on this xdist worker's Redis database, emptied before and after."""
    settings.INTERACTIONS_QUEUE = True
    settings.INTERACTIONS_QUEUE_REDIS_URL = worker_redis_url
    client = redis.Redis.from_url(worker_redis_url)
    client.delete(queue.STREAM, queue.DEAD_LETTERS, queue.TRIGGER_KEY)
    yield client
    client.delete(queue.STREAM, queue.DEAD_LETTERS, queue.TRIGGER_KEY)


def _wait_stored(user, count: int, timeout: float = 20.0) -> int:
    deadline = time.monotonic() + timeout
    while True:
        stored = events_of(user).count()
        if stored >= count or time.monotonic() > deadline:
            return stored
        time.sleep(0.1)


def _row(user, client_event_id: str, **overrides) -> EventRow:
    from django.utils import timezone

    fields = dict(
        occurred_at=timezone.now(),
        actor_id=user.pk,
        verb="page.viewed",
        object_type="page",
        object_id="/academy/",
        sponsor_id=None,
        campaign_id=None,
        value=3.0,
        context={"path": "/academy/"},
        client_event_id=client_event_id,
        source="client",
    )
    fields.update(overrides)
    return EventRow(**fields)


# --- The endpoint with the real worker draining ------------------------------------------------------


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_heartbeat_is_queued_answered_202_and_stored_once_by_the_worker(doctor, token_client_for, queue_on):
    client = token_client_for(doctor)
    event = an_event(value=30.0, context={"path": "/academy/video/7"})

    first = post_batch(client, [event])
    replay = post_batch(client, [event])  # the client did not see the answer and sends it again

    assert first.status_code == 202, first.content
    assert first.json() == {"queued": 1, "rejected": []}
    assert replay.status_code == 202
    assert _wait_stored(doctor, 1) == 1
    # No beat here: the endpoint's trigger alone must get every entry drained, the replay's too.
    deadline = time.monotonic() + 20
    while queue.queue_backlog() != {"entries": 0, "pending": 0} and time.monotonic() < deadline:
        time.sleep(0.1)
    assert queue.queue_backlog() == {"entries": 0, "pending": 0}
    (row,) = events_of(doctor)
    assert (row.client_event_id, row.value, row.context, row.source) == (
        event["client_event_id"],
        30.0,
        {"path": "/academy/video/7"},
        "client",
    )


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_bad_heartbeat_is_rejected_at_once_and_the_good_one_is_queued(doctor, token_client_for, queue_on):
    good, bad = an_event(), an_event(verb="no.such.verb")

    response = post_batch(token_client_for(doctor), [good, bad])

    error = assert_error_shape(response, status=422, code="events_rejected")
    assert error["details"]["queued"] == 1
    assert error["details"]["rejected"] == [
        {"index": 1, "client_event_id": bad["client_event_id"], "errors": {"verb": "unknown verb 'no.such.verb'"}}
    ]
    assert _wait_stored(doctor, 1) == 1
    assert list(events_of(doctor).values_list("client_event_id", flat=True)) == [good["client_event_id"]]


@pytest.mark.django_db(transaction=True)
def test_events_for_another_sponsor_are_refused_before_the_queue(rep_a, sponsor_b, token_client_for, queue_on):
    response = post_batch(token_client_for(rep_a), [an_event(sponsor_id=sponsor_b.pk)])

    assert_error_shape(response, status=422, code="events_rejected")
    assert queue.queue_backlog()["entries"] == 0


@pytest.mark.django_db(transaction=True)
def test_a_batch_larger_than_a_heartbeat_is_stored_in_the_request(doctor, token_client_for, queue_on, settings):
    events = [an_event() for _ in range(settings.INTERACTIONS_QUEUE_MAX_EVENTS + 1)]

    response = post_batch(token_client_for(doctor), events)

    assert response.status_code == 200
    assert response.json() == {"accepted": len(events), "duplicates": 0}
    assert events_of(doctor).count() == len(events)
    assert queue.queue_backlog()["entries"] == 0


@pytest.mark.django_db(transaction=True)
def test_without_redis_a_heartbeat_is_stored_in_the_request(doctor, token_client_for, settings):
    settings.INTERACTIONS_QUEUE = True
    settings.INTERACTIONS_QUEUE_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    response = post_batch(token_client_for(doctor), [an_event()])

    assert response.status_code == 200, response.content
    assert response.json() == {"accepted": 1, "duplicates": 0}
    assert events_of(doctor).count() == 1


def test_the_queue_is_off_by_default_and_heartbeats_are_stored_in_the_request(settings):
    # Base and test settings: the embedded default (no REDIS_URL) stays synchronous.
    assert settings.INTERACTIONS_QUEUE is False
    assert not queue.queue_active(1)


# --- The drain: exactly once, whatever fails ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_drain_stores_queued_rows_once_and_empties_the_stream(doctor, unverified_doctor, queue_on):
    rows = [_row(doctor, f"hb-{i}") for i in range(30)] + [_row(unverified_doctor, "hb-0")]
    for start in range(0, len(rows), 4):
        assert queue.queue_rows(rows[start : start + 4])
    assert queue.queue_rows([rows[0]])  # a replay queued again

    stored = queue.queue_drain()

    assert stored == 31
    assert events_of(doctor).count() == 30
    assert events_of(unverified_doctor).count() == 1
    assert queue.queue_backlog() == {"entries": 0, "pending": 0}
    assert queue.queue_drain() == 0


@pytest.mark.django_db(transaction=True)
def test_entries_of_a_drainer_that_died_before_its_commit_are_claimed_and_stored(doctor, queue_on):
    queue.queue_rows([_row(doctor, "a"), _row(doctor, "b")])
    client = queue._client()
    queue._ensure_group(client)
    # A drainer reads the entry, then dies: no commit, no acknowledgement.
    taken = client.xreadgroup(queue.GROUP, "dead-drainer", {queue.STREAM: ">"}, count=10)
    assert len(taken[0][1]) == 1
    assert queue.queue_drain() == 0  # still pending for the dead one: not idle long enough
    assert queue.queue_backlog() == {"entries": 1, "pending": 1}

    stored = queue.queue_drain(claim_idle_ms=0)  # idle long enough now

    assert stored == 2
    assert sorted(events_of(doctor).values_list("client_event_id", flat=True)) == ["a", "b"]
    assert queue.queue_backlog() == {"entries": 0, "pending": 0}


@pytest.mark.django_db(transaction=True)
def test_a_drain_repeated_after_its_commit_stores_nothing_twice(doctor, queue_on):
    rows = [_row(doctor, "x"), _row(doctor, "y")]
    queue.queue_rows(rows)
    # The rows were committed by a drainer that died before its acknowledgement.
    store_events(rows)

    assert queue.queue_drain() == 0

    assert events_of(doctor).count() == 2
    assert queue.queue_backlog() == {"entries": 0, "pending": 0}


@pytest.mark.django_db(transaction=True)
def test_a_failed_write_leaves_the_entries_for_the_next_drain(doctor, queue_on):
    queue.queue_rows([_row(doctor, "kept", verb="x" * 300)])  # too long for the column: the write fails

    with pytest.raises(Exception, match="too long"):
        queue.queue_drain()

    assert events_of(doctor).count() == 0
    assert queue.queue_backlog() == {"entries": 1, "pending": 1}


@pytest.mark.django_db(transaction=True)
def test_an_entry_that_is_not_rows_goes_to_the_dead_letters_and_the_rest_is_stored(doctor, queue_on):
    queue_on.xadd(queue.STREAM, {"rows": b"\xc1 not msgpack"})
    queue.queue_rows([_row(doctor, "fine")])

    assert queue.queue_drain() == 1

    assert queue_on.xlen(queue.DEAD_LETTERS) == 1
    assert queue.queue_backlog() == {"entries": 0, "pending": 0}


@pytest.mark.django_db(transaction=True)
def test_the_drain_refuses_to_run_inside_a_transaction(doctor, queue_on):
    queue.queue_rows([_row(doctor, "t")])
    with transaction.atomic(), pytest.raises(RuntimeError, match="inside a transaction"):
        queue.queue_drain()
    assert queue.queue_backlog()["entries"] == 1


# --- Production settings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("redis_url", "expected"),
    [("redis://127.0.0.1:6379/0", "True True False"), ("", "False False False")],
)
def test_production_queues_heartbeats_exactly_when_redis_is_configured(redis_url, expected, tmp_path):
    from tests.platform_core.test_settings import _production_env, _run

    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.INTERACTIONS_QUEUE, 'interactions-queue-drain' in s.CELERY_BEAT_SCHEDULE, "
        "s.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    result = _run(["-c", script], _production_env() | {"REDIS_URL": redis_url}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == expected
