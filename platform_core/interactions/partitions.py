"""Monthly partitions of the interaction table on PostgreSQL (hand-written: no maintained Django
library manages declarative partitions of a model's own table)."""

from datetime import date

from django.db import connection

from platform_core.models import InteractionEvent

TABLE = InteractionEvent._meta.db_table


def _month_start(day: date, offset: int) -> date:
    month_index = day.year * 12 + (day.month - 1) + offset
    return date(month_index // 12, month_index % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_{month:%Y%m}"


def partitions_ensure(*, around: date, months_back: int = 0, months_ahead: int = 3, cursor=None) -> list[str]:
    """Create the monthly partitions from `months_back` before to `months_ahead` after `around`. Idempotent."""
    if connection.vendor != "postgresql":
        return []
    created = []
    own_cursor = cursor is None
    cursor = cursor or connection.cursor()
    try:
        for offset in range(-months_back, months_ahead + 1):
            start, end = _month_start(around, offset), _month_start(around, offset + 1)
            name = partition_name(start)
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is not None:
                continue
            cursor.execute(
                f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
            )
            created.append(name)
    finally:
        if own_cursor:
            cursor.close()
    return created
