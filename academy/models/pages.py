"""The academy page tree: AcademyIndex → CourseSeries → Course → Lesson and Quiz.

Pages hold content only. Who may see a page is decided in academy.selectors; progress, watch
time and certificates are plain models in academy.models.learning.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from academy.models.approval import ApprovedMaterialMixin
from platform_core.sanitize import SanitizedRichTextField


class AccessLevel(models.TextChoices):
    PUBLIC = "public", _("Public: anyone")
    VERIFIED_HCP = "verified_hcp", _("Verified healthcare professionals only")


class CmeClass(models.TextChoices):
    NONE = "", _("No official CME credit")
    CLASS_I = "I", _("CME Class I (国家级/省级 I 类学分)")
    CLASS_II = "II", _("CME Class II (II 类学分)")


class AcademyPage(Page):
    """Base of every academy page: served through academy.serving so access rules cannot be skipped."""

    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        # Function-local imports (here and below): serving and web import selectors, which import these models.
        from academy.serving import serve_academy_page

        return serve_academy_page(self, request, self.serve_allowed, *args, **kwargs)

    def serve_allowed(self, request, *args, **kwargs):
        """Serve once access is granted."""
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from academy.web import page_context

        return page_context(self, request, super().get_context(request, *args, **kwargs))


class AcademyIndexPage(AcademyPage):
    intro = SanitizedRichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["academy.CourseSeriesPage"]
    max_count = 1

    class Meta:
        verbose_name = _("academy index")


class CourseSeriesPage(AcademyPage):
    intro = SanitizedRichTextField(_("introduction"), blank=True)
    therapeutic_area = models.ForeignKey(
        "platform_core.TherapeuticArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("therapeutic area"),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("cover image")
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("therapeutic_area"), FieldPanel("cover_image")]
    parent_page_types = ["academy.AcademyIndexPage"]
    subpage_types = ["academy.CoursePage"]

    class Meta:
        verbose_name = _("course series")


class CoursePage(ApprovedMaterialMixin, AcademyPage):
    summary = models.CharField(_("summary"), max_length=300)
    body = SanitizedRichTextField(_("description"), blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("cover image")
    )
    therapeutic_area = models.ForeignKey(
        "platform_core.TherapeuticArea", on_delete=models.PROTECT, related_name="+", verbose_name=_("therapeutic area")
    )
    access_level = models.CharField(
        _("access level"), max_length=16, choices=AccessLevel.choices, default=AccessLevel.VERIFIED_HCP
    )
    platform_credits = models.DecimalField(
        _("platform credits"),
        max_digits=4,
        decimal_places=1,
        default=0,
        help_text=_("Xinglin learning credits; not official CME credits."),
    )
    cme_class = models.CharField(_("official CME class"), max_length=2, choices=CmeClass.choices, blank=True)
    cme_credits = models.DecimalField(_("official CME credits"), max_digits=4, decimal_places=1, null=True, blank=True)
    cme_project_code = models.CharField(
        _("CME project code"), max_length=40, blank=True, help_text=_("Awarded by the CME authority, shown for information only.")
    )
    sponsor = models.ForeignKey(
        "platform_core.Sponsor", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("sponsor")
    )
    products = ParentalManyToManyField("academy.ProductReference", blank=True, related_name="+", verbose_name=_("products"))
    prescribing_information = ParentalManyToManyField(
        "academy.PrescribingInformationReference",
        blank=True,
        related_name="+",
        verbose_name=_("prescribing information"),
        help_text=_("The current prescribing information of each product; MLR approval is refused without it."),
    )
    campaign = models.ForeignKey(
        "academy.CampaignReference",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("campaign"),
    )
    completion_percent = models.PositiveSmallIntegerField(
        _("coverage needed to complete a lesson (%)"), default=90, help_text=_("Share of each lesson actually played.")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("cover_image"),
        FieldPanel("therapeutic_area"),
        InlinePanel("course_speakers", label=_("Speakers")),
        MultiFieldPanel(
            [FieldPanel("access_level"), FieldPanel("completion_percent"), FieldPanel("platform_credits")], heading=_("Learning")
        ),
        MultiFieldPanel(
            [FieldPanel("cme_class"), FieldPanel("cme_credits"), FieldPanel("cme_project_code")], heading=_("Official CME")
        ),
        MultiFieldPanel(
            [
                FieldPanel("sponsor"),
                FieldPanel("products"),
                FieldPanel("prescribing_information"),
                FieldPanel("campaign"),
                FieldPanel("approval_expires_on"),
            ],
            heading=_("Sponsorship and approval"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["academy.CourseSeriesPage"]
    subpage_types = ["academy.LessonPage", "academy.QuizPage"]

    class Meta:
        verbose_name = _("course")

    def material_sponsor_id(self) -> int | None:
        return self.sponsor_id

    def clean(self) -> None:
        super().clean()
        errors = {}
        products = list(self.products.all())
        if products and self.sponsor_id is None:
            errors["sponsor"] = _("A course about a product must name its sponsor.")
        foreign = [product for product in products if product.sponsor_id != self.sponsor_id]
        if self.sponsor_id and foreign:
            errors["products"] = _("Every product must belong to the course's sponsor.")
        if self.campaign_id and self.campaign.sponsor_id != self.sponsor_id:
            errors["campaign"] = _("The campaign must belong to the course's sponsor.")
        if any(product.is_prescription for product in products) and self.access_level != AccessLevel.VERIFIED_HCP:
            errors["access_level"] = _("Courses about prescription products are for verified healthcare professionals only.")
        if self.cme_class and not self.cme_credits:
            errors["cme_credits"] = _("Give the official CME credits for this class.")
        if errors:
            raise ValidationError(errors)


class CourseSpeaker(Orderable):
    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="course_speakers")
    speaker = models.ForeignKey(
        "academy.Speaker", on_delete=models.PROTECT, related_name="course_links", verbose_name=_("speaker")
    )
    role = models.CharField(_("role"), max_length=40, blank=True, help_text=_("e.g. 主讲、主持"))

    panels = [FieldPanel("speaker"), FieldPanel("role")]


class CoursePartMixin(ApprovedMaterialMixin):
    """Lessons and quizzes belong to a course and take its sponsor, campaign and access level."""

    class Meta:
        abstract = True

    @property
    def course(self) -> CoursePage:
        cached = getattr(self, "_course", None)
        if cached is None:
            cached = CoursePage.objects.ancestor_of(self).select_related("sponsor").first()
            self._course = cached
        return cached

    def material_sponsor_id(self) -> int | None:
        course = self.course
        return course.sponsor_id if course else None


class ChapterBlock(blocks.StructBlock):
    start_seconds = blocks.IntegerBlock(label=_("starts at (seconds)"), min_value=0)
    title = blocks.CharBlock(label=_("title"), max_length=80)

    class Meta:
        icon = "time"


class LessonPage(CoursePartMixin, AcademyPage):
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    video_url = models.CharField(
        _("video URL"),
        max_length=500,
        help_text=_("An MP4/WebM file or an HLS (.m3u8) playlist, on this site or the streaming service."),
    )
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"))
    chapters = StreamField([("chapter", ChapterBlock())], blank=True, verbose_name=_("chapters"))
    transcript = SanitizedRichTextField(_("transcript"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("video_url"),
        FieldPanel("duration_seconds"),
        FieldPanel("chapters"),
        FieldPanel("transcript"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("transcript")]
    parent_page_types = ["academy.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")

    def clean(self) -> None:
        super().clean()
        if self.duration_seconds == 0:
            raise ValidationError({"duration_seconds": _("A lesson must last at least one second.")})


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("answer"), max_length=200)
    correct = blocks.BooleanBlock(label=_("correct"), required=False)


class QuestionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("question"))
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, label=_("answers"))
    explanation = blocks.TextBlock(label=_("explanation"), required=False, help_text=_("Shown after the attempt."))

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for choice in value["choices"] if choice["correct"])
        if correct == 0:
            raise blocks.StructBlockValidationError(
                block_errors={"choices": ValidationError(_("Mark at least one correct answer."))}
            )
        if self.meta.single and correct != 1:
            raise blocks.StructBlockValidationError(
                block_errors={"choices": ValidationError(_("A single-choice question has exactly one correct answer."))}
            )
        return value

    class Meta:
        icon = "help"
        single = False


class SingleChoiceBlock(QuestionBlock):
    class Meta:
        label = _("Single choice")
        single = True


class MultipleChoiceBlock(QuestionBlock):
    class Meta:
        label = _("Multiple choice")
        single = False


class QuizPage(CoursePartMixin, AcademyPage):
    intro = SanitizedRichTextField(_("introduction"), blank=True)
    questions = StreamField(
        [("single_choice", SingleChoiceBlock()), ("multiple_choice", MultipleChoiceBlock())], verbose_name=_("questions")
    )
    pass_percent = models.PositiveSmallIntegerField(_("pass mark (%)"), default=80)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("questions"), FieldPanel("pass_percent")]
    parent_page_types = ["academy.CoursePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("quiz")

    def serve_allowed(self, request, *args, **kwargs):
        from academy.web import quiz_serve

        return quiz_serve(self, request, *args, **kwargs)
