"""Writes of a doctor's learning: heartbeats → watch time and coverage, quiz attempts, completion, certificates.

Every write records its interaction event (sponsor and campaign of the course) in the same
transaction. Heartbeats are serialised per (user, lesson) by a row lock on the progress row.
"""

import math
import re
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from academy import watchtime
from academy.models import (
    Certificate,
    CoursePage,
    CourseProgress,
    LessonPage,
    LessonProgress,
    PlaybackSession,
    QuizAttempt,
    QuizPage,
)
from academy.selectors import PageAccess, page_access_for
from platform_core.exceptions import NotFound, ValidationFailed
from platform_core.interactions import record_event
from platform_core.services.audit import audit_record

SESSION_KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")
MAX_RATE = 16.0  # browsers clamp playbackRate to 16


@dataclass(frozen=True)
class HeartbeatInput:
    session_key: str
    seq: int
    position: float
    playing: bool
    rate: float
    visible: bool


@dataclass(frozen=True)
class HeartbeatResult:
    coverage_percent: float
    watch_seconds: float
    completed: bool
    credited_seconds: float  # watch seconds this heartbeat added
    ignored: str | None  # why this heartbeat added nothing, when it was refused outright or not counted


def heartbeat_parse(*, payload: dict, duration: int) -> HeartbeatInput:
    """Validate a heartbeat body; raises ValidationFailed naming every bad field."""
    errors: dict[str, str] = {}
    session_key = payload.get("session")
    if not isinstance(session_key, str) or not SESSION_KEY.match(session_key):
        errors["session"] = "must be 8-64 letters, digits or dashes"
    seq = payload.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq <= 1_000_000:
        errors["seq"] = "must be an integer from 0 to 1,000,000"
    position = payload.get("position")
    if not _is_number(position) or not 0 <= position <= duration + 5:
        errors["position"] = f"must be a number of seconds from 0 to the lesson's {duration} s"
    rate = payload.get("rate", 1.0)
    if not _is_number(rate) or not 0 <= rate <= MAX_RATE:
        errors["rate"] = "must be a number from 0 to 16"
    for field in ("playing", "visible"):
        if not isinstance(payload.get(field), bool):
            errors[field] = "must be true or false"
    if errors:
        raise ValidationFailed("The heartbeat is not valid.", details=errors)
    return HeartbeatInput(session_key, seq, float(position), payload["playing"], float(rate), payload["visible"])


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def heartbeat_record(*, user, lesson: LessonPage, beat: HeartbeatInput, now: datetime | None = None) -> HeartbeatResult:
    """Credit one heartbeat. Idempotent on (user, lesson, session, seq); caller has checked access."""
    now = now or timezone.now()
    course = lesson.course
    with transaction.atomic():
        progress = _locked_progress(user=user, lesson=lesson, course=course)
        session = PlaybackSession.objects.filter(user=user, lesson=lesson, session_key=beat.session_key).first()
        if session is None:
            session = PlaybackSession.objects.create(
                user=user, lesson=lesson, session_key=beat.session_key, started_at=now, last_received_at=now
            )
        if any(stored[0] == beat.seq for stored in session.heartbeats):
            return _result(progress, credited=0.0, ignored="duplicate")
        if len(session.heartbeats) >= _max_heartbeats(lesson.duration_seconds):
            return _result(progress, credited=0.0, ignored="too_many_heartbeats")
        session.heartbeats.append([beat.seq, now.timestamp(), beat.position, beat.playing, beat.rate, beat.visible])
        session.last_received_at = now
        session.save(update_fields=["heartbeats", "last_received_at"])

        sessions = PlaybackSession.objects.filter(user=user, lesson=lesson).order_by("started_at", "pk")
        credit = watchtime.credit_lesson([_beats(s.heartbeats) for s in sessions], duration=lesson.duration_seconds)
        own = watchtime.credit_session(_beats(session.heartbeats), duration=lesson.duration_seconds)
        ignored = next((item.reason for item in own.ignored if item.seq == beat.seq), None)
        credited = credit.watch_seconds - progress.watch_seconds
        progress.coverage = [list(interval) for interval in credit.coverage]
        progress.covered_seconds = watchtime.covered_seconds(credit.coverage)
        progress.watch_seconds = credit.watch_seconds
        progress.last_position = min(beat.position, lesson.duration_seconds)
        progress.last_heartbeat_at = now
        newly_completed = progress.completed_at is None and progress.coverage_percent >= course.completion_percent
        if newly_completed:
            progress.completed_at = now
        progress.save()
        _record_for_course(
            course,
            actor=user,
            verb="lesson.heartbeat",
            target=lesson,
            object_type="lesson",
            value=round(credited, 3),
            context={
                "position": beat.position,
                "playing": beat.playing,
                "rate": beat.rate,
                "visible": beat.visible,
                "ignored": ignored,
            },
            client_event_id=f"hb:{lesson.pk}:{beat.session_key}:{beat.seq}",
            occurred_at=now,
        )
        if newly_completed:
            _record_for_course(
                course,
                actor=user,
                verb="lesson.completed",
                target=lesson,
                object_type="lesson",
                value=progress.watch_seconds,
                client_event_id=f"lesson-completed:{lesson.pk}",
                occurred_at=now,
            )
            course_progress_update(user=user, course=course, now=now)
        return _result(progress, credited=credited, ignored=ignored)


