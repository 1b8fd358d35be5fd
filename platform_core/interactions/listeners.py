"""Listeners on server-recorded events: how an app above platform_core reacts to another app's
actions without importing it (e.g. the points mall pays for `course.completed`).

A listener is called with the rows of its verbs after `record_event` / `record_events` stored
them, inside the caller's transaction. It must be cheap (queue work with transaction.on_commit)
and idempotent: a replayed row is passed again. Client batches do not reach listeners — only
server-only verbs are meant to trigger side effects.
"""

from collections.abc import Callable, Sequence

from platform_core.interactions.contracts import EventRow

Listener = Callable[[list[EventRow]], None]

_LISTENERS: dict[str, list[Listener]] = {}


def register_listener(verbs: Sequence[str], listener: Listener) -> None:
    """Call `listener(rows)` for stored server rows whose verb is in `verbs` (registered once per verb)."""
    for verb in verbs:
        callbacks = _LISTENERS.setdefault(verb, [])
        if listener not in callbacks:
            callbacks.append(listener)


def notify_listeners(rows: Sequence[EventRow]) -> None:
    if not _LISTENERS:
        return
    by_listener: dict[Listener, list[EventRow]] = {}
    for row in rows:
        for listener in _LISTENERS.get(row.verb, ()):
            by_listener.setdefault(listener, []).append(row)
    for listener, matched in by_listener.items():
        listener(matched)
