"""Reads of case circles. Every read takes the acting user; what they may not read answers NotFound.

Who reads what (docs/academy-circles.md):
- the circle list (names, descriptions, sponsor label, moderators): doctors (verified or not) and
  platform moderators;
- a circle's cases and comments: its members while they are verified HCPs (`circles.participate`),
  the circle's own moderators, and platform moderators (`academy.moderate`, to moderate);
- a draft: its author only; hidden content: the circle's moderators and the author (marked hidden).
"""

from django.db.models import BooleanField, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from academy.circles.events import CASE_COMMENT, CASE_POST
from academy.circles.models import CaseComment, CaseImage, CasePost, Circle, Follow, Like, Membership, Report, Status
from platform_core.exceptions import NotFound
from platform_core.permissions import has_any_capability, has_capability

BROWSE_CAPABILITIES = ("academy.learn", "circles.participate", "academy.moderate")


def _count(queryset: QuerySet, column: str) -> Coalesce:
    """A correlated COUNT subquery (several counts on one row without join fan-out)."""
    counted = queryset.order_by().values(column).annotate(total=Count("pk")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def is_platform_moderator(actor) -> bool:
    return has_capability(actor, "academy.moderate")


def can_browse(actor) -> bool:
    return has_any_capability(actor, BROWSE_CAPABILITIES)


def moderated_circle_ids(*, actor) -> set[int] | None:
    """Circles the actor moderates: None means every circle (platform moderator)."""
    if is_platform_moderator(actor):
        return None
    if not has_capability(actor, "circles.participate"):
        return set()
    return set(
        Membership.objects.filter(user=actor, role=Membership.Role.MODERATOR, circle__is_active=True).values_list(
            "circle_id", flat=True
        )
    )


def moderates(*, actor, circle_id: int) -> bool:
    circle_ids = moderated_circle_ids(actor=actor)
    return circle_ids is None or circle_id in circle_ids


def readable_circle_ids(*, actor) -> set[int] | None:
    """Circles whose cases the actor may read: None means every circle."""
    if is_platform_moderator(actor):
        return None
    if not has_capability(actor, "circles.participate"):
        return set()
    return set(Membership.objects.filter(user=actor, circle__is_active=True).values_list("circle_id", flat=True))


def can_read(*, actor, circle_id: int) -> bool:
    circle_ids = readable_circle_ids(actor=actor)
    return circle_ids is None or circle_id in circle_ids


def _visible_posts() -> QuerySet[CasePost]:
    return CasePost.objects.filter(status=Status.PUBLISHED, is_hidden=False)


def circle_list_for(*, actor, tab: str = "discover") -> QuerySet[Circle]:
    """Active circles with member and case counts, whether the actor joined; tab `mine` keeps joined ones."""
    if not can_browse(actor):
        return Circle.objects.none()
    circles = (
        Circle.objects.filter(is_active=True)
        .select_related("sponsor", "therapeutic_area")
        .annotate(
            member_count=_count(Membership.objects.filter(circle=OuterRef("pk")), "circle"),
            post_count=_count(_visible_posts().filter(circle=OuterRef("pk")), "circle"),
            is_member=Exists(Membership.objects.filter(circle=OuterRef("pk"), user_id=actor.pk)),
        )
        .order_by("name")
    )
    if tab == "mine":
        circles = circles.filter(is_member=True)
    return circles


def circle_get_for(*, actor, circle_id: int) -> Circle:
    circle = circle_list_for(actor=actor).filter(pk=circle_id).first()
    if circle is None:
        raise NotFound("no such circle")
    return circle


def membership_of(*, actor, circle_id: int) -> Membership | None:
    return Membership.objects.filter(circle_id=circle_id, user_id=actor.pk).first()


def circle_moderators(*, circle_id: int) -> QuerySet[Membership]:
    return Membership.objects.filter(circle_id=circle_id, role=Membership.Role.MODERATOR).select_related(
        "user__doctor_profile__hospital"
    )


def is_following_circle(*, actor, circle_id: int) -> bool:
    return Follow.objects.filter(user_id=actor.pk, circle_id=circle_id).exists()


def _annotated_posts(queryset: QuerySet[CasePost], *, actor) -> QuerySet[CasePost]:
    return queryset.select_related("author__doctor_profile__hospital", "circle__sponsor").annotate(
        like_count=_count(Like.objects.filter(post=OuterRef("pk")), "post"),
        comment_count=_count(CaseComment.objects.filter(post=OuterRef("pk"), status=Status.PUBLISHED, is_hidden=False), "post"),
        has_expert_answer=Exists(CaseComment.objects.filter(post=OuterRef("pk"), is_expert_answer=True, is_hidden=False)),
        liked_by_me=Exists(Like.objects.filter(post=OuterRef("pk"), user_id=actor.pk)),
        followed_by_me=Exists(Follow.objects.filter(post=OuterRef("pk"), user_id=actor.pk)),
    )


def post_list_for(*, actor, circle_id: int, answered: str = "") -> QuerySet[CasePost]:
    """Published cases of a circle the actor may read (moderators also see hidden ones), newest first."""
    if not can_read(actor=actor, circle_id=circle_id):
        return CasePost.objects.none()
    posts = CasePost.objects.filter(circle_id=circle_id, status=Status.PUBLISHED)
    if not moderates(actor=actor, circle_id=circle_id):
        posts = posts.filter(is_hidden=False)
    posts = _annotated_posts(posts, actor=actor)
    if answered == "yes":
        posts = posts.filter(has_expert_answer=True)
    elif answered == "no":
        posts = posts.filter(has_expert_answer=False)
    return posts.order_by("-published_at", "-id")


def post_get_for(*, actor, post_id: int) -> CasePost:
    """A case the actor may see: their own (drafts too), or a published one of a circle they read."""
    post = _annotated_posts(CasePost.objects.filter(pk=post_id), actor=actor).first()
    if post is None:
        raise NotFound("no such case")
    if post.author_id == actor.pk:
        return post
    if not post.is_published or not post.circle.is_active or not can_read(actor=actor, circle_id=post.circle_id):
        raise NotFound("no such case")
    if post.is_hidden and not moderates(actor=actor, circle_id=post.circle_id):
        raise NotFound("no such case")
    return post


def post_images(*, post) -> QuerySet[CaseImage]:
    return CaseImage.objects.filter(post=post).order_by("id")


def image_get_for(*, actor, image_id: int) -> CaseImage:
    image = CaseImage.objects.filter(pk=image_id).only("id", "post_id", "image").first()
    if image is None:
        raise NotFound("no such image")
    post_get_for(actor=actor, post_id=image.post_id)
    return image


def comments_for(*, actor, post) -> list[CaseComment]:
    """Top-level published comments with their replies; moderators also get hidden ones (marked)."""
    moderator = moderates(actor=actor, circle_id=post.circle_id)
    visible = Q(status=Status.PUBLISHED) if moderator else Q(status=Status.PUBLISHED, is_hidden=False)
    annotations = {
        "like_count": _count(Like.objects.filter(comment=OuterRef("pk")), "comment"),
        "liked_by_me": Exists(Like.objects.filter(comment=OuterRef("pk"), user_id=actor.pk))
        if actor.pk
        else Value(False, output_field=BooleanField()),
    }
    replies = (
        CaseComment.objects.filter(visible)
        .select_related("author__doctor_profile__hospital")
        .annotate(**annotations)
        .order_by("published_at", "id")
    )
    return list(
        CaseComment.objects.filter(visible, post=post, parent__isnull=True)
        .select_related("author__doctor_profile__hospital", "expert_marked_by")
        .annotate(**annotations)
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="visible_replies"))
        .order_by("-is_expert_answer", "published_at", "id")
    )