def _locked_progress(*, user, lesson: LessonPage, course: CoursePage) -> LessonProgress:
    try:
        with transaction.atomic():
            LessonProgress.objects.get_or_create(
                user=user, lesson=lesson, defaults={"course": course, "duration_seconds": lesson.duration_seconds}
            )
    except IntegrityError:
        pass  # a concurrent first heartbeat created it
    progress = LessonProgress.objects.select_for_update().get(user=user, lesson=lesson)
    if progress.duration_seconds != lesson.duration_seconds:  # the editor corrected the duration
        progress.duration_seconds = lesson.duration_seconds
    _touch_course_progress(user=user, course=course)
    return progress


def _max_heartbeats(duration: int) -> int:
    # A heartbeat every ~15 s plus event-driven ones; four times that leaves room for pauses and rewinds.
    return max(200, 8 * (duration // 15 + 1))


def _beats(stored: list) -> list[watchtime.Heartbeat]:
    return [
        watchtime.Heartbeat(seq=s, received_at=r, position=p, playing=pl, rate=rt, visible=v) for s, r, p, pl, rt, v in stored
    ]


def _result(progress: LessonProgress, *, credited: float, ignored: str | None) -> HeartbeatResult:
    return HeartbeatResult(
        coverage_percent=progress.coverage_percent,
        watch_seconds=round(progress.watch_seconds, 1),
        completed=progress.completed_at is not None,
        credited_seconds=round(max(0.0, credited), 1),
        ignored=ignored,
    )


def _touch_course_progress(*, user, course: CoursePage) -> CourseProgress:
    now = timezone.now()
    progress, created = CourseProgress.objects.get_or_create(
        user=user, course=course, defaults={"started_at": now, "last_activity_at": now}
    )
    if created:
        _record_for_course(
            course,
            actor=user,
            verb="course.started",
            target=course,
            object_type="course",
            client_event_id=f"course-started:{course.pk}",
            occurred_at=now,
        )
    elif (now - progress.last_activity_at).total_seconds() > 60:
        CourseProgress.objects.filter(pk=progress.pk).update(last_activity_at=now)
    return progress


def course_progress_update(*, user, course: CoursePage, now: datetime | None = None) -> CourseProgress:
    """Recount completed lessons and the quiz; complete the course and issue the certificate once all are done."""
    now = now or timezone.now()
    progress = CourseProgress.objects.select_for_update().get(user=user, course=course)
    lesson_ids = list(LessonPage.objects.live().child_of(course).values_list("pk", flat=True))
    completed = LessonProgress.objects.filter(user=user, lesson_id__in=lesson_ids, completed_at__isnull=False).count()
    quiz = QuizPage.objects.live().child_of(course).first()
    passed = quiz is None or QuizAttempt.objects.filter(user=user, quiz=quiz, passed=True).exists()
    progress.lessons_completed = completed
    progress.last_activity_at = now
    if quiz is not None and passed and progress.quiz_passed_at is None:
        progress.quiz_passed_at = now
    if progress.completed_at is None and lesson_ids and completed == len(lesson_ids) and passed:
        progress.completed_at = now
        progress.save()
        _record_for_course(
            course,
            actor=user,
            verb="course.completed",
            target=course,
            object_type="course",
            value=float(course.platform_credits),
            client_event_id=f"course-completed:{course.pk}",
            occurred_at=now,
        )
        certificate_issue(user=user, course=course, now=now)
    else:
        progress.save()
    return progress


def certificate_issue(*, user, course: CoursePage, now: datetime | None = None) -> Certificate:
    """Issue the course certificate; idempotent (one valid certificate per user and course)."""
    now = now or timezone.now()
    existing = Certificate.objects.filter(user=user, course=course, revoked_at__isnull=True).first()
    if existing is not None:
        return existing
    certificate = Certificate.objects.create(
        user=user,
        course=course,
        holder_name=user.name or user.get_full_name() or user.get_username(),
        course_title=course.title,
        platform_credits=course.platform_credits,
        issued_at=now,
    )
    _record_for_course(
        course,
        actor=user,
        verb="certificate.issued",
        target=certificate,
        object_type="certificate",
        value=float(course.platform_credits),
        client_event_id=f"certificate:{certificate.code}",
        occurred_at=now,
    )
    audit_record(
        actor=user,
        action="academy.certificate.issued",
        target=certificate,
        after={"code": certificate.code, "course": course.pk, "credits": str(course.platform_credits)},
    )
    return certificate


def certificate_revoke(*, actor, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate (e.g. a completion obtained by fraud); its public page then says so."""
    if not reason.strip():
        raise ValidationFailed("Give the reason for revoking the certificate.", details={"reason": "required"})
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at is not None:
            return certificate
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason.strip()
        certificate.save(update_fields=["revoked_at", "revoked_reason"])
        audit_record(
            actor=actor,
            action="academy.certificate.revoked",
            target=certificate,
            before={"revoked": False},
            after={"revoked": True},
            reason=reason,
        )
    return certificate


@dataclass(frozen=True)
class QuestionResult:
    prompt: str
    choices: list[dict]
    selected: list[int]
    correct: bool
    explanation: str


@dataclass(frozen=True)
class QuizResult:
    attempt: QuizAttempt
    questions: list[QuestionResult]


def quiz_grade(*, quiz: QuizPage, answers: dict[str, list[int]]) -> tuple[int, list[QuestionResult]]:
    """Score answers {question id: [choice indexes]}: a question counts when exactly the correct choices are picked."""
    results = []
    for block in quiz.questions:
        choices = [{"text": choice["text"], "correct": bool(choice["correct"])} for choice in block.value["choices"]]
        right = {index for index, choice in enumerate(choices) if choice["correct"]}
        selected = sorted({index for index in answers.get(block.id, []) if 0 <= index < len(choices)})
        results.append(
            QuestionResult(block.value["prompt"], choices, selected, set(selected) == right, block.value["explanation"])
        )
    score = round(100 * sum(result.correct for result in results) / len(results)) if results else 0
    return score, results


def quiz_attempt_submit(*, user, quiz: QuizPage, answers: dict[str, list[int]], attempt_key: str) -> QuizResult:
    """Grade and store an attempt; idempotent on attempt_key (a double submit returns the first attempt)."""
    if page_access_for(user=user, page=quiz) is not PageAccess.ALLOWED:
        raise NotFound("No such quiz, or it is not available to you.")
    unanswered = [block.id for block in quiz.questions if not answers.get(block.id)]
    if unanswered:
        raise ValidationFailed("Answer every question before submitting.", details={"unanswered": unanswered})
    score, results = quiz_grade(quiz=quiz, answers=answers)
    course = quiz.course
    now = timezone.now()
    with transaction.atomic():
        attempt, created = QuizAttempt.objects.get_or_create(
            user=user,
            quiz=quiz,
            attempt_key=attempt_key[:64],
            defaults={"answers": answers, "score_percent": score, "passed": score >= quiz.pass_percent, "submitted_at": now},
        )
        if created:
            _record_for_course(
                course,
                actor=user,
                verb="quiz.attempted",
                target=quiz,
                object_type="quiz",
                value=score,
                context={"passed": attempt.passed},
                client_event_id=f"quiz:{quiz.pk}:{attempt.attempt_key}",
                occurred_at=now,
            )
            _touch_course_progress(user=user, course=course)
            if attempt.passed:
                course_progress_update(user=user, course=course, now=now)
    if not created:
        score, results = quiz_grade(quiz=quiz, answers=attempt.answers)
    return QuizResult(attempt, results)


def _record_for_course(course: CoursePage, **event) -> None:
    """Record a learning event under the course's sponsor and campaign (the attribution dashboards read)."""
    record_event(sponsor_id=course.sponsor_id, campaign_id=course.campaign_id, **event)
