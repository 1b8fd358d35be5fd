"""Builders for academy page trees in tests (pages are created through Wagtail's tree API and published)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from wagtail.models import Page, Site

from academy.models import (
    AcademyIndexPage,
    AccessLevel,
    CoursePage,
    CourseSeriesPage,
    CourseSpeaker,
    LessonPage,
    ProductReference,
    QuizPage,
    Speaker,
)
from tests.factories.sponsors import TherapeuticAreaFactory


def academy_index() -> AcademyIndexPage:
    existing = AcademyIndexPage.objects.first()
    if existing:
        return existing
    site_root = Site.objects.get(is_default_site=True).root_page
    index = AcademyIndexPage(title="学术课堂", slug="academy")
    site_root.add_child(instance=index)
    index.save_revision().publish()
    return index


def publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


QUESTIONS = [
    {
        "type": "single_choice",
        "value": {
            "prompt": "高血压诊断阈值（诊室血压）是？",
            "choices": [{"text": "≥140/90 mmHg", "correct": True}, {"text": "≥120/80 mmHg", "correct": False}],
            "explanation": "中国高血压防治指南（2024）以诊室血压≥140/90 mmHg 为诊断标准。",
        },
    },
    {
        "type": "multiple_choice",
        "value": {
            "prompt": "以下哪些属于一线降压药？",
            "choices": [
                {"text": "ACEI", "correct": True},
                {"text": "CCB", "correct": True},
                {"text": "α 受体阻滞剂", "correct": False},
            ],
            "explanation": "ACEI/ARB、CCB、噻嗪类利尿剂为常用一线药物。",
        },
    },
]


@dataclass
class Course:
    series: CourseSeriesPage
    course: CoursePage
    lessons: list[LessonPage]
    quiz: QuizPage | None
    speaker: Speaker


def build_course(
    *,
    title: str = "高血压规范化诊疗",
    sponsor=None,
    products=(),
    campaign=None,
    access_level: str = AccessLevel.PUBLIC,
    lesson_seconds: tuple[int, ...] = (120, 90),
    with_quiz: bool = True,
    approved: bool = True,
    credits: str = "2.0",
) -> Course:
    index = academy_index()
    area = TherapeuticAreaFactory()
    series = publish(index, CourseSeriesPage(title=f"{title}系列", slug=f"series-{CourseSeriesPage.objects.count() + 1}"))
    speaker = Speaker.objects.create(name="王建国", title="主任医师", hospital="北京协和医院", department="心内科")
    course = CoursePage(
        title=title,
        slug=f"course-{CoursePage.objects.count() + 1}",
        summary="从诊断到随访的全流程规范。",
        therapeutic_area=area,
        access_level=access_level,
        platform_credits=credits,
        sponsor=sponsor,
        campaign=campaign,
    )
    if sponsor is not None and approved:
        course.approval_code = f"XL-2026-{CoursePage.objects.count() + 1:06d}"
        course.approved_at = timezone.now()
        course.approval_expires_on = timezone.localdate() + datetime.timedelta(days=365)
    course.course_speakers = [CourseSpeaker(speaker=speaker, role="主讲")]
    if products:
        course.products = list(ProductReference.objects.filter(pk__in=[product.pk for product in products]))
    course = publish(series, course)
    lessons = []
    for number, seconds in enumerate(lesson_seconds, start=1):
        lesson = LessonPage(
            title=f"第{number}讲", slug=f"lesson-{number}", video_url="/static/academy/demo/lesson.webm", duration_seconds=seconds
        )
        _copy_approval(course, lesson)
        lessons.append(publish(course, lesson))
    quiz = None
    if with_quiz:
        quiz = QuizPage(title="课后测验", slug="quiz", questions=QUESTIONS, pass_percent=80)
        _copy_approval(course, quiz)
        quiz = publish(course, quiz)
    return Course(series, course, lessons, quiz, speaker)


def _copy_approval(course: CoursePage, page) -> None:
    page.approval_code = course.approval_code
    page.approved_at = course.approved_at
    page.approval_expires_on = course.approval_expires_on


def correct_answers(quiz: QuizPage) -> dict[str, list[int]]:
    return {
        block.id: [index for index, choice in enumerate(block.value["choices"]) if choice["correct"]] for block in quiz.questions
    }