def comment_get_for(*, actor, comment_id: int) -> CaseComment:
    """A comment the actor may see: their own draft, or a published one on a case they may read."""
    comment = CaseComment.objects.select_related("post__circle", "parent").filter(pk=comment_id).first()
    if comment is None:
        raise NotFound("no such comment")
    if comment.author_id == actor.pk and not comment.is_published:
        return comment
    if not comment.is_published:
        raise NotFound("no such comment")
    post = post_get_for(actor=actor, post_id=comment.post_id)
    if comment.is_hidden and not moderates(actor=actor, circle_id=post.circle_id) and comment.author_id != actor.pk:
        raise NotFound("no such comment")
    return comment


def comment_drafts_for(*, actor, post) -> QuerySet[CaseComment]:
    return CaseComment.objects.filter(post=post, author_id=actor.pk, status=Status.DRAFT).order_by("-updated_at")


def drafts_for(*, actor) -> QuerySet[CasePost]:
    """The actor's unpublished cases (held by the guard or saved on purpose), newest first."""
    return CasePost.objects.filter(author_id=actor.pk, status=Status.DRAFT).select_related("circle").order_by("-updated_at")


def my_posts_for(*, actor) -> QuerySet[CasePost]:
    return _annotated_posts(CasePost.objects.filter(author_id=actor.pk, status=Status.PUBLISHED), actor=actor).order_by(
        "-published_at"
    )


def followed_posts_for(*, actor) -> QuerySet[CasePost]:
    """Cases the actor follows, or of circles they follow, that they may still read; newest first."""
    circle_ids = readable_circle_ids(actor=actor)
    followed = Follow.objects.filter(user_id=actor.pk)
    posts = _visible_posts().filter(
        Q(pk__in=followed.filter(post__isnull=False).values("post_id"))
        | Q(circle_id__in=followed.filter(circle__isnull=False).values("circle_id"))
    )
    if circle_ids is not None:
        posts = posts.filter(circle_id__in=circle_ids)
    return _annotated_posts(posts, actor=actor).order_by("-published_at")[:50]


def moderation_queue_for(*, actor, state: str = Report.State.OPEN) -> QuerySet[Report]:
    """Reports in the circles the actor moderates (all circles for platform moderators)."""
    circle_ids = moderated_circle_ids(actor=actor)
    reports = Report.objects.select_related("circle", "post", "comment__post", "reporter", "decided_by")
    if circle_ids is not None:
        reports = reports.filter(circle_id__in=circle_ids)
    if state in Report.State.values:
        reports = reports.filter(state=state)
    return reports.order_by("created_at" if state == Report.State.OPEN else "-decided_at")


def report_get_for(*, actor, report_id: int) -> Report:
    report = moderation_queue_for(actor=actor, state="").filter(pk=report_id).first()
    if report is None:
        raise NotFound("no such report")
    return report


def moderation_target_for(*, actor, post_id: int | None = None, comment_id: int | None = None):
    """(published case or comment, its circle, object type) when the actor moderates that circle, else NotFound."""
    if not (has_capability(actor, "circles.participate") or is_platform_moderator(actor)):
        raise NotFound("no such content")
    if comment_id is not None:
        target = CaseComment.objects.select_related("post__circle").filter(pk=comment_id, status=Status.PUBLISHED).first()
        circle, object_type = (target.post.circle if target else None), CASE_COMMENT
    else:
        target = CasePost.objects.select_related("circle").filter(pk=post_id, status=Status.PUBLISHED).first()
        circle, object_type = (target.circle if target else None), CASE_POST
    if target is None or not moderates(actor=actor, circle_id=circle.pk):
        raise NotFound("no such content")
    return target, circle, object_type
