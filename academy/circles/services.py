"""Writes of case circles. Each service checks who may act, runs in one transaction, and writes its
audit entry (platform_core.services.audit) and interaction event (academy.circles.events) there.

Free text goes through three steps before it is stored: sanitised to safe HTML (nh3), checked by the
de-identification guard (a text holding identifiers is kept as its author's draft, never published)
and screened for adverse events (every save, drafts included: the platform has received the text).
"""

import html
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks, strip_tags
from django.utils.translation import gettext as _

from academy.circles import deidentify, selectors
from academy.circles.events import CASE_COMMENT, CASE_POST, CIRCLE, circle_event
from academy.circles.models import CaseComment, CaseImage, CasePost, Circle, Follow, Like, Membership, Report, Status
from platform_core.exceptions import Conflict, NotFound, ValidationFailed
from platform_core.models import AdverseEventReport
from platform_core.permissions import has_capability
from platform_core.sanitize import sanitize_html
from platform_core.services.adverse_events import ae_screen_text, ae_source_guard_delete
from platform_core.services.audit import audit_record
from platform_core.uploads import clean_image_upload

MAX_IMAGES_PER_POST = 6
REQUIRED_TO_PUBLISH = ("chief_complaint", "history", "question")
POST_SOURCE = "circles.casepost"
COMMENT_SOURCE = "circles.casecomment"
REPORT_SOURCE = "circles.report"
_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


# --- Text helpers ---------------------------------------------------------------------------------


def rich_text(value: str) -> str:
    """What a doctor typed → safe HTML: plain text becomes paragraphs, HTML is sanitised."""
    value = (value or "").strip()
    if not value:
        return ""
    if not _TAG.search(value):
        value = linebreaks(escape(value))
    return sanitize_html(value)


def plain_text(value: str) -> str:
    """Stored HTML → the text a reader sees (for the guard, AE screening and editing)."""
    value = re.sub(r"(?i)<br\s*/?>", "\n", value or "")
    value = re.sub(r"(?i)</p>\s*", "\n\n", value)
    return html.unescape(strip_tags(value)).strip()


def editable_text(value: str) -> str:
    """Stored HTML as the edit form shows it: plain text when only paragraphs and breaks were used."""
    tags = {tag.lower() for tag in re.findall(r"</?\s*([a-zA-Z0-9]+)", value or "")}
    return plain_text(value) if tags <= {"p", "br"} else (value or "")


def _findings(texts: dict[str, str]) -> list[dict]:
    """Guard findings per field, on the text a reader would see (so markup cannot split an identifier)."""
    return [
        finding.as_dict(field=name)
        for name, text in texts.items()
        for finding in deidentify.find_identifiers(plain_text(rich_text(text)))
    ]


def field_label(name: str) -> str:
    if name == "title":
        return str(CasePost._meta.get_field("title").verbose_name)
    if name == "body":
        return str(CaseComment._meta.get_field("body").verbose_name)
    return str(CasePost._meta.get_field(name).verbose_name)


# --- Circles and membership -----------------------------------------------------------------------


def circle_create(
    *,
    actor,
    slug: str,
    name: str,
    description: str = "",
    kind: str = Circle.Kind.SPECIALTY,
    department: str = "",
    therapeutic_area=None,
    sponsor=None,
) -> Circle:
    """Create a circle (platform moderators only); audited."""
    if not selectors.is_platform_moderator(actor):
        raise NotFound("no such circle")
    with transaction.atomic():
        circle = Circle.objects.create(
            slug=slug,
            name=name,
            description=description,
            kind=kind,
            department=department,
            therapeutic_area=therapeutic_area,
            sponsor=sponsor,
        )
        audit_record(
            actor=actor,
            action="circles.circle.created",
            target=circle,
            after={"name": name, "slug": slug, "sponsor_id": circle.sponsor_id},
        )
    return circle


