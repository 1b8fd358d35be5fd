"""Watch-time arithmetic: property-based tests against a simulated honest player, plus one
example per ignore reason. Pure Python, no database."""

import random
from dataclasses import replace
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from academy.watchtime import (
    Heartbeat,
    Ignored,
    SessionCredit,
    covered_seconds,
    credit_lesson,
    credit_session,
    merge_intervals,
)

T0 = 1_700_000_000.0  # a realistic epoch, so float rounding is what production sees
DURATION = 600.0
INTERVAL = 15.0


# ---- a simulated honest player ----------------------------------------------------------------


class Player:
    """Emits the heartbeats player.js sends, and keeps the model's own expected credit."""

    def __init__(self, *, duration=DURATION, start=T0, position=0.0, latency=None):
        self.duration = duration
        self.t = start
        self.start = start
        self.position = position
        self.playing = False
        self.rate = 1.0
        self.visible = True
        self.seq = 0
        self.heartbeats = []
        self.latency = latency or (lambda: 0.0)
        self.expected_coverage = ()
        self.expected_watch = 0.0

    def beat(self):
        self.heartbeats.append(
            Heartbeat(
                seq=self.seq,
                received_at=self.t + self.latency(),
                position=self.position,
                playing=self.playing,
                rate=self.rate,
                visible=self.visible,
            )
        )
        self.seq += 1

    def play(self, seconds, *, rate=1.0, visible=True):
        seconds = min(seconds, (self.duration - self.position) / rate)
        if seconds < 0.1:
            return self
        self.playing, self.rate, self.visible = True, rate, visible
        self.beat()
        begin = self.position
        start_t = self.t
        ticks = 1
        while ticks * INTERVAL < seconds:
            self.t = start_t + ticks * INTERVAL
            self.position = begin + ticks * INTERVAL * rate
            self.beat()
            ticks += 1
        self.t = start_t + seconds
        self.position = begin + seconds * rate
        if visible and rate <= 2.0:
            segment = [(begin, self.position)]
            new = covered_seconds(merge_intervals(self.expected_coverage, segment)) - covered_seconds(self.expected_coverage)
            self.expected_watch += new / rate
            self.expected_coverage = merge_intervals(self.expected_coverage, segment)
        return self

    def pause(self, seconds):
        self.playing = False
        self.beat()
        self.t += seconds
        return self

    def seek(self, to):
        if abs(to - self.position) <= 0.5:
            return self
        self.beat()  # player.js reports the position before the seek ("seeking")...
        self.t += 0.05
        self.position = to
        self.beat()  # ...and after it ("seeked")
        return self

    def stop(self):
        self.playing = False
        self.beat()
        return self

    def expected_watch_seconds(self):
        return min(self.expected_watch, self.duration, self.t - self.start)


rates = st.sampled_from([0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0])
actions = st.lists(
    st.one_of(
        st.tuples(st.just("play"), st.floats(0.1, 240), rates, st.booleans() | st.just(True)),
        st.tuples(st.just("pause"), st.floats(0, 120)),
        st.tuples(st.just("seek"), st.floats(0, DURATION)),
    ),
    max_size=12,
)


def run(player, steps):
    for step in steps:
        if step[0] == "play":
            player.play(step[1], rate=step[2], visible=step[3])
        elif step[0] == "pause":
            player.pause(step[1])
        else:
            player.seek(step[1])
    return player.stop()


def assert_same_credit(left, right):
    assert left.watch_seconds == pytest.approx(right.watch_seconds, abs=1e-4)
    assert len(left.coverage) == len(right.coverage)
    for a, b in zip(left.coverage, right.coverage, strict=True):
        assert a == pytest.approx(b, abs=1e-6)


# ---- properties ----------------------------------------------------------------------------------


@settings(max_examples=150)  # cheap pure arithmetic: look harder than the suite's profile
@given(actions)
def test_honest_player_is_credited_exactly_what_it_played(steps):
    """Seeks (ahead or back), pauses, hidden tabs and >2x: coverage is the union of the parts
    played visibly at <= 2x, watch time the time spent on them the first time."""
    player = run(Player(), steps)
    credit = credit_session(player.heartbeats, duration=DURATION)
    assert_same_credit(credit, SessionCredit(player.expected_coverage, player.expected_watch_seconds(), ()))


