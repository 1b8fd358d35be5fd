"""Builders for academy page trees in tests (pages are created through Wagtail's tree API and published)."""

import datetime
from dataclasses import dataclass

from wagtail.models import Page

from academy.models import (
    AcademyIndexPage,
    AccessLevel,
    CoursePage,
    CourseSeriesPage,
    CourseSpeaker,
    LessonPage,
    PrescribingInformationReference,
    ProductReference,
    QuizPage,
    Speaker,
)
from tests.factories.academy import academy_index as factory_academy_index
from tests.factories.academy import approve_page
from tests.factories.accounts import MlrReviewerFactory
from tests.factories.sponsors import TherapeuticAreaFactory


def academy_index() -> AcademyIndexPage:
    """The academy index under the default site (rebuilt if a transactional test flushed Wagtail's tree)."""
    return factory_academy_index()


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
    course.course_speakers = [CourseSpeaker(speaker=speaker, role="主讲")]
    if products:
        course.products = list(ProductReference.objects.filter(pk__in=[product.pk for product in products]))
        course.prescribing_information = [_current_pi(product) for product in products]
    course = publish(series, course)
    lessons = []
    for number, seconds in enumerate(lesson_seconds, start=1):
        lesson = LessonPage(
            title=f"第{number}讲", slug=f"lesson-{number}", video_url="/static/academy/demo/lesson.webm", duration_seconds=seconds
        )
        lessons.append(publish(course, lesson))
    quiz = None
    if with_quiz:
        quiz = QuizPage(title="课后测验", slug="quiz", questions=QUESTIONS, pass_percent=80)
        quiz = publish(course, quiz)
    if sponsor is not None and approved:
        # Sponsored material is deliverable only through MLR review (a stamp set by hand is cleared on publish).
        reviewer = MlrReviewerFactory(sponsor=sponsor)
        course = approve_page(course, reviewer=reviewer)
        lessons = [approve_page(lesson, reviewer=reviewer) for lesson in lessons]
        quiz = approve_page(quiz, reviewer=reviewer) if quiz is not None else None
    return Course(series, course, lessons, quiz, speaker)


def _current_pi(product) -> PrescribingInformationReference:
    """The product's current prescribing information (made if it has none): MLR approval needs it."""
    current = PrescribingInformationReference.objects.filter(product_id=product.pk, is_current=True).first()
    return current or PrescribingInformationReference.objects.create(
        product_id=product.pk, version="2026-01", effective_date=datetime.date(2026, 1, 1), is_current=True
    )


def correct_answers(quiz: QuizPage) -> dict[str, list[int]]:
    return {
        block.id: [index for index, choice in enumerate(block.value["choices"]) if choice["correct"]] for block in quiz.questions
    }
