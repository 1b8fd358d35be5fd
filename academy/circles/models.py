"""Case circles: circles, memberships, case posts with images, comments, likes, follows and reports.

Plain Django models (not Wagtail pages): they hold what doctors write, not editorial content.
Counters (members, likes, comments) are never stored: selectors annotate them, so they cannot drift.
Nothing a doctor published is ever deleted: moderators hide it (content may hold an adverse event).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from platform_core.models import Department
from platform_core.sanitize import SanitizedRichTextField
from platform_core.storage import private_storage


class Circle(models.Model):
    """A case circle by specialty or disease. A sponsor may support it (labelled on every page)."""

    class Kind(models.TextChoices):
        SPECIALTY = "specialty", _("Specialty")
        DISEASE = "disease", _("Disease")

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SPECIALTY)
    department = models.CharField(_("department"), max_length=32, choices=Department.choices, blank=True)
    therapeutic_area = models.ForeignKey(
        "platform_core.TherapeuticArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sponsor = models.ForeignKey(
        "platform_core.Sponsor",
        verbose_name=_("supporting sponsor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supported_circles",
        help_text=_("Set when a sponsor supports the circle; the circle is then labelled as sponsor-supported."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case circle")
        verbose_name_plural = _("case circles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_sponsor_supported(self) -> bool:
        return self.sponsor_id is not None


class Membership(models.Model):
    """A doctor in a circle; `role=moderator` makes them a moderator of this circle only."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MODERATOR = "moderator", _("Moderator")

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("circle membership")
        verbose_name_plural = _("circle memberships")
        constraints = [models.UniqueConstraint(fields=["circle", "user"], name="circles_membership_unique")]
        indexes = [models.Index(fields=["user", "circle"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.circle}"


class Status(models.TextChoices):
    """Drafts are private to their author; nothing is published while it holds patient identifiers."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ModeratedContent(models.Model):
    """What posts and comments share: publication state, identifier findings and moderation state."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Findings of the de-identification guard at the last save: kind, field and a masked preview only.
    identifier_findings = models.JSONField(default=list, blank=True)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    hidden_reason = models.TextField(blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_visible(self) -> bool:
        return self.status == Status.PUBLISHED and not self.is_hidden


class CasePost(ModeratedContent):
    """A structured, de-identified case. Text fields are sanitised rich text (nh3 on every save)."""

    TEXT_FIELDS = (
        "chief_complaint",
        "history",
        "examination",
        "investigations",
        "diagnosis",
        "treatment",
        "outcome",
        "question",
    )

    circle = models.ForeignKey(Circle, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(pgettext_lazy("case post", "title"), max_length=120)
    chief_complaint = SanitizedRichTextField(_("chief complaint"), blank=True)
    history = SanitizedRichTextField(_("history of present illness"), blank=True)
    examination = SanitizedRichTextField(_("physical examination"), blank=True)
    investigations = SanitizedRichTextField(_("investigations"), blank=True)
    diagnosis = SanitizedRichTextField(_("diagnosis"), blank=True)
    treatment = SanitizedRichTextField(_("treatment"), blank=True)
    outcome = SanitizedRichTextField(_("outcome and follow-up"), blank=True)
    question = SanitizedRichTextField(_("question for discussion"), blank=True)

    class Meta:
        verbose_name = _("case post")
        verbose_name_plural = _("case posts")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["circle", "status", "is_hidden", "-published_at"]),
            models.Index(fields=["author", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="circles_post_published_has_time"
            )
        ]

    def __str__(self) -> str:
        return self.title


class CaseImage(models.Model):
    """An investigation image of a case: metadata stripped on upload, stored privately, served to readers only."""

    post = models.ForeignKey(CasePost, on_delete=models.PROTECT, related_name="images")
    image = models.FileField(upload_to="circles/%Y/%m/", storage=private_storage, max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case image")
        verbose_name_plural = _("case images")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name


class CaseComment(ModeratedContent):
    """A comment on a case, or a reply to one (threaded one level: a reply's parent is a top-level comment)."""

    post = models.ForeignKey(CasePost, on_delete=models.PROTECT, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies")
    body = SanitizedRichTextField(_("comment"))
    is_expert_answer = models.BooleanField(_("expert answer"), default=False)
    expert_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expert_marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["published_at", "id"]
        indexes = [models.Index(fields=["post", "status", "published_at"])]
        constraints = [
            models.UniqueConstraint(fields=["post"], condition=Q(is_expert_answer=True), name="circles_one_expert_answer"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="circles_comment_published_has_time"
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="circles_comment_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} on {self.post_id}"


class Like(models.Model):
    """A like of a case or of a comment (exactly one of the two)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(CasePost, on_delete=models.CASCADE, null=True, blank=True, related_name="likes")
    comment = models.ForeignKey(CaseComment, on_delete=models.CASCADE, null=True, blank=True, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, comment__isnull=True) | Q(post__isnull=True, comment__isnull=False),
                name="circles_like_one_target",
            ),
            models.UniqueConstraint(fields=["user", "post"], condition=Q(post__isnull=False), name="circles_like_post_once"),
            models.UniqueConstraint(
                fields=["user", "comment"], condition=Q(comment__isnull=False), name="circles_like_comment_once"
            ),
        ]


class Follow(models.Model):
    """Following a case or a circle (exactly one of the two): followed items are listed on the circles page."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, null=True, blank=True, related_name="follows")
    post = models.ForeignKey(CasePost, on_delete=models.CASCADE, null=True, blank=True, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(circle__isnull=False, post__isnull=True) | Q(circle__isnull=True, post__isnull=False),
                name="circles_follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "circle"], condition=Q(circle__isnull=False), name="circles_follow_circle_once"
            ),
            models.UniqueConstraint(fields=["user", "post"], condition=Q(post__isnull=False), name="circles_follow_post_once"),
        ]


class Report(models.Model):
    """A member's report of a case or comment, decided by a moderator of its circle."""

    class Reason(models.TextChoices):
        IDENTIFIABLE = "identifiable", _("Patient could be identified")
        ADVERSE_EVENT = "adverse_event", _("Describes a possible adverse reaction")
        PROMOTIONAL = "promotional", _("Promotional or commercial content")
        INAPPROPRIATE = "inappropriate", _("Inappropriate or unprofessional")
        MISINFORMATION = "misinformation", _("Medically misleading")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("report state", "Open")
        ACTIONED = "actioned", _("Content hidden")
        DISMISSED = "dismissed", _("Dismissed")

    circle = models.ForeignKey(Circle, on_delete=models.PROTECT, related_name="reports")
    post = models.ForeignKey(CasePost, on_delete=models.PROTECT, null=True, blank=True, related_name="reports")
    comment = models.ForeignKey(CaseComment, on_delete=models.PROTECT, null=True, blank=True, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["circle", "state", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, comment__isnull=True) | Q(post__isnull=True, comment__isnull=False),
                name="circles_report_one_target",
            ),
            models.UniqueConstraint(
                fields=["reporter", "post"], condition=Q(state="open", post__isnull=False), name="circles_report_post_open_once"
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(state="open", comment__isnull=False),
                name="circles_report_comment_open_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.get_state_display()})"

    @property
    def target(self):
        return self.post if self.post_id else self.comment