def circle_moderator_appoint(*, actor, circle_id: int, user, reason: str) -> Membership:
    """Make a verified doctor a moderator of one circle (platform moderators only); audited with a reason."""
    if not selectors.is_platform_moderator(actor):
        raise NotFound("no such circle")
    if not has_capability(user, "circles.participate"):
        raise ValidationFailed(_("Only verified doctors can moderate a circle."), details={"user": "not_verified"})
    if not reason.strip():
        raise ValidationFailed(_("A reason is required."), details={"reason": "required"})
    with transaction.atomic():
        circle = Circle.objects.filter(pk=circle_id).first()
        if circle is None:
            raise NotFound("no such circle")
        membership, _created = Membership.objects.get_or_create(circle=circle, user=user)
        before = {"role": membership.role if not _created else None}
        membership.role = Membership.Role.MODERATOR
        membership.save(update_fields=["role"])
        audit_record(
            actor=actor,
            action="circles.moderator.appointed",
            target=membership,
            sponsor_id=circle.sponsor_id,
            before=before,
            after={"role": membership.role, "user_id": user.pk, "circle_id": circle.pk},
            reason=reason,
        )
    return membership


def _participant(actor) -> None:
    if not has_capability(actor, "circles.participate"):
        raise NotFound("no such circle")


def circle_join(*, actor, circle_id: int) -> Membership:
    """Join a circle (verified HCPs only). Idempotent: joining twice records one membership and one event."""
    _participant(actor)
    circle = selectors.circle_get_for(actor=actor, circle_id=circle_id)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(circle=circle, user=actor)
        if created:
            audit_record(actor=actor, action="circles.membership.joined", target=membership, sponsor_id=circle.sponsor_id)
            circle_event(actor=actor, verb="circle.joined", object_type=CIRCLE, object_id=circle.pk, circle=circle)
    return membership


def circle_leave(*, actor, circle_id: int) -> None:
    """Leave a circle (a moderator's role ends with it); the person's posts stay. Idempotent."""
    circle = selectors.circle_get_for(actor=actor, circle_id=circle_id)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(circle=circle, user=actor).first()
        if membership is None:
            return
        audit_record(
            actor=actor,
            action="circles.membership.left",
            target=membership,
            sponsor_id=circle.sponsor_id,
            before={"role": membership.role},
        )
        membership.delete()
        Follow.objects.filter(user=actor, circle=circle).delete()
        circle_event(actor=actor, verb="circle.left", object_type=CIRCLE, object_id=circle.pk, circle=circle)


def circle_follow_set(*, actor, circle_id: int, following: bool) -> bool:
    """Follow or unfollow a circle the actor belongs to. Idempotent; returns the new state."""
    _participant(actor)
    circle = selectors.circle_get_for(actor=actor, circle_id=circle_id)
    if selectors.membership_of(actor=actor, circle_id=circle.pk) is None:
        raise ValidationFailed(_("Join the circle to follow it."), details={"circle": "not_member"})
    with transaction.atomic():
        if following:
            _follow, changed = Follow.objects.get_or_create(user=actor, circle=circle)
        else:
            changed = Follow.objects.filter(user=actor, circle=circle).delete()[0] > 0
        if changed:
            verb = "circle.followed" if following else "circle.unfollowed"
            circle_event(actor=actor, verb=verb, object_type=CIRCLE, object_id=circle.pk, circle=circle)
    return following


# --- Cases ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    """What happened to a submitted case or comment: published, or kept as a draft and why."""

    item: CasePost | CaseComment
    published: bool
    findings: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def findings_messages(findings: list[dict]) -> list[str]:
    """One sentence per finding, for the author."""
    kinds = {
        deidentify.RESIDENT_ID: _("a resident ID number"),
        deidentify.MOBILE: _("a mobile number"),
        deidentify.RECORD_NUMBER: _("a hospitalisation, outpatient or record number"),
        deidentify.PATIENT_NAME: _("a patient's name"),
    }
    return [
        _("%(field)s contains %(kind)s (%(preview)s): remove or mask it (e.g. 张某某).")
        % {"field": field_label(item["field"]), "kind": kinds.get(item["kind"], item["kind"]), "preview": item["preview"]}
        for item in findings
    ]


