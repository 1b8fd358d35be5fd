"""Reads for the academy. Every read of a course goes through here, so the access rules live in one place.

Rules (DESIGN.md, compliance rule 1 and 2):
- public courses: anyone; verified-HCP courses (all prescription-product courses): verified HCPs,
  plus the course sponsor's own staff and content editors (they review and share the material);
- sponsored material only while its approval is current (approval code, not expired);
- drafts never (Wagtail's preview is the editors' way to see them).
"""

import enum
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from academy.models import (
    AccessLevel,
    Certificate,
    CoursePage,
    CourseProgress,
    CourseSeriesPage,
    CourseSpeaker,
    LessonPage,
    LessonProgress,
    QuizAttempt,
    QuizPage,
)
from platform_core.exceptions import NotFound
from platform_core.permissions import has_capability
from platform_core.roles import SPONSOR_BOUND_ROLES


class PageAccess(enum.Enum):
    ALLOWED = "allowed"
    LOGIN_REQUIRED = "login_required"
    VERIFICATION_REQUIRED = "verification_required"
    UNAVAILABLE = "unavailable"


def sees_restricted_content(*, user, sponsor_id: int | None) -> bool:
    """May this user see verified-HCP-only material of this sponsor?"""
    if not getattr(user, "is_authenticated", False):
        return False
    if has_capability(user, "academy.view_rx_content") or has_capability(user, "academy.edit_content"):
        return True
    return sponsor_id is not None and user.sponsor_id == sponsor_id and bool(set(user.role_codes) & SPONSOR_BOUND_ROLES)


def course_access_for(*, user, course: CoursePage, today=None) -> PageAccess:
    if not course.live or not course.approval_is_current(today=today):
        return PageAccess.UNAVAILABLE
    if course.access_level == AccessLevel.PUBLIC:
        return PageAccess.ALLOWED
    if not getattr(user, "is_authenticated", False):
        return PageAccess.LOGIN_REQUIRED
    if not sees_restricted_content(user=user, sponsor_id=course.sponsor_id):
        return PageAccess.VERIFICATION_REQUIRED
    return PageAccess.ALLOWED


def page_access_for(*, user, page) -> PageAccess:
    """Access to any academy page; a lesson or quiz is as open as its course and needs its own approval."""
    if isinstance(page, CoursePage):
        return course_access_for(user=user, course=page)
    if isinstance(page, LessonPage | QuizPage):
        course = page.course
        if course is None or not page.approval_is_current():
            return PageAccess.UNAVAILABLE
        return course_access_for(user=user, course=course)
    return PageAccess.ALLOWED


def _deliverable(queryset: QuerySet, *, today, sponsored: bool | None = None) -> QuerySet:
    """Live pages whose approval is current. Courses know their sponsor; lessons and quizzes are told (`sponsored`)."""
    approved = ~Q(approval_code="") & Q(approval_expires_on__gte=today)
    if sponsored is None:
        return queryset.live().filter(Q(sponsor__isnull=True) | approved)
    return queryset.live().filter(approved) if sponsored else queryset.live()


@dataclass(frozen=True)
class CourseFilters:
    therapeutic_area: str = ""  # TherapeuticArea.code
    series_id: int | None = None
    speaker_id: int | None = None
    access: str = ""  # "", "public", "verified_hcp"


def course_list_for(*, user, filters: CourseFilters | None = None) -> QuerySet:
    """Courses the user may open, newest first, with what a course card shows."""
    filters = filters or CourseFilters()
    today = timezone.localdate()
    courses = _deliverable(CoursePage.objects.all(), today=today)
    if not sees_restricted_content(user=user, sponsor_id=None):
        restricted_sponsors = (
            [user.sponsor_id] if getattr(user, "sponsor_id", None) and set(user.role_codes) & SPONSOR_BOUND_ROLES else []
        )
        courses = courses.filter(Q(access_level=AccessLevel.PUBLIC) | Q(sponsor_id__in=restricted_sponsors))
    if filters.therapeutic_area:
        courses = courses.filter(therapeutic_area__code=filters.therapeutic_area)
    if filters.series_id:
        series = CourseSeriesPage.objects.filter(pk=filters.series_id).first()
        courses = courses.child_of(series) if series else courses.none()
    if filters.speaker_id:
        courses = courses.filter(course_speakers__speaker_id=filters.speaker_id)
    if filters.access:
        courses = courses.filter(access_level=filters.access)
    return (
        courses.select_related("therapeutic_area", "sponsor", "cover_image")
        .prefetch_related(
            Prefetch("course_speakers", queryset=CourseSpeaker.objects.select_related("speaker").order_by("sort_order"))
        )
        .order_by("-first_published_at")
        .distinct()
    )


@dataclass
class LessonRow:
    lesson: LessonPage
    progress: LessonProgress | None

    @property
    def coverage_percent(self) -> float:
        return self.progress.coverage_percent if self.progress else 0.0

    @property
    def completed(self) -> bool:
        return bool(self.progress and self.progress.completed_at)


@dataclass
class CourseOutline:
    course: CoursePage
    speakers: list
    products: list
    lessons: list[LessonRow]
    quiz: QuizPage | None
    progress: CourseProgress | None
    best_attempt: QuizAttempt | None
    certificate: Certificate | None

    @property
    def lessons_completed(self) -> int:
        return sum(1 for row in self.lessons if row.completed)


