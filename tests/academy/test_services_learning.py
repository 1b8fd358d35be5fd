import datetime

import pytest
from django.utils import timezone

from academy.models import Certificate, CourseProgress, LessonProgress, QuizAttempt
from academy.services.learning import (
    HeartbeatInput,
    certificate_revoke,
    heartbeat_parse,
    heartbeat_record,
    quiz_attempt_submit,
)
from platform_core.exceptions import NotFound, ValidationFailed
from platform_core.models import AuditEntry, Campaign, InteractionEvent
from tests.academy.support import build_course, correct_answers

pytestmark = pytest.mark.django_db
SESSION = "session-0001"
EVENTS = InteractionEvent.objects.with_scopes_disabled()


def play(user, lesson, *, seconds: int, start: datetime.datetime, session: str = SESSION, every: int = 15, rate: float = 1.0):
    """Heartbeats of continuous playback from 0 to `seconds` of media, sent every `every` s of wall time."""
    result = None
    for seq, wall in enumerate(range(0, int(seconds / rate) + every, every)):
        position = min(seconds, wall * rate)
        beat = HeartbeatInput(session, seq, position, True, rate, True)
        result = heartbeat_record(user=user, lesson=lesson, beat=beat, now=start + datetime.timedelta(seconds=wall))
    return result


def test_continuous_playback_is_credited_and_completes_the_lesson(doctor):
    built = build_course(lesson_seconds=(120,))
    lesson = built.lessons[0]
    result = play(doctor, lesson, seconds=120, start=timezone.now())
    progress = LessonProgress.objects.get(user=doctor, lesson=lesson)
    assert result.completed and progress.completed_at is not None
    assert progress.covered_seconds == pytest.approx(120, abs=0.5)
    assert 110 <= progress.watch_seconds <= 120
    # The per-heartbeat values of the interaction events add up to the credited watch time.
    values = (
        InteractionEvent.objects.with_scopes_disabled()
        .filter(actor=doctor, verb="lesson.heartbeat")
        .values_list("value", flat=True)
    )
    assert sum(values) == pytest.approx(progress.watch_seconds, abs=0.01)
    assert EVENTS.filter(actor=doctor, verb="lesson.completed").count() == 1


def test_seeking_ahead_and_hidden_tab_add_nothing(doctor):
    lesson = build_course(lesson_seconds=(600,)).lessons[0]
    start = timezone.now()
    heartbeat_record(user=doctor, lesson=lesson, beat=HeartbeatInput(SESSION, 0, 0, True, 1.0, True), now=start)
    seek = heartbeat_record(
        user=doctor,
        lesson=lesson,
        beat=HeartbeatInput(SESSION, 1, 500, True, 1.0, True),
        now=start + datetime.timedelta(seconds=15),
    )
    assert seek.watch_seconds == 0 and seek.ignored
    heartbeat_record(
        user=doctor,
        lesson=lesson,
        beat=HeartbeatInput(SESSION, 2, 500, True, 1.0, False),
        now=start + datetime.timedelta(seconds=30),
    )
    hidden = heartbeat_record(
        user=doctor,
        lesson=lesson,
        beat=HeartbeatInput(SESSION, 3, 515, True, 1.0, False),
        now=start + datetime.timedelta(seconds=45),
    )
    assert hidden.watch_seconds == 0
    assert LessonProgress.objects.get(user=doctor, lesson=lesson).covered_seconds == 0


def test_duplicate_heartbeat_is_ignored_and_recorded_once(doctor):
    lesson = build_course().lessons[0]
    start = timezone.now()
    beat = HeartbeatInput(SESSION, 0, 0, True, 1.0, True)
    heartbeat_record(user=doctor, lesson=lesson, beat=beat, now=start)
    again = heartbeat_record(user=doctor, lesson=lesson, beat=beat, now=start + datetime.timedelta(seconds=3))
    assert again.ignored == "duplicate"
    assert EVENTS.filter(actor=doctor, verb="lesson.heartbeat").count() == 1