def _clean_images(images) -> list:
    cleaned = []
    for upload in images:
        try:
            cleaned.append(clean_image_upload(upload, field="images"))
        except ValidationFailed as error:
            raise ValidationFailed(
                _("%(name)s: %(problem)s") % {"name": getattr(upload, "name", "image"), "problem": error.message},
                details={
                    "images": _("%(name)s: %(problem)s") % {"name": getattr(upload, "name", "image"), "problem": error.message}
                },
            ) from None
    return cleaned


def _screen_post(*, actor, post: CasePost) -> None:
    parts = [f"{field_label('title')}: {post.title}"]
    parts += [f"{field_label(name)}: {plain_text(getattr(post, name))}" for name in CasePost.TEXT_FIELDS if getattr(post, name)]
    ae_screen_text(
        text="\n".join(parts),
        reporter=actor,
        source_type=POST_SOURCE,
        source_id=post.pk,
        context={"circle_id": post.circle_id, "circle_sponsor_id": post.circle.sponsor_id, "status": post.status},
    )


def post_save(
    *,
    actor,
    fields: dict[str, str],
    publish: bool,
    circle_id: int | None = None,
    post_id: int | None = None,
    images=(),
    images_confirmed: bool = False,
    remove_image_ids=(),
    mask_identifiers: bool = False,
) -> SaveResult:
    """Create or update a draft case, then publish it if asked and clean.

    Always saves what was typed (as a draft) unless an upload is refused; publishes only when the
    guard finds no identifier and the required fields are filled. Precondition for a new case:
    the actor is a verified HCP and a member of the circle. Only drafts can be edited.
    """
    _participant(actor)
    fields = {name: (fields.get(name) or "") for name in ("title", *CasePost.TEXT_FIELDS)}
    if not fields["title"].strip():
        raise ValidationFailed(_("Give the case a title."), details={"title": "required"})
    if mask_identifiers:
        fields = {name: deidentify.mask_identifiers(value) for name, value in fields.items()}
    if post_id is not None:
        post = selectors.post_get_for(actor=actor, post_id=post_id)
        if post.author_id != actor.pk:
            raise NotFound("no such case")
        if post.is_published:
            raise Conflict(_("A published case cannot be edited; add a comment with the update instead."))
        circle = post.circle
    else:
        circle = selectors.circle_get_for(actor=actor, circle_id=circle_id)
        post = CasePost(circle=circle, author=actor)
    if selectors.membership_of(actor=actor, circle_id=circle.pk) is None:
        raise ValidationFailed(_("Join the circle to post a case in it."), details={"circle": "not_member"})
    kept_images = post.images.exclude(pk__in=list(remove_image_ids)).count() if post.pk else 0
    if images and kept_images + len(images) > MAX_IMAGES_PER_POST:
        raise ValidationFailed(
            _("A case can have at most %(count)d images.") % {"count": MAX_IMAGES_PER_POST},
            details={"images": _("A case can have at most %(count)d images.") % {"count": MAX_IMAGES_PER_POST}},
        )
    if images and not images_confirmed:
        raise ValidationFailed(
            _("Confirm that the images show no patient name, ID number, face or other identifier."),
            details={"images_confirmed": "required"},
        )
    cleaned_images = _clean_images(images)

    findings = _findings({"title": fields["title"], **{name: fields[name] for name in CasePost.TEXT_FIELDS}})
    missing = [name for name in REQUIRED_TO_PUBLISH if not plain_text(rich_text(fields[name]))]
    will_publish = publish and not findings and not missing
    with transaction.atomic():
        post.title = fields["title"].strip()[:120]
        for name in CasePost.TEXT_FIELDS:
            setattr(post, name, rich_text(fields[name]))
        post.identifier_findings = findings
        post.status = Status.PUBLISHED if will_publish else Status.DRAFT
        post.published_at = timezone.now() if will_publish else None
        post.save()
        removed = list(post.images.filter(pk__in=list(remove_image_ids)))
        for image in removed:
            image.delete()
        for content in cleaned_images:
            CaseImage.objects.create(post=post, image=content)
        _screen_post(actor=actor, post=post)
        if will_publish:
            audit_record(
                actor=actor,
                action="circles.post.published",
                target=post,
                sponsor_id=circle.sponsor_id,
                after={"circle_id": circle.pk, "title": post.title, "images": post.images.count()},
            )
            circle_event(actor=actor, verb="case.posted", object_type=CASE_POST, object_id=post.pk, circle=circle)
        else:
            if findings:
                audit_record(
                    actor=actor,
                    action="circles.post.held_for_identifiers",
                    target=post,
                    sponsor_id=circle.sponsor_id,
                    after={
                        "kinds": sorted({item["kind"] for item in findings}),
                        "fields": sorted({item["field"] for item in findings}),
                    },
                )
            circle_event(
                actor=actor,
                verb="case.draft_saved",
                object_type=CASE_POST,
                object_id=post.pk,
                circle=circle,
                context={"held_for_identifiers": bool(findings)},
            )
        transaction.on_commit(lambda: [image.image.storage.delete(image.image.name) for image in removed])
    return SaveResult(item=post, published=will_publish, findings=findings, missing=missing if publish else [])


