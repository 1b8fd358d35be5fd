"""Writing events: COPY into the partitioned table on PostgreSQL, bulk insert elsewhere.

Idempotency key: (actor_id, client_event_id). The fast path reads which keys already exist and
COPYs the rest; if a concurrent replay wins the race, the unique index refuses the COPY and the
batch goes through a staging table with INSERT ... ON CONFLICT DO NOTHING instead.
"""

from collections.abc import Sequence

import msgspec
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from platform_core.interactions.contracts import EventRow
from platform_core.models import InteractionEvent

TABLE = InteractionEvent._meta.db_table
COLUMNS = (
    "occurred_at",
    "received_at",
    "actor_id",
    "verb",
    "object_type",
    "object_id",
    "sponsor_id",
    "campaign_id",
    "value",
    "context",
    "client_event_id",
    "source",
)
_COLUMN_LIST = ", ".join(COLUMNS)
_encode_json = msgspec.json.encode


def store_events(rows: Sequence[EventRow]) -> tuple[int, int]:
    """Store rows exactly once. Returns (stored, duplicates). Safe to call again with the same rows."""
    if not rows:
        return 0, 0
    unique_rows: dict[tuple[int, str], EventRow] = {}
    for row in rows:
        unique_rows.setdefault((row.actor_id, row.client_event_id), row)
    if connection.vendor == "postgresql":
        if len(unique_rows) <= SMALL_BATCH:
            # Heartbeats: one statement, one round trip, its own transaction when none is open.
            # NOT EXISTS is the (actor, client_event_id) pre-check; ON CONFLICT settles a race.
            stored = _insert_small(list(unique_rows.values()))
            return stored, len(rows) - stored
        try:
            # No savepoint around the COPY (2 round trips fewer): a lost race aborts this
            # (sub)transaction, and the batch is redone below through the guarded path.
            with transaction.atomic(), connection.wrap_database_errors:
                existing = _existing_keys(unique_rows.keys())
                fresh = [row for key, row in unique_rows.items() if key not in existing]
                if fresh:
                    _copy(TABLE, fresh, timezone.now())
            return len(fresh), len(rows) - len(fresh)
        except IntegrityError:
            pass
    with transaction.atomic():
        existing = _existing_keys(unique_rows.keys())
        fresh = [row for key, row in unique_rows.items() if key not in existing]
        stored = _write(fresh)
    return stored, len(rows) - stored


SMALL_BATCH = 8  # up to this many events (heartbeats) go in one INSERT statement
_SMALL_ROW = (
    "(%s::timestamptz, %s::timestamptz, %s::bigint, %s::varchar, %s::varchar, %s::varchar, %s::bigint, "
    "%s::bigint, %s::float8, %s::jsonb, %s::varchar, %s::varchar)"
)
_SMALL_SQL = {
    n: (
        f"INSERT INTO {TABLE} ({_COLUMN_LIST}) SELECT v.* FROM (VALUES {', '.join([_SMALL_ROW] * n)}) "
        f"AS v({_COLUMN_LIST}) WHERE NOT EXISTS (SELECT 1 FROM {TABLE} e WHERE e.actor_id = v.actor_id "
        "AND e.client_event_id = v.client_event_id) ON CONFLICT DO NOTHING"
    )
    for n in range(1, SMALL_BATCH + 1)
}


def _insert_small(rows: list[EventRow]) -> int:
    received_at = timezone.now()
    params: list = []
    for row in rows:
        params += [
            row.occurred_at,
            received_at,
            row.actor_id,
            row.verb,
            row.object_type,
            row.object_id,
            row.sponsor_id,
            row.campaign_id,
            row.value,
            _encode_json(row.context).decode(),
            row.client_event_id,
            row.source,
        ]
    with connection.cursor() as cursor:
        cursor.execute(_SMALL_SQL[len(rows)], params)
        return cursor.rowcount


def _existing_keys(keys) -> set[tuple[int, str]]:
    keys = list(keys)
    by_actor: dict[int, list[str]] = {}
    for actor_id, client_event_id in keys:
        by_actor.setdefault(actor_id, []).append(client_event_id)
    found: set[tuple[int, str]] = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if len(by_actor) == 1:
                ((actor_id, client_ids),) = by_actor.items()
                cursor.execute(
                    f"SELECT client_event_id FROM {TABLE} WHERE actor_id = %s AND client_event_id = ANY(%s)",
                    [actor_id, client_ids],
                )
                found.update((actor_id, client_id) for (client_id,) in cursor.fetchall())
                return found
            # Many actors (the queue's drain): one statement, not one per actor.
            actor_ids = [actor_id for actor_id, _ in keys]
            client_ids = [client_id for _, client_id in keys]
            cursor.execute(
                f"SELECT e.actor_id, e.client_event_id FROM {TABLE} e "
                "JOIN unnest(%s::bigint[], %s::varchar[]) AS k(actor_id, client_event_id) "
                "ON e.actor_id = k.actor_id AND e.client_event_id = k.client_event_id",
                [actor_ids, client_ids],
            )
            found.update((actor_id, client_id) for actor_id, client_id in cursor.fetchall())
            return found
        for actor_id, client_ids in by_actor.items():
            for start in range(0, len(client_ids), 500):
                chunk = client_ids[start : start + 500]
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT client_event_id FROM {TABLE} WHERE actor_id = %s AND client_event_id IN ({placeholders})",
                    [actor_id, *chunk],
                )
                found.update((actor_id, client_id) for (client_id,) in cursor.fetchall())
    return found


def _write(rows: list[EventRow]) -> int:
    if not rows:
        return 0
    received_at = timezone.now()
    if connection.vendor != "postgresql":
        # SQLite serialises writers, so the keys read above cannot have changed since.
        placeholders = ", ".join(["%s"] * len(COLUMNS))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} ({_COLUMN_LIST}) VALUES ({placeholders})",
                [_as_tuple(row, received_at) for row in rows],
            )
        return len(rows)
    try:
        with transaction.atomic(), connection.wrap_database_errors:
            # COPY runs on the raw psycopg cursor: wrap so a unique violation is an IntegrityError.
            _copy(TABLE, rows, received_at)
        return len(rows)
    except IntegrityError:
        return _insert_via_staging(rows, received_at)


def _copy(table: str, rows: list[EventRow], received_at) -> None:
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({_COLUMN_LIST}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(_as_tuple(row, received_at))


def _insert_via_staging(rows: list[EventRow], received_at) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS interaction_staging (LIKE {TABLE} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        _copy("interaction_staging", rows, received_at)
        cursor.execute(
            f"INSERT INTO {TABLE} ({_COLUMN_LIST}) SELECT {_COLUMN_LIST} FROM interaction_staging ON CONFLICT DO NOTHING"
        )
        stored = cursor.rowcount
        cursor.execute("DELETE FROM interaction_staging")
    return stored


def _as_tuple(row: EventRow, received_at) -> tuple:
    return (
        row.occurred_at,
        received_at,
        row.actor_id,
        row.verb,
        row.object_type,
        row.object_id,
        row.sponsor_id,
        row.campaign_id,
        row.value,
        _encode_json(row.context).decode(),
        row.client_event_id,
        row.source,
    )
