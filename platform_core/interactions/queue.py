"""Heartbeats off the request path: a Redis stream between the endpoint and PostgreSQL.

With `INTERACTIONS_QUEUE` on (production with REDIS_URL), a heartbeat-sized batch is validated
in the request as before, then its rows are appended to a Redis stream as one entry (one round
trip) and the client gets 202 "queued": accepted, not yet stored. `queue_drain` (the Celery task
`interactions_queue_drain_task`, run by beat every second and triggered by the endpoint) reads
entries through a consumer group, stores their rows through the idempotent `store_events`, and
acknowledges and deletes them only after the commit:

- a drainer that dies before its commit leaves its entries pending; the next drain claims them
  (XAUTOCLAIM) once they have been idle for CLAIM_IDLE_MS and stores them;
- a drainer that dies between its commit and its acknowledgement makes the next one store the
  same rows again, which `store_events` refuses as duplicates of (actor, client_event_id);
- nothing is trimmed from the stream that was not acknowledged (no MAXLEN).

What is lost if Redis itself loses data depends on its persistence: deploy/ runs it with an
append-only file fsynced every second, so at most the last second of accepted heartbeats.
If Redis cannot be reached, the endpoint stores the rows synchronously instead (200).
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Sequence

import msgspec
import redis
from django.conf import settings
from django.db import connection, transaction

from platform_core.interactions.contracts import EventRow

logger = logging.getLogger("platform_core.interactions")

STREAM = "xinglin:interactions:queue"
DEAD_LETTERS = "xinglin:interactions:dead"
GROUP = "store"
CLAIM_IDLE_MS = 30_000  # an entry read and not acknowledged for this long is taken over
READ_COUNT = 500  # entries per read (each holds up to INTERACTIONS_QUEUE_MAX_EVENTS rows)
TRIGGER_KEY = "xinglin:interactions:drain-requested"
TRIGGER_DELAY_SECONDS = 1.0  # a triggered drain waits this long, so that it stores a batch, not a row
TRIGGER_TTL_SECONDS = 10  # a trigger that was lost (worker gone) blocks new ones this long at most

_encode_rows = msgspec.msgpack.Encoder().encode
_decode_rows = msgspec.msgpack.Decoder(list[EventRow]).decode
_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()


def queue_active(event_count: int) -> bool:
    """Does a batch of this many events go through the queue?"""
    return bool(settings.INTERACTIONS_QUEUE) and 0 < event_count <= settings.INTERACTIONS_QUEUE_MAX_EVENTS


def _client() -> redis.Redis:
    url = settings.INTERACTIONS_QUEUE_REDIS_URL
    client = _clients.get(url)
    if client is None:
        with _clients_lock:
            client = _clients.get(url)
            if client is None:
                client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2, health_check_interval=30)
                _clients[url] = client
    return client


def queue_rows(rows: Sequence[EventRow]) -> bool:
    """Append validated rows to the stream (one entry). False if Redis could not take them."""
    pipe = _client().pipeline(transaction=False)
    pipe.xadd(STREAM, {"rows": _encode_rows(list(rows))})
    # Is a drain already on its way? A drain clears the flag before it reads, so every entry is
    # either read by a drain that was already requested or requests one itself. One round trip.
    pipe.set(TRIGGER_KEY, 1, nx=True, ex=TRIGGER_TTL_SECONDS)
    try:
        _, first_since_last_drain = pipe.execute()
    except redis.RedisError:
        logger.warning("interaction queue unavailable; storing %d events synchronously", len(rows), exc_info=True)
        return False
    if first_since_last_drain:
        transaction.on_commit(_send_drain)
    return True


def _send_drain() -> None:
    """Ask a worker to drain shortly (beat also runs the drain every second: this keeps the latency
    low and the queue moving if beat is late or down)."""
    from platform_core.tasks import interactions_queue_drain_task  # tasks import this module

    try:
        interactions_queue_drain_task.apply_async(countdown=TRIGGER_DELAY_SECONDS, expires=TRIGGER_TTL_SECONDS)
    except Exception:  # noqa: BLE001 - a lost trigger only delays the drain to beat's next run
        logger.warning("could not trigger the interaction queue drain", exc_info=True)


def queue_backlog() -> dict[str, int]:
    """Entries in the stream and entries read but not yet acknowledged (monitoring, tests, bench)."""
    client = _client()
    length = client.xlen(STREAM)
    try:
        pending = client.xpending(STREAM, GROUP)["pending"]
    except redis.ResponseError:  # no group yet
        pending = 0
    return {"entries": length, "pending": pending}


def _ensure_group(client: redis.Redis) -> None:
    try:
        client.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    except redis.ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise


def queue_drain(*, max_seconds: float = 20.0, count: int = READ_COUNT, claim_idle_ms: int = CLAIM_IDLE_MS) -> int:
    """Store queued rows until the stream is empty or max_seconds passed. Returns rows stored now.

    Safe to run in several processes at once: the consumer group hands each entry to one of them.
    Never inside a transaction: entries are acknowledged only after the rows are committed."""
    if connection.in_atomic_block:
        raise RuntimeError("queue_drain must not run inside a transaction: it acknowledges after the commit")
    client = _client()
    client.delete(TRIGGER_KEY)  # before reading: an entry added from now on requests a new drain
    _ensure_group(client)
    consumer = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    deadline = time.monotonic() + max_seconds
    stored = 0
    # First what other drainers read and never acknowledged (they died, or their write failed).
    start = "0-0"
    while time.monotonic() < deadline:
        start, entries, *_ = client.xautoclaim(STREAM, GROUP, consumer, claim_idle_ms, start_id=start, count=count)
        if entries:
            stored += _store_entries(client, entries)
        if start in (b"0-0", "0-0"):
            break
    while time.monotonic() < deadline:
        response = client.xreadgroup(GROUP, consumer, {STREAM: ">"}, count=count)
        entries = response[0][1] if response else []
        if entries:
            stored += _store_entries(client, entries)
        if len(entries) < count:
            # Caught up. Entries added from now on requested a drain of their own (TRIGGER_KEY):
            # chasing them here would store them a few rows per transaction.
            break
    return stored


def _store_entries(client: redis.Redis, entries) -> int:
    from platform_core.interactions.store import store_events  # loads models

    ids, rows = [], []
    for entry_id, fields in entries:
        payload = (fields or {}).get(b"rows")
        try:
            rows.extend(_decode_rows(payload))
        except (msgspec.DecodeError, TypeError):
            # Not something this code wrote: keep it for a person to look at, never retry it forever.
            logger.error("interaction queue entry %s is not a list of rows; moved to %s", entry_id, DEAD_LETTERS)
            client.xadd(DEAD_LETTERS, {"id": entry_id, "rows": payload or b""})
        ids.append(entry_id)
    if connection.in_atomic_block:
        raise RuntimeError("queue_drain must not run inside a transaction: it acknowledges after the commit")
    stored, _ = store_events(rows) if rows else (0, 0)  # committed when it returns
    pipe = client.pipeline(transaction=True)
    pipe.xack(STREAM, GROUP, *ids)
    pipe.xdel(STREAM, *ids)
    pipe.execute()
    return stored