def post_draft_discard(*, actor, post_id: int) -> None:
    """Delete one's own draft and its images; refused when the text holds a suspected adverse event."""
    post = selectors.post_get_for(actor=actor, post_id=post_id)
    if post.author_id != actor.pk or post.is_published:
        raise NotFound("no such draft")
    ae_source_guard_delete(source_type=POST_SOURCE, source_id=post.pk)
    with transaction.atomic():
        images = list(post.images.all())
        names = [image.image.name for image in images]
        storage = images[0].image.storage if images else None
        for image in images:
            image.delete()
        audit_record(
            actor=actor,
            action="circles.post.draft_discarded",
            target=post,
            sponsor_id=post.circle.sponsor_id,
            before={"title": post.title},
        )
        post.delete()
        if storage is not None:
            transaction.on_commit(lambda: [storage.delete(name) for name in names])


# --- Comments -------------------------------------------------------------------------------------


def _screen_comment(*, actor, comment: CaseComment) -> None:
    ae_screen_text(
        text=plain_text(comment.body),
        reporter=actor,
        source_type=COMMENT_SOURCE,
        source_id=comment.pk,
        context={
            "post_id": comment.post_id,
            "circle_id": comment.post.circle_id,
            "circle_sponsor_id": comment.post.circle.sponsor_id,
            "status": comment.status,
        },
    )


def comment_save(
    *,
    actor,
    body: str,
    post_id: int | None = None,
    parent_id: int | None = None,
    comment_id: int | None = None,
    mask_identifiers: bool = False,
) -> SaveResult:
    """Publish a comment or reply, or keep it as the author's draft when it holds patient identifiers.

    A reply to a reply attaches to the top-level comment (threads are one level deep). Editing is for
    drafts only (`comment_id`). Preconditions: verified HCP, member of the circle, case visible.
    """
    _participant(actor)
    if mask_identifiers:
        body = deidentify.mask_identifiers(body or "")
    if not plain_text(rich_text(body)):
        raise ValidationFailed(_("Write a comment first."), details={"body": "required"})
    if comment_id is not None:
        comment = selectors.comment_get_for(actor=actor, comment_id=comment_id)
        if comment.author_id != actor.pk or comment.is_published:
            raise NotFound("no such draft")
        post = selectors.post_get_for(actor=actor, post_id=comment.post_id)
        parent = comment.parent
    else:
        post = selectors.post_get_for(actor=actor, post_id=post_id)
        parent = None
        if parent_id:
            parent = CaseComment.objects.filter(pk=parent_id, post=post, status=Status.PUBLISHED, is_hidden=False).first()
            if parent is None:
                raise ValidationFailed(_("The comment you replied to is no longer available."), details={"parent": "invalid"})
            parent = parent.parent or parent
        comment = CaseComment(post=post, parent=parent, author=actor)
    if not post.is_visible:
        raise ValidationFailed(_("This case is not open for comments."), details={"post": "closed"})
    if selectors.membership_of(actor=actor, circle_id=post.circle_id) is None:
        raise ValidationFailed(_("Join the circle to comment."), details={"circle": "not_member"})

    findings = _findings({"body": body})
    with transaction.atomic():
        comment.body = rich_text(body)
        comment.identifier_findings = findings
        comment.status = Status.DRAFT if findings else Status.PUBLISHED
        comment.published_at = None if findings else timezone.now()
        comment.save()
        _screen_comment(actor=actor, comment=comment)
        if findings:
            audit_record(
                actor=actor,
                action="circles.comment.held_for_identifiers",
                target=comment,
                sponsor_id=post.circle.sponsor_id,
                after={"kinds": sorted({item["kind"] for item in findings}), "post_id": post.pk},
            )
        else:
            audit_record(
                actor=actor,
                action="circles.comment.published",
                target=comment,
                sponsor_id=post.circle.sponsor_id,
                after={"post_id": post.pk, "parent_id": comment.parent_id},
            )
            circle_event(
                actor=actor,
                verb="case.commented",
                object_type=CASE_COMMENT,
                object_id=comment.pk,
                circle=post.circle,
                context={"post_id": post.pk, "parent_id": comment.parent_id},
            )
    return SaveResult(item=comment, published=not findings, findings=findings)


