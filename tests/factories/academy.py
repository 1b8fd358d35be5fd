"""Academy page factories: pages are added under their parent in the Wagtail tree and published.

`CoursePageFactory(parent=series, sponsor=..., products=[...], prescribing_information=[...])`;
`publish=False` leaves a draft with one revision. Without a parent a factory builds the chain
above it (academy index under the tree root, then a series, then a course).

A sponsored page published directly is live but NOT deliverable (the MLR publication guard clears
any approval stamp it carries); `approve_page(page)` runs it through MLR review so it is.
"""

import datetime

import factory
from django.conf import settings
from django_scopes import scopes_disabled
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from academy.mlr.demo import approve_for_demo, setup_mlr_workflow
from academy.mlr.services import material_sponsor_of
from academy.models import (
    AcademyIndexPage,
    CoursePage,
    CourseSeriesPage,
    LessonPage,
    PrescribingInformationReference,
    ProductReference,
    QuizPage,
)
from platform_core.models import Sponsor
from tests.factories.accounts import DEFAULT_PASSWORD, MlrReviewerFactory
from tests.factories.sponsors import TherapeuticAreaFactory


class _PageFactory(factory.django.DjangoModelFactory):
    """Adds the page under `parent` (add_child), saves a revision and publishes it unless publish=False."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"页面 {n}")

    @classmethod
    def _parent(cls):
        raise NotImplementedError

    @classmethod
    def _create(cls, model_class, *args, parent=None, publish=True, products=(), prescribing_information=(), **kwargs):
        with scopes_disabled():  # pages validate their products (a sponsor-scoped model) on save
            parent = parent or cls._parent()
            page = model_class(*args, **kwargs)
            page.live = publish  # a draft is not live (Wagtail's default for a new Page is live=True)
            if products:  # the page relates to the unscoped reference proxies
                page.products = list(ProductReference.objects.filter(pk__in=[product.pk for product in products]))
            if prescribing_information:
                page.prescribing_information = list(
                    PrescribingInformationReference.objects.filter(pk__in=[pi.pk for pi in prescribing_information])
                )
            parent.add_child(instance=page)
            revision = page.save_revision()
            if publish:
                revision.publish()
            return model_class.objects.get(pk=page.pk)


def academy_index() -> AcademyIndexPage:
    index = AcademyIndexPage.objects.first()
    if index is None:
        index = AcademyIndexPageFactory()
    return index


class AcademyIndexPageFactory(_PageFactory):
    class Meta:
        model = AcademyIndexPage

    title = "学院"
    slug = "academy"

    @classmethod
    def _parent(cls):
        # Under the default site's home page, so the academy is served at /academy/. A transactional
        # test flushes the tree and site Wagtail's migrations made; rebuild them then.
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is not None:
            return site.root_page
        Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        home = root.add_child(instance=Page(title="首页", slug="home"))
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
        return home


class CourseSeriesPageFactory(_PageFactory):
    class Meta:
        model = CourseSeriesPage

    title = factory.Sequence(lambda n: f"心血管系列课 {n}")
    slug = factory.Sequence(lambda n: f"series-{n}")

    @classmethod
    def _parent(cls):
        return academy_index()


class CoursePageFactory(_PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"高血压规范化诊疗 第{n}讲")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = "高血压诊疗指南解读与病例分析"
    therapeutic_area = factory.SubFactory(TherapeuticAreaFactory)
    sponsor = None
    access_level = "verified_hcp"

    @classmethod
    def _parent(cls):
        return CourseSeriesPageFactory()


class LessonPageFactory(_PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"课时 {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    video_url = "/static/test/lesson.mp4"
    duration_seconds = 600

    @classmethod
    def _parent(cls):
        return CoursePageFactory()


class QuizPageFactory(_PageFactory):
    class Meta:
        model = QuizPage

    title = factory.Sequence(lambda n: f"测验 {n}")
    slug = factory.Sequence(lambda n: f"quiz-{n}")
    questions = factory.LazyFunction(
        lambda: [
            (
                "single_choice",
                {
                    "prompt": "高血压的诊断标准是？",
                    "choices": [{"text": "≥140/90 mmHg", "correct": True}, {"text": "≥120/80 mmHg", "correct": False}],
                    "explanation": "",
                },
            )
        ]
    )

    @classmethod
    def _parent(cls):
        return CoursePageFactory()


def approve_page(page, *, reviewer=None, expires_on: datetime.date | None = None):
    """Run a sponsored page through Medical → Legal → Regulatory, signed by `reviewer` (default: a new
    reviewer of the page's sponsor). A course about products must reference their current PI.
    Returns the page as published, stamped with its approval code."""
    setup_mlr_workflow()
    if reviewer is None:
        reviewer = MlrReviewerFactory(sponsor=Sponsor.objects.get(pk=material_sponsor_of(page)))
    expires_on = expires_on or datetime.date.today() + datetime.timedelta(days=365)
    return approve_for_demo(page, reviewer, expires_on=expires_on, password=DEFAULT_PASSWORD)
