"""Watch time credited on the server from player heartbeats.

Pure arithmetic, no Django: the heartbeat endpoint loads a viewer's heartbeats for a lesson and
calls :func:`credit_lesson`. Hand-written because no maintained library does this.

The player sends a heartbeat every ~15 s while playing and on play/pause/seek/rate/visibility
changes: ``seq`` (a counter within one playback session), media ``position``, ``playing``,
``rate`` and ``visible``. ``received_at`` is the server's clock, the only one we trust.

One session (:func:`credit_session`):

1. Heartbeats with a non-finite time, position or rate are ignored (``invalid``).
2. Dedupe by ``seq``: the copy received first wins (ties broken by content, so the result never
   depends on input order); every other copy is ignored (``duplicate``). Then sort by ``seq``.
3. Each consecutive pair (a, b) may credit the media segment [a.position, b.position].
   wall = b.received_at - a.received_at. The pair is ignored, reported under b.seq, when:
   ``out_of_order_clock``  wall <= 0 (b was received before a although sent after it);
   ``not_playing``         a was paused;
   ``hidden``              a's tab was hidden;
   ``rate_above_2x``       a.rate > 2; ``invalid_rate`` a.rate <= 0;
   ``backwards``           b.position < a.position (a seek back; the replay is credited later);
   ``no_progress``         b.position == a.position (stalled, buffering);
   ``seek``                the advance is more than any rate up to 2x could play in `wall`;
   ``claims_more_than_elapsed``  the advance is more than a.rate could play in `wall`.
   "Could play" = a.rate * (wall + slack), where slack = min(TOLERANCE, JITTER_FRACTION * wall)
   absorbs network jitter. The slack is proportional for short pairs so that a client sending
   many heartbeats a moment apart cannot add TOLERANCE seconds each time.
4. Coverage is the union of credited segments, clamped to [0, duration]: seeking ahead and
   replays add nothing.
5. watch_seconds is the wall-clock time spent on coverage that was new: for each credited pair in
   seq order, min(wall, new_media_seconds / a.rate). The total is clamped to the duration and to
   the session's wall-clock span (last minus first received_at).

A lesson over several sessions and devices (:func:`credit_lesson`): sessions are processed in
order of their first received_at, each one credited only for coverage new to the lesson so far;
coverage is the union of all sessions; watch seconds are summed and clamped to the duration and
to the union of the sessions' wall-clock spans (two tabs playing at once do not count double).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

TOLERANCE = 2.0  # seconds of network/timer jitter a pair may claim beyond its wall-clock time
JITTER_FRACTION = 0.25  # ... but never more than this share of the pair's wall-clock time
MAX_RATE = 2.0  # playback faster than this is not watching

Interval = tuple[float, float]


@dataclass(frozen=True)
class Heartbeat:
    seq: int  # client counter within one playback session, starts at 0
    received_at: float  # server receive time, seconds (epoch); the only trusted clock
    position: float  # media position in seconds when sent
    playing: bool
    rate: float  # playbackRate
    visible: bool  # document.visibilityState == "visible"


@dataclass(frozen=True)
class Ignored:
    seq: int
    reason: str  # a stable code, see the module docstring


@dataclass(frozen=True)
class SessionCredit:
    coverage: tuple[Interval, ...]  # merged, sorted media intervals [start, end) within [0, duration]
    watch_seconds: float  # wall-clock seconds of genuine first-time viewing
    ignored: tuple[Ignored, ...]


def merge_intervals(*interval_lists: Iterable[Interval]) -> tuple[Interval, ...]:
    """Union of any number of interval lists: sorted, disjoint, empty intervals dropped."""
    pieces = sorted((float(start), float(end)) for intervals in interval_lists for start, end in intervals if end > start)
    merged: list[list[float]] = []
    for start, end in pieces:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


def covered_seconds(intervals: Iterable[Interval]) -> float:
    """Total length of the union of `intervals` (overlaps counted once)."""
    return sum(end - start for start, end in merge_intervals(intervals))


def credit_session(heartbeats: Iterable[Heartbeat], *, duration: float) -> SessionCredit:
    """Credit one playback session of a lesson `duration` seconds long."""
    return credit_lesson([heartbeats], duration=duration)


def credit_lesson(sessions: Iterable[Iterable[Heartbeat]], *, duration: float) -> SessionCredit:
    """Credit a viewer's lesson progress over all their sessions (what the server uses).

    `ignored` lists each session's ignored heartbeats, sessions in the order they were credited.
    """
    _check_duration(duration)
    lists = [list(heartbeats) for heartbeats in sessions]
    # Sessions without a usable heartbeat have no start; they only contribute ignored entries.
    lists.sort(key=lambda heartbeats: min((h.received_at for h in heartbeats if _is_valid(h)), default=math.inf))
    coverage: tuple[Interval, ...] = ()
    watch_seconds = 0.0
    spans: list[Interval] = []
    ignored: list[Ignored] = []
    for heartbeats in lists:
        session = _credit(heartbeats, duration=duration, prior=coverage)
        coverage = merge_intervals(coverage, session.coverage)
        watch_seconds += session.watch_seconds
        spans.append(session.span)
        ignored.extend(session.ignored)
    return SessionCredit(
        coverage=coverage,
        watch_seconds=min(watch_seconds, duration, covered_seconds(spans)),
        ignored=tuple(ignored),
    )


@dataclass(frozen=True)
class _Session:
    coverage: tuple[Interval, ...]  # this session's own credited coverage
    watch_seconds: float  # clamped to the session's span, not yet to the duration
    ignored: tuple[Ignored, ...]
    span: Interval  # first and last received_at


def _credit(heartbeats: list[Heartbeat], *, duration: float, prior: tuple[Interval, ...]) -> _Session:
    ignored = [Ignored(h.seq, "invalid") for h in heartbeats if not _is_valid(h)]
    first_received: dict[int, Heartbeat] = {}
    for heartbeat in sorted((h for h in heartbeats if _is_valid(h)), key=_receipt_order):
        if heartbeat.seq in first_received:
            ignored.append(Ignored(heartbeat.seq, "duplicate"))
        else:
            first_received[heartbeat.seq] = heartbeat
    ordered = [first_received[seq] for seq in sorted(first_received)]

    own: tuple[Interval, ...] = ()
    known = prior  # lesson coverage so far, to tell new viewing from replays
    watch_seconds = 0.0
    for a, b in pairwise(ordered):
        wall = b.received_at - a.received_at
        reason = _pair_rejection(a, b, wall)
        if reason is not None:
            ignored.append(Ignored(b.seq, reason))
            continue
        segment = (max(a.position, 0.0), min(b.position, duration))
        if segment[1] <= segment[0]:
            continue  # entirely outside the media
        new_media_seconds = _uncovered_seconds(segment, known)
        watch_seconds += min(wall, new_media_seconds / a.rate)
        own = merge_intervals(own, [segment])
        known = merge_intervals(known, [segment])

    received = [h.received_at for h in ordered]
    span = (min(received), max(received)) if received else (0.0, 0.0)
    return _Session(
        coverage=own,
        watch_seconds=min(watch_seconds, span[1] - span[0]),
        ignored=tuple(sorted(ignored, key=lambda item: (item.seq, item.reason))),
        span=span,
    )


def _uncovered_seconds(segment: Interval, coverage: tuple[Interval, ...]) -> float:
    """Length of `segment` outside the merged `coverage`."""
    start, end = segment
    overlap = sum(max(0.0, min(end, covered_end) - max(start, covered_start)) for covered_start, covered_end in coverage)
    return max(0.0, (end - start) - overlap)


def _pair_rejection(a: Heartbeat, b: Heartbeat, wall: float) -> str | None:
    """Why the segment between consecutive heartbeats a and b earns nothing, or None."""
    if wall <= 0:
        return "out_of_order_clock"
    if not a.playing:
        return "not_playing"
    if not a.visible:
        return "hidden"
    if a.rate > MAX_RATE:
        return "rate_above_2x"
    if a.rate <= 0:
        return "invalid_rate"
    advance = b.position - a.position
    if advance < 0:
        return "backwards"
    if advance == 0:
        return "no_progress"
    playable_wall = wall + min(TOLERANCE, JITTER_FRACTION * wall)
    if advance > MAX_RATE * playable_wall:
        return "seek"
    if advance > a.rate * playable_wall:
        return "claims_more_than_elapsed"
    return None


def _is_valid(heartbeat: Heartbeat) -> bool:
    return all(math.isfinite(value) for value in (heartbeat.received_at, heartbeat.position, heartbeat.rate))


def _receipt_order(heartbeat: Heartbeat) -> tuple:
    return (heartbeat.received_at, heartbeat.position, heartbeat.rate, heartbeat.playing, heartbeat.visible)


def _check_duration(duration: float) -> None:
    if not (math.isfinite(duration) and duration >= 0):
        raise ValueError(f"duration must be a finite number of seconds >= 0, got {duration!r}")