def comment_draft_discard(*, actor, comment_id: int) -> None:
    """Delete one's own draft comment; refused when it holds a suspected adverse event."""
    comment = selectors.comment_get_for(actor=actor, comment_id=comment_id)
    if comment.author_id != actor.pk or comment.is_published:
        raise NotFound("no such draft")
    ae_source_guard_delete(source_type=COMMENT_SOURCE, source_id=comment.pk)
    with transaction.atomic():
        audit_record(
            actor=actor, action="circles.comment.draft_discarded", target=comment, sponsor_id=comment.post.circle.sponsor_id
        )
        comment.delete()


def comment_expert_answer_set(*, actor, comment_id: int, marked: bool) -> CaseComment:
    """Mark (or unmark) the expert answer of a case: the case author or a moderator of its circle.

    One expert answer per case: marking another moves the mark. Idempotent.
    """
    _participant_or_moderator(actor)
    comment = selectors.comment_get_for(actor=actor, comment_id=comment_id)
    post = comment.post
    if not (post.author_id == actor.pk or selectors.moderates(actor=actor, circle_id=post.circle_id)):
        raise NotFound("no such comment")
    if not comment.is_visible or not post.is_visible:
        raise ValidationFailed(_("Only a visible comment can be the expert answer."), details={"comment": "hidden"})
    if marked and comment.author_id == actor.pk:
        raise ValidationFailed(_("You cannot mark your own comment as the expert answer."), details={"comment": "own"})
    with transaction.atomic():
        CasePost.objects.select_for_update().filter(pk=post.pk).first()
        current = CaseComment.objects.filter(post=post, is_expert_answer=True).first()
        if marked and current is not None and current.pk == comment.pk:
            return comment
        if not marked and not comment.is_expert_answer:
            return comment
        if current is not None:
            current.is_expert_answer = False
            current.expert_marked_by = None
            current.expert_marked_at = None
            current.save(update_fields=["is_expert_answer", "expert_marked_by", "expert_marked_at"])
        if marked:
            comment.is_expert_answer = True
            comment.expert_marked_by = actor
            comment.expert_marked_at = timezone.now()
            comment.save(update_fields=["is_expert_answer", "expert_marked_by", "expert_marked_at"])
        audit_record(
            actor=actor,
            action="circles.expert_answer.marked" if marked else "circles.expert_answer.unmarked",
            target=comment,
            sponsor_id=post.circle.sponsor_id,
            before={"expert_comment_id": current.pk if current else None},
            after={"expert_comment_id": comment.pk if marked else None},
        )
        verb = "case.expert_answer_marked" if marked else "case.expert_answer_unmarked"
        circle_event(
            actor=actor,
            verb=verb,
            object_type=CASE_COMMENT,
            object_id=comment.pk,
            circle=post.circle,
            context={"post_id": post.pk},
        )
    comment.is_expert_answer = marked
    return comment