@given(st.floats(0, 500), st.floats(1, 90), st.floats(5, 60), st.integers(2, 3))
def test_replaying_the_same_part_adds_nothing(start, length, pause, times):
    once = Player(position=start).play(length).stop()
    replayed = Player(position=start).play(length)
    for _ in range(times - 1):
        replayed.pause(pause).seek(start).play(length)
    replayed.stop()
    assert_same_credit(credit_session(once.heartbeats, duration=DURATION), credit_session(replayed.heartbeats, duration=DURATION))


@given(st.floats(1, 200), st.floats(1, 300), st.floats(0, 100))
def test_seeking_ahead_adds_nothing(played, skipped, then_played):
    player = Player().play(played)
    landed = player.position + skipped + 1
    player.seek(landed).play(then_played).stop()
    credit = credit_session(player.heartbeats, duration=DURATION)
    # Nothing between where the viewer left and where they landed is covered.
    assert all(end <= played + 1e-9 or start >= landed - 1e-9 for start, end in credit.coverage)
    assert covered_seconds(credit.coverage) <= played + min(then_played, DURATION - landed) + 1e-6
    assert credit.watch_seconds <= played + then_played + 1e-6


@given(
    st.lists(st.tuples(st.floats(0.1, 200), st.sampled_from([(1.0, False), (2.5, True), (3.0, True), (2.01, True)])), min_size=1),
    st.floats(0, 300),
)
def test_hidden_and_faster_than_2x_add_nothing(plays, start):
    player = Player(position=start)
    for seconds, (rate, visible) in plays:
        player.play(seconds, rate=rate, visible=visible)
    credit = credit_session(player.stop().heartbeats, duration=DURATION)
    assert credit.coverage == ()
    assert credit.watch_seconds == 0


@given(st.floats(0, 0.5), st.randoms(use_true_random=False))
def test_whole_lesson_at_1x_with_15s_heartbeats(max_latency, rnd):
    player = Player(latency=lambda: rnd.uniform(0, max_latency)).play(DURATION).stop()
    credit = credit_session(player.heartbeats, duration=DURATION)
    assert covered_seconds(credit.coverage) >= 0.99 * DURATION
    assert credit.watch_seconds == pytest.approx(DURATION, rel=0.01)


finite = {"allow_nan": False, "allow_infinity": False}
heartbeats = st.lists(
    st.builds(
        Heartbeat,
        seq=st.integers(0, 30),
        received_at=st.floats(T0, T0 + 2000, **finite),
        position=st.floats(-50, DURATION + 50, **finite),
        playing=st.booleans(),
        rate=st.sampled_from([-1.0, 0.0, 0.5, 1.0, 2.0, 3.0]),
        visible=st.booleans(),
    ),
    max_size=40,
)


def assert_within_bounds(credit, received, duration):
    span = max(received) - min(received) if received else 0.0
    assert 0 <= credit.watch_seconds <= duration
    assert credit.watch_seconds <= span
    assert all(0 <= start < end <= duration for start, end in credit.coverage)
    assert list(credit.coverage) == sorted(credit.coverage)
    assert all(left[1] < right[0] for left, right in pairwise(credit.coverage))
    assert covered_seconds(credit.coverage) <= duration


@settings(max_examples=150)  # cheap pure arithmetic: look harder than the suite's profile
@given(heartbeats, st.floats(0, 900, **finite))
def test_any_input_stays_within_duration_and_wall_clock(beats, duration):
    credit = credit_session(beats, duration=duration)
    assert_within_bounds(credit, [h.received_at for h in beats], duration)


@settings(max_examples=150)  # cheap pure arithmetic: look harder than the suite's profile
@given(st.lists(heartbeats, max_size=4))
def test_a_lesson_over_sessions_stays_within_duration_and_wall_clock(sessions):
    credit = credit_lesson(sessions, duration=DURATION)
    assert_within_bounds(credit, [h.received_at for beats in sessions for h in beats], DURATION)