def test_progress_resumes_on_another_device(doctor):
    lesson = build_course(lesson_seconds=(300,)).lessons[0]
    start = timezone.now()
    play(doctor, lesson, seconds=90, start=start, session="laptop-aaaa")
    progress = LessonProgress.objects.get(user=doctor, lesson=lesson)
    assert progress.last_position == pytest.approx(90)
    # The phone continues from 90 s: its coverage adds to the laptop's.
    later = start + datetime.timedelta(minutes=10)
    for seq, wall in enumerate(range(0, 76, 15)):
        beat = HeartbeatInput("phone-bbbbbbb", seq, 90 + wall, True, 1.0, True)
        heartbeat_record(user=doctor, lesson=lesson, beat=beat, now=later + datetime.timedelta(seconds=wall))
    progress.refresh_from_db()
    assert progress.covered_seconds == pytest.approx(165, abs=1)
    assert progress.last_position == pytest.approx(165)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"session": "x", "seq": 0, "position": 0, "playing": True, "rate": 1, "visible": True}, "session"),
        ({"session": SESSION, "seq": -1, "position": 0, "playing": True, "rate": 1, "visible": True}, "seq"),
        ({"session": SESSION, "seq": 0, "position": 9999, "playing": True, "rate": 1, "visible": True}, "position"),
        ({"session": SESSION, "seq": 0, "position": 0, "playing": "yes", "rate": 1, "visible": True}, "playing"),
        ({"session": SESSION, "seq": 0, "position": 0, "playing": True, "rate": 99, "visible": True}, "rate"),
        ({"session": SESSION, "seq": True, "position": 0, "playing": True, "rate": 1, "visible": True}, "seq"),
    ],
)
def test_bad_heartbeats_name_the_field(payload, field):
    with pytest.raises(ValidationFailed) as error:
        heartbeat_parse(payload=payload, duration=120)
    assert field in error.value.details


def test_quiz_pass_after_lessons_completes_course_and_issues_one_certificate(doctor, sponsor_a):
    campaign = Campaign.objects.create(
        sponsor=sponsor_a, code="htn-2026", name="高血压学术季", starts_on=timezone.localdate(), ends_on=timezone.localdate()
    )
    built = build_course(sponsor=sponsor_a, campaign=campaign, lesson_seconds=(60, 45))
    start = timezone.now()
    for number, lesson in enumerate(built.lessons):
        play(doctor, lesson, seconds=lesson.duration_seconds, start=start, session=f"session-{number:04d}")
    assert CourseProgress.objects.get(user=doctor, course=built.course).completed_at is None  # the quiz is still open

    wrong = quiz_attempt_submit(user=doctor, quiz=built.quiz, answers={b.id: [1] for b in built.quiz.questions}, attempt_key="a1")
    assert not wrong.attempt.passed and not Certificate.objects.filter(user=doctor).exists()
    result = quiz_attempt_submit(user=doctor, quiz=built.quiz, answers=correct_answers(built.quiz), attempt_key="a2")
    assert result.attempt.passed and result.attempt.score_percent == 100
    again = quiz_attempt_submit(user=doctor, quiz=built.quiz, answers=correct_answers(built.quiz), attempt_key="a2")
    assert again.attempt.pk == result.attempt.pk and QuizAttempt.objects.filter(user=doctor).count() == 2

    certificate = Certificate.objects.get(user=doctor, course=built.course)
    assert certificate.code.startswith("XLC-") and str(certificate.platform_credits) == "2.0"
    assert CourseProgress.objects.get(user=doctor, course=built.course).completed_at is not None
    events = EVENTS.filter(actor=doctor, verb__in=["course.completed", "certificate.issued", "quiz.attempted"])
    assert {(event.verb, event.sponsor_id, event.campaign_id) for event in events} == {
        ("course.completed", sponsor_a.pk, campaign.pk),
        ("certificate.issued", sponsor_a.pk, campaign.pk),
        ("quiz.attempted", sponsor_a.pk, campaign.pk),
    }


def test_quiz_with_unanswered_question_is_refused_with_the_question(doctor):
    quiz = build_course().quiz
    first = quiz.questions[0].id
    with pytest.raises(ValidationFailed) as error:
        quiz_attempt_submit(user=doctor, quiz=quiz, answers={first: [0]}, attempt_key="k")
    assert quiz.questions[1].id in error.value.details["unanswered"]
    assert not QuizAttempt.objects.exists()


def test_unverified_doctor_cannot_attempt_hcp_quiz(unverified_doctor):
    quiz = build_course(access_level="verified_hcp").quiz
    with pytest.raises(NotFound):
        quiz_attempt_submit(user=unverified_doctor, quiz=quiz, answers=correct_answers(quiz), attempt_key="k")


def test_revoking_a_certificate_needs_a_reason_and_is_audited(doctor, platform_admin):
    built = build_course(lesson_seconds=(30,), with_quiz=False)
    play(doctor, built.lessons[0], seconds=30, start=timezone.now())
    certificate = Certificate.objects.get(user=doctor)
    with pytest.raises(ValidationFailed):
        certificate_revoke(actor=platform_admin, certificate=certificate, reason=" ")
    certificate_revoke(actor=platform_admin, certificate=certificate, reason="完成记录经核查不实")
    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert AuditEntry.objects.filter(action="academy.certificate.revoked", object_id=str(certificate.pk)).exists()
