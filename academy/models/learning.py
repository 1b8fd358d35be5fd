"""A doctor's learning records: playback sessions, lesson and course progress, quiz attempts, certificates.

Plain models (not pages). Written only by academy.services, read through academy.selectors.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CERTIFICATE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed by hand


def new_certificate_code() -> str:
    raw = "".join(secrets.choice(CERTIFICATE_ALPHABET) for _ in range(12))
    return f"XLC-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class PlaybackSession(models.Model):
    """One playback of a lesson in one browser tab; holds the heartbeats the server received."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey("academy.LessonPage", on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=64)
    # [[seq, received_at_epoch, position, playing, rate, visible], ...] as received (watchtime dedupes).
    heartbeats = models.JSONField(default=list)
    started_at = models.DateTimeField()
    last_received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson", "session_key"], name="playback_session_unique")]
        indexes = [models.Index(fields=["user", "lesson", "started_at"])]


class LessonProgress(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey("academy.LessonPage", on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("academy.CoursePage", on_delete=models.CASCADE, related_name="+")
    coverage = models.JSONField(default=list)  # merged [[start, end], ...] media seconds
    covered_seconds = models.FloatField(default=0)
    watch_seconds = models.FloatField(default=0)
    duration_seconds = models.PositiveIntegerField()
    last_position = models.FloatField(default=0)
    last_heartbeat_at = models.DateTimeField(null=True)
    completed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="lesson_progress_unique")]
        indexes = [models.Index(fields=["user", "course"])]

    @property
    def coverage_percent(self) -> float:
        return round(min(100.0, 100.0 * self.covered_seconds / max(1, self.duration_seconds)), 1)


class CourseProgress(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("academy.CoursePage", on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    last_activity_at = models.DateTimeField()
    lessons_completed = models.PositiveSmallIntegerField(default=0)
    quiz_passed_at = models.DateTimeField(null=True)
    completed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="course_progress_unique")]
        indexes = [models.Index(fields=["user", "-last_activity_at"])]


class QuizAttempt(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quiz = models.ForeignKey("academy.QuizPage", on_delete=models.CASCADE, related_name="+")
    attempt_key = models.CharField(max_length=64, help_text="Idempotency key from the form: a double submit stores one attempt.")
    answers = models.JSONField()  # {question block id: [choice indexes]}
    score_percent = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "quiz", "attempt_key"], name="quiz_attempt_unique")]
        indexes = [models.Index(fields=["user", "quiz", "-submitted_at"])]


class Certificate(models.Model):
    """Proof of completion. Title, name and credits are copied at issue so later edits do not rewrite it."""

    code = models.CharField(max_length=20, unique=True, default=new_certificate_code)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey("academy.CoursePage", null=True, on_delete=models.SET_NULL, related_name="+")
    holder_name = models.CharField(max_length=80)
    course_title = models.CharField(max_length=255)
    platform_credits = models.DecimalField(max_digits=4, decimal_places=1)
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], condition=Q(revoked_at__isnull=True), name="certificate_one_valid")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