def _participant_or_moderator(actor) -> None:
    if not (has_capability(actor, "circles.participate") or selectors.is_platform_moderator(actor)):
        raise NotFound("no such comment")


# --- Likes and follows ----------------------------------------------------------------------------


def like_set(*, actor, liked: bool, post_id: int | None = None, comment_id: int | None = None) -> bool:
    """Like or unlike a visible case or comment (members only). Idempotent; returns the new state."""
    _participant(actor)
    if comment_id is not None:
        target = selectors.comment_get_for(actor=actor, comment_id=comment_id)
        post, object_type, lookup = target.post, CASE_COMMENT, {"comment": target}
    else:
        target = post = selectors.post_get_for(actor=actor, post_id=post_id)
        object_type, lookup = CASE_POST, {"post": target}
    if not target.is_visible or not post.is_visible:
        raise ValidationFailed(_("This content is not available."), details={"target": "hidden"})
    if selectors.membership_of(actor=actor, circle_id=post.circle_id) is None:
        raise ValidationFailed(_("Join the circle first."), details={"circle": "not_member"})
    with transaction.atomic():
        if liked:
            try:
                with transaction.atomic():
                    _like, changed = Like.objects.get_or_create(user=actor, **lookup)
            except IntegrityError:  # a concurrent double click
                changed = False
        else:
            changed = Like.objects.filter(user=actor, **lookup).delete()[0] > 0
        if changed:
            verb = "case.liked" if liked else "case.unliked"
            circle_event(
                actor=actor,
                verb=verb,
                object_type=object_type,
                object_id=target.pk,
                circle=post.circle,
                context={"post_id": post.pk},
            )
    return liked


def post_follow_set(*, actor, post_id: int, following: bool) -> bool:
    """Follow or unfollow a case (members only). Idempotent; returns the new state."""
    _participant(actor)
    post = selectors.post_get_for(actor=actor, post_id=post_id)
    if not post.is_visible:
        raise ValidationFailed(_("This content is not available."), details={"target": "hidden"})
    with transaction.atomic():
        if following:
            try:
                with transaction.atomic():
                    _follow, changed = Follow.objects.get_or_create(user=actor, post=post)
            except IntegrityError:
                changed = False
        else:
            changed = Follow.objects.filter(user=actor, post=post).delete()[0] > 0
        if changed:
            verb = "case.followed" if following else "case.unfollowed"
            circle_event(actor=actor, verb=verb, object_type=CASE_POST, object_id=post.pk, circle=post.circle)
    return following


def post_viewed(*, actor, post: CasePost) -> None:
    """Record that a published case was shown to a reader (drafts and authors' previews are not views)."""
    if post.is_published:
        circle_event(actor=actor, verb="case.viewed", object_type=CASE_POST, object_id=post.pk, circle=post.circle)


# --- Reports and moderation -----------------------------------------------------------------------


def report_file(*, actor, reason: str, note: str = "", post_id: int | None = None, comment_id: int | None = None) -> Report:
    """A member reports a case or comment to the circle's moderators. One open report per person and item."""
    _participant(actor)
    if reason not in Report.Reason.values:
        raise ValidationFailed(_("Choose a reason."), details={"reason": "required"})
    if comment_id is not None:
        comment = selectors.comment_get_for(actor=actor, comment_id=comment_id)
        post, target, object_type = comment.post, comment, CASE_COMMENT
    else:
        comment, target, object_type = None, selectors.post_get_for(actor=actor, post_id=post_id), CASE_POST
        post = target
    if not target.is_published:
        raise NotFound("no such content")
    lookup = {"comment": comment} if comment else {"post": post}
    with transaction.atomic():
        existing = Report.objects.filter(reporter=actor, state=Report.State.OPEN, **lookup).first()
        if existing is not None:
            return existing
        report = Report.objects.create(
            circle_id=post.circle_id, reporter=actor, reason=reason, note=note.strip()[:2000], **lookup
        )
        if report.note:
            ae_screen_text(
                text=report.note,
                reporter=actor,
                source_type=REPORT_SOURCE,
                source_id=report.pk,
                context={"circle_id": post.circle_id, "target": f"{object_type}:{target.pk}"},
            )
        audit_record(
            actor=actor,
            action="circles.report.filed",
            target=report,
            sponsor_id=post.circle.sponsor_id,
            after={"target": f"{object_type}:{target.pk}", "reason": reason},
        )
        circle_event(
            actor=actor,
            verb="case.reported",
            object_type=object_type,
            object_id=target.pk,
            circle=post.circle,
            context={"reason": reason},
        )
    return report