@settings(max_examples=150)  # cheap pure arithmetic: look harder than the suite's profile
@given(heartbeats, st.randoms(use_true_random=False), st.data())
def test_invariant_to_duplicated_and_reordered_heartbeats(beats, rnd, data):
    original = credit_session(beats, duration=DURATION)
    noisy = list(beats)
    for beat in beats:
        if rnd.random() < 0.3:
            # A later copy of the same seq (a retry, or a replay with other content) never wins.
            noisy.append(
                replace(
                    beat,
                    received_at=beat.received_at + data.draw(st.floats(0.001, 60)),
                    position=data.draw(st.floats(0, DURATION)),
                    playing=data.draw(st.booleans()),
                )
            )
    rnd.shuffle(noisy)
    again = credit_session(noisy, duration=DURATION)
    assert again.coverage == original.coverage
    assert again.watch_seconds == original.watch_seconds
    assert [i for i in again.ignored if i.reason != "duplicate"] == [i for i in original.ignored if i.reason != "duplicate"]
    duplicates = len(noisy) - len({h.seq for h in beats})
    assert sum(i.reason == "duplicate" for i in again.ignored) == duplicates


# ---- lessons over several sessions -----------------------------------------------------------


def test_a_later_session_is_credited_only_for_coverage_new_to_the_lesson():
    phone = Player(start=T0).play(120).stop()  # [0, 120]
    laptop = Player(start=T0 + 3600, position=60).play(120).stop()  # [60, 180]: 60 s are new
    credit = credit_lesson([laptop.heartbeats, phone.heartbeats], duration=DURATION)
    assert credit.coverage == ((0.0, 180.0),)
    assert credit.watch_seconds == pytest.approx(180.0)
    # Order of the input does not matter: sessions are taken by their first heartbeat.
    assert credit_lesson([phone.heartbeats, laptop.heartbeats], duration=DURATION) == credit


def test_two_tabs_playing_at_once_do_not_count_double_wall_clock():
    first = Player(start=T0).play(300).stop()
    second = Player(start=T0, position=300).play(300).stop()
    credit = credit_lesson([first.heartbeats, second.heartbeats], duration=DURATION)
    assert credit.coverage == ((0.0, 600.0),)
    assert credit.watch_seconds == pytest.approx(300.0)


def test_each_session_is_clamped_to_its_own_wall_clock_span():
    # Seq 2 was received before seq 1: the pairs' wall clocks add up to 200 s in a 150 s session.
    skewed = [beat(0, 0, 0), beat(1, 100, 100), beat(2, 50, 150), beat(3, 150, 250, playing=False)]
    later = Player(start=T0 + 7200, position=300).play(100).pause(300).stop()  # a 400 s span
    credit = credit_lesson([skewed, later.heartbeats], duration=DURATION)
    assert credit.coverage == ((0.0, 100.0), (150.0, 250.0), (300.0, 400.0))
    assert credit.watch_seconds == pytest.approx(150 + 100)
    assert Ignored(seq=2, reason="out_of_order_clock") in credit.ignored


def test_a_single_session_lesson_equals_the_session():
    player = run(Player(), [("play", 100, 1.0, True), ("seek", 400.0), ("play", 50, 1.5, True)])
    assert credit_lesson([player.heartbeats], duration=DURATION) == credit_session(player.heartbeats, duration=DURATION)


# ---- one example per ignore reason -------------------------------------------------------------


def beat(seq, at, position, *, playing=True, rate=1.0, visible=True):
    return Heartbeat(seq=seq, received_at=T0 + at, position=position, playing=playing, rate=rate, visible=visible)


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        (beat(0, 0, 0), beat(1, 0, 15), "out_of_order_clock"),
        (beat(0, 15, 0), beat(1, 0, 15), "out_of_order_clock"),
        (beat(0, 0, 0, playing=False), beat(1, 15, 15), "not_playing"),
        (beat(0, 0, 0, visible=False), beat(1, 15, 15), "hidden"),
        (beat(0, 0, 0, rate=2.5), beat(1, 15, 37.5), "rate_above_2x"),
        (beat(0, 0, 0, rate=0.0), beat(1, 15, 15), "invalid_rate"),
        (beat(0, 0, 100), beat(1, 15, 50), "backwards"),
        (beat(0, 0, 100), beat(1, 15, 100), "no_progress"),
        (beat(0, 0, 0), beat(1, 15, 300), "seek"),
        (beat(0, 0, 0), beat(1, 15, 25), "claims_more_than_elapsed"),
        (beat(0, 0, 0, rate=1.5), beat(1, 10, 20), "claims_more_than_elapsed"),
    ],
)
def test_ignore_reasons(first, second, reason):
    credit = credit_session([first, second], duration=DURATION)
    assert credit.ignored == (Ignored(seq=1, reason=reason),)
    assert credit.coverage == ()
    assert credit.watch_seconds == 0


