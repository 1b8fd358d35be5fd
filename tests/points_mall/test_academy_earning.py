"""End to end: a real academy course completion pays points through the listener and the Celery worker.

The academy records `course.completed` through platform_core.interactions as always; the points mall's
listener queues the earn task after commit, and the real worker (tests/conftest.py) runs it. Replays —
the task again with the same event, the catch-up sweep, the quiz submitted again — pay nothing twice.
"""

import time

import pytest
from django.utils import timezone

from academy.services.learning import quiz_attempt_submit
from platform_core.models import InteractionEvent
from points_mall.interactions import event_payload
from points_mall.models import EarnRefusal, LedgerEntry, TransferOfValue
from points_mall.services.ledger import balance_of
from points_mall.tasks import points_earn_for_event_task, points_earn_sweep_task
from tests.academy.support import build_course, correct_answers
from tests.academy.test_services_learning import play
from tests.points_mall.conftest import make_campaign, make_policy, make_rule

# Transactional (the worker reads what the test committed). The flush after each such test empties
# Wagtail's tree and default Site; the academy builder rebuilds them (serialized_rollback would
# reload content types that other transactional tests left behind, and fail).
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
TIMEOUT = 30


def _wait_for_earn(doctor, *, timeout: float = TIMEOUT) -> LedgerEntry:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        entry = LedgerEntry.objects.filter(doctor=doctor, kind=LedgerEntry.Kind.EARN).first()
        if entry is not None:
            return entry
        refusal = EarnRefusal.objects.filter(doctor=doctor).first()
        assert refusal is None, f"the earn was refused: {refusal.reason_code} {refusal.message}"
        time.sleep(0.2)
    pytest.fail(f"no earn entry within {timeout} s: the listener → task path did not pay")


def test_completing_a_sponsored_course_pays_once_through_the_worker(doctor, sponsor_a):
    make_policy(sponsor_a, point_value="0.10")
    campaign = make_campaign(sponsor_a)
    rule = make_rule(campaign, points=150)
    built = build_course(sponsor=sponsor_a, campaign=campaign, lesson_seconds=(45, 30))

    start = timezone.now()
    for number, lesson in enumerate(built.lessons):
        play(doctor, lesson, seconds=lesson.duration_seconds, start=start, session=f"session-{number:04d}")
    # Lessons alone do not complete the course (the quiz is open): nothing may be paid yet.
    assert not LedgerEntry.objects.filter(doctor=doctor).exists()
    result = quiz_attempt_submit(user=doctor, quiz=built.quiz, answers=correct_answers(built.quiz), attempt_key="pass-1")
    assert result.attempt.passed

    entry = _wait_for_earn(doctor)
    event = InteractionEvent.objects.with_scopes_disabled().get(actor=doctor, verb="course.completed")
    assert entry.idempotency_key == f"event:{doctor.pk}:{event.client_event_id}"
    assert (entry.points, entry.sponsor_id, entry.campaign_id, entry.rule_id) == (150, sponsor_a.pk, campaign.pk, rule.pk)
    assert entry.description == built.course.title
    record = TransferOfValue.objects.with_scope(sponsor=[sponsor_a.pk]).get()
    assert record.ledger_entry_id == entry.pk and record.points == 150 and str(record.amount) == "15.00"
    assert record.programme == campaign.name

    # Replays: the same event through the worker again, the catch-up sweep, the quiz re-submitted.
    payload = event_payload(event)
    assert points_earn_for_event_task.delay(payload).get(timeout=TIMEOUT) == "paid"
    assert points_earn_sweep_task.delay().get(timeout=TIMEOUT) == 0
    quiz_attempt_submit(user=doctor, quiz=built.quiz, answers=correct_answers(built.quiz), attempt_key="pass-2")
    time.sleep(1)  # give a wrongly queued second task the time to land

    assert LedgerEntry.objects.filter(doctor=doctor).count() == 1
    assert TransferOfValue.objects.with_scope(sponsor=[sponsor_a.pk]).count() == 1
    assert InteractionEvent.objects.with_scopes_disabled().filter(actor=doctor, verb="course.completed").count() == 1
    assert balance_of(doctor_id=doctor.pk) == 150


def test_a_course_without_an_earn_rule_pays_nothing(doctor, sponsor_a):
    make_policy(sponsor_a)
    campaign = make_campaign(sponsor_a)
    other = make_campaign(sponsor_a)
    make_rule(other, points=100)  # a rule for another campaign must not pay for this course
    built = build_course(sponsor=sponsor_a, campaign=campaign, lesson_seconds=(30,), with_quiz=False)

    play(doctor, built.lessons[0], seconds=30, start=timezone.now())

    assert InteractionEvent.objects.with_scopes_disabled().filter(actor=doctor, verb="course.completed").exists()
    assert points_earn_sweep_task.delay().get(timeout=TIMEOUT) == 0
    assert not LedgerEntry.objects.filter(doctor=doctor).exists()
    assert not EarnRefusal.objects.filter(doctor=doctor).exists()