def content_visibility_set(
    *, actor, hidden: bool, reason: str, post_id: int | None = None, comment_id: int | None = None
) -> None:
    """Hide or restore a case or comment (moderators of its circle; never deleted); reason required, audited.

    Hiding closes the open reports on it as actioned and marks its adverse-event reports as hidden at source.
    """
    target, circle, object_type = selectors.moderation_target_for(actor=actor, post_id=post_id, comment_id=comment_id)
    source = COMMENT_SOURCE if object_type == CASE_COMMENT else POST_SOURCE
    if not reason.strip():
        raise ValidationFailed(_("A reason is required for every moderation decision."), details={"reason": "required"})
    with transaction.atomic():
        target = type(target).objects.select_for_update().get(pk=target.pk)
        if target.is_hidden == hidden:
            return
        before = {"is_hidden": target.is_hidden}
        target.is_hidden = hidden
        target.hidden_reason = reason.strip() if hidden else ""
        target.hidden_at = timezone.now() if hidden else None
        target.hidden_by = actor if hidden else None
        update = ["is_hidden", "hidden_reason", "hidden_at", "hidden_by"]
        if hidden and isinstance(target, CaseComment) and target.is_expert_answer:
            target.is_expert_answer = False
            update.append("is_expert_answer")
        target.save(update_fields=update)
        AdverseEventReport.objects.filter(source_type=source, source_id=str(target.pk)).update(source_hidden=hidden)
        lookup = {"comment": target} if object_type == CASE_COMMENT else {"post": target}
        if hidden:
            Report.objects.filter(state=Report.State.OPEN, **lookup).update(
                state=Report.State.ACTIONED, decided_by=actor, decided_at=timezone.now(), decision_reason=reason.strip()
            )
        action = f"circles.{'post' if object_type == CASE_POST else 'comment'}.{'hidden' if hidden else 'restored'}"
        audit_record(
            actor=actor,
            action=action,
            target=target,
            sponsor_id=circle.sponsor_id,
            before=before,
            after={"is_hidden": hidden},
            reason=reason.strip(),
        )
        circle_event(
            actor=actor,
            verb="case.moderated",
            object_type=object_type,
            object_id=target.pk,
            circle=circle,
            context={"action": "hidden" if hidden else "restored"},
        )


def report_dismiss(*, actor, report_id: int, reason: str) -> Report:
    """Close an open report without acting on the content (moderators of its circle); reason required, audited."""
    if not (has_capability(actor, "circles.participate") or selectors.is_platform_moderator(actor)):
        raise NotFound("no such report")
    report = selectors.report_get_for(actor=actor, report_id=report_id)
    if not reason.strip():
        raise ValidationFailed(_("A reason is required for every moderation decision."), details={"reason": "required"})
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("circle").get(pk=report.pk)
        if report.state != Report.State.OPEN:
            raise Conflict(_("This report has already been decided."))
        report.state = Report.State.DISMISSED
        report.decided_by = actor
        report.decided_at = timezone.now()
        report.decision_reason = reason.strip()
        report.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
        audit_record(
            actor=actor,
            action="circles.report.dismissed",
            target=report,
            sponsor_id=report.circle.sponsor_id,
            before={"state": Report.State.OPEN},
            after={"state": Report.State.DISMISSED},
            reason=reason.strip(),
        )
        object_type, object_id = (CASE_COMMENT, report.comment_id) if report.comment_id else (CASE_POST, report.post_id)
        circle_event(
            actor=actor,
            verb="case.moderated",
            object_type=object_type,
            object_id=object_id,
            circle=report.circle,
            context={"action": "report_dismissed", "report_id": report.pk},
        )
    return report