def test_duplicate_first_received_wins():
    original = beat(1, 15, 15)
    replayed = beat(1, 16, 300)  # same seq, later, claiming a jump
    credit = credit_session([replayed, beat(0, 0, 0), original], duration=DURATION)
    assert credit.ignored == (Ignored(seq=1, reason="duplicate"),)
    assert credit.coverage == ((0.0, 15.0),)
    assert credit.watch_seconds == 15


@pytest.mark.parametrize("field", ["received_at", "position", "rate"])
@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_invalid_numbers_are_ignored(field, value):
    credit = credit_session([beat(0, 0, 0), replace(beat(1, 15, 15), **{field: value})], duration=DURATION)
    assert credit.ignored == (Ignored(seq=1, reason="invalid"),)
    assert credit.coverage == ()


def test_jitter_within_tolerance_is_credited():
    # Received 13.5 s apart while 15 s of media played: network jitter, not a claim.
    credit = credit_session([beat(0, 1.5, 0), beat(1, 15, 15), beat(2, 30.5, 30, playing=False)], duration=DURATION)
    assert credit.ignored == ()
    assert credit.coverage == ((0.0, 30.0),)
    assert credit.watch_seconds == pytest.approx(13.5 + 15)  # never more than each pair's wall clock


def test_many_heartbeats_a_moment_apart_cannot_add_the_tolerance_each_time():
    spam = [beat(n, n * 0.1, n * 2.0) for n in range(300)]  # 30 s of wall clock "playing" 600 s
    credit = credit_session(spam, duration=DURATION)
    assert covered_seconds(credit.coverage) == 0
    assert {i.reason for i in credit.ignored} == {"seek"}


def test_positions_outside_the_media_are_clamped():
    credit = credit_session([beat(0, 0, -5), beat(1, 15, 10), beat(2, 30, 25), beat(3, 45, 40)], duration=30)
    assert credit.coverage == ((0.0, 30.0),)
    assert credit.watch_seconds == 30


def test_rate_changes_credit_the_wall_clock_spent():
    credit = credit_session([beat(0, 0, 0, rate=2.0), beat(1, 15, 30, rate=0.5), beat(2, 35, 40)], duration=DURATION)
    assert credit.coverage == ((0.0, 40.0),)
    assert credit.watch_seconds == pytest.approx(15 + 20)


def test_empty_and_single_heartbeat_sessions_credit_nothing():
    assert credit_session([], duration=DURATION).watch_seconds == 0
    assert credit_session([beat(0, 0, 0)], duration=DURATION).coverage == ()


@pytest.mark.parametrize("duration", [-1.0, float("nan"), float("inf")])
def test_duration_must_be_a_finite_non_negative_number(duration):
    with pytest.raises(ValueError, match="duration"):
        credit_session([], duration=duration)


def test_merge_intervals_and_covered_seconds():
    assert merge_intervals([(5, 10), (0, 5)], [(20, 30), (25, 26), (40, 40)]) == ((0.0, 10.0), (20.0, 30.0))
    assert merge_intervals() == ()
    assert covered_seconds([(0, 10), (5, 15), (20, 21)]) == 16


def test_shuffled_example_is_stable():
    beats = Player().play(100).seek(300).play(40).stop().heartbeats
    shuffled = random.Random(4).sample(beats, len(beats))
    assert credit_session(shuffled, duration=DURATION) == credit_session(beats, duration=DURATION)