def course_outline_for(*, user, course: CoursePage) -> CourseOutline:
    """Everything the course page shows, in a fixed number of queries (asserted in tests)."""
    _load_course_relations(course)
    today = timezone.localdate()
    sponsored = course.sponsor_id is not None
    lessons = list(_deliverable(LessonPage.objects.child_of(course), today=today, sponsored=sponsored).order_by("path"))
    quiz = _deliverable(QuizPage.objects.child_of(course), today=today, sponsored=sponsored).first()
    speakers = list(course.course_speakers.select_related("speaker", "speaker__photo").order_by("sort_order"))
    products = list(course.products.all())
    progress_by_lesson, progress, attempt, certificate = {}, None, None, None
    if getattr(user, "is_authenticated", False):
        progress_by_lesson = {row.lesson_id: row for row in LessonProgress.objects.filter(user=user, course=course)}
        progress = CourseProgress.objects.filter(user=user, course=course).first()
        if quiz is not None:
            attempt = QuizAttempt.objects.filter(user=user, quiz=quiz).order_by("-score_percent", "-submitted_at").first()
        certificate = Certificate.objects.filter(user=user, course=course, revoked_at__isnull=True).first()
    for lesson in lessons:
        lesson._course = course
    if quiz is not None:
        quiz._course = course
    rows = [LessonRow(lesson, progress_by_lesson.get(lesson.pk)) for lesson in lessons]
    return CourseOutline(course, speakers, products, rows, quiz, progress, attempt, certificate)


def _load_course_relations(course: CoursePage) -> None:
    """Fetch the area, sponsor and cover the page shows in one query instead of one each (Wagtail's
    routing loads the page without them)."""
    if all(CoursePage._meta.get_field(name).is_cached(course) for name in ("therapeutic_area", "sponsor", "cover_image")):
        return
    loaded = CoursePage.objects.select_related("therapeutic_area", "sponsor", "cover_image").get(pk=course.pk)
    for name in ("therapeutic_area", "sponsor", "cover_image"):
        CoursePage._meta.get_field(name).set_cached_value(course, getattr(loaded, name))


def lesson_get_for(*, user, lesson_id: int) -> LessonPage:
    """A lesson the user may watch now; NotFound otherwise (missing, draft, expired or not allowed)."""
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None or page_access_for(user=user, page=lesson) is not PageAccess.ALLOWED:
        raise NotFound("No such lesson, or it is not available to you.")
    return lesson


def lesson_progress_of(*, user, lesson: LessonPage) -> LessonProgress | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return LessonProgress.objects.filter(user=user, lesson=lesson).first()


@dataclass
class LearningRow:
    progress: CourseProgress
    course: CoursePage
    lesson_count: int
    certificate: Certificate | None

    @property
    def percent(self) -> int:
        if self.progress.completed_at:
            return 100
        return int(100 * self.progress.lessons_completed / max(1, self.lesson_count))


@dataclass
class MyLearning:
    in_progress: list[LearningRow]
    completed: list[LearningRow]
    platform_credits: Decimal
    watch_hours: float


def my_learning_for(*, user) -> MyLearning:
    """The doctor's own courses, progress and credits (4 queries whatever the number of courses)."""
    progresses = list(
        CourseProgress.objects.filter(user=user)
        .select_related("course", "course__therapeutic_area")
        .order_by("-last_activity_at")
    )
    course_ids = [row.course_id for row in progresses]
    lesson_counts: dict[int, int] = {}
    courses = {row.course_id: row.course for row in progresses}
    for course in courses.values():
        lesson_counts[course.pk] = 0
    if courses:
        paths = {course.path: course.pk for course in courses.values()}
        for path in (
            LessonPage.objects.live()
            .filter(Q(*[Q(path__startswith=prefix) for prefix in paths], _connector=Q.OR))
            .values_list("path", flat=True)
        ):
            owner = paths.get(path[: -CoursePage.steplen])
            if owner is not None:
                lesson_counts[owner] += 1
    certificates = {
        cert.course_id: cert for cert in Certificate.objects.filter(user=user, course_id__in=course_ids, revoked_at__isnull=True)
    }
    rows = [
        LearningRow(row, row.course, lesson_counts.get(row.course_id, 0), certificates.get(row.course_id)) for row in progresses
    ]
    credits = sum((cert.platform_credits for cert in certificates.values()), Decimal("0"))
    watch = sum(LessonProgress.objects.filter(user=user).values_list("watch_seconds", flat=True))
    return MyLearning(
        in_progress=[row for row in rows if not row.progress.completed_at],
        completed=[row for row in rows if row.progress.completed_at],
        platform_credits=credits,
        watch_hours=round(watch / 3600, 1),
    )


def certificate_by_code(*, code: str) -> Certificate:
    """Public verification: anyone holding the code may see the certificate's facts."""
    certificate = Certificate.objects.filter(code=code.strip().upper()).first()
    if certificate is None:
        raise NotFound("No certificate has this code.")
    return certificate


def certificate_get_for(*, user, code: str) -> Certificate:
    certificate = Certificate.objects.filter(code=code.strip().upper(), user=user).select_related("course").first()
    if certificate is None:
        raise NotFound("No such certificate.")
    return certificate
