"""Case-circle pages. Thin: parse input, call one service or selector, render or redirect.

Anything the actor may not see answers 404 (selectors raise NotFound); a refused form is shown
again with what was typed and the reason next to the field.
"""

import mimetypes

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from academy.circles import selectors, services
from academy.circles.forms import CasePostForm, CommentForm, DismissForm, ModerationForm, ReportForm
from academy.circles.models import Report
from platform_core.exceptions import Conflict, NotFound, ValidationFailed
from platform_core.permissions import has_capability
from platform_core.web.common import NotFoundAs404Mixin, add_service_errors

PAGE_SIZE = 20


class CirclesMixin(LoginRequiredMixin, NotFoundAs404Mixin):
    """Logged in, and someone who may see circles at all (doctors and moderators); others get 404."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.can_browse(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def _back(request, fallback: str):
    """Where a POST button returns to: the page it was on (same site only), else `fallback`."""
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else fallback)


# --- Circles --------------------------------------------------------------------------------------


class CircleListView(CirclesMixin, TemplateView):
    template_name = "academy/circles/circle_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        tab = self.request.GET.get("tab", "")
        joined = selectors.circle_list_for(actor=user, tab="mine")
        if tab not in ("mine", "discover", "following"):
            tab = "mine" if joined.exists() else "discover"
        context = {
            **super().get_context_data(**kwargs),
            "tab": tab,
            "can_participate": has_capability(user, "circles.participate"),
            "moderated_ids": selectors.moderated_circle_ids(actor=user),
            "drafts": selectors.drafts_for(actor=user)[:5],
        }
        if tab == "following":
            context["posts"] = selectors.followed_posts_for(actor=user)
        else:
            context["circles"] = joined if tab == "mine" else selectors.circle_list_for(actor=user)
        return context


class CircleDetailView(CirclesMixin, TemplateView):
    template_name = "academy/circles/circle_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        circle = selectors.circle_get_for(actor=user, circle_id=self.kwargs["circle_id"])
        answered = self.request.GET.get("answered", "")
        can_read = selectors.can_read(actor=user, circle_id=circle.pk)
        posts = selectors.post_list_for(actor=user, circle_id=circle.pk, answered=answered) if can_read else None
        return {
            **super().get_context_data(**kwargs),
            "circle": circle,
            "membership": selectors.membership_of(actor=user, circle_id=circle.pk),
            "moderators": selectors.circle_moderators(circle_id=circle.pk),
            "can_read": can_read,
            "can_participate": has_capability(user, "circles.participate"),
            "is_moderator": selectors.moderates(actor=user, circle_id=circle.pk),
            "following": selectors.is_following_circle(actor=user, circle_id=circle.pk),
            "page": Paginator(posts, PAGE_SIZE).get_page(self.request.GET.get("page")) if posts is not None else None,
            "answered": answered,
        }


class CircleJoinView(CirclesMixin, View):
    def post(self, request, circle_id: int):
        services.circle_join(actor=request.user, circle_id=circle_id)
        messages.success(request, _("You joined the circle."))
        return redirect("academy:circles:circle", circle_id=circle_id)


class CircleLeaveView(CirclesMixin, View):
    def post(self, request, circle_id: int):
        services.circle_leave(actor=request.user, circle_id=circle_id)
        messages.success(request, _("You left the circle."))
        return redirect("academy:circles:circle", circle_id=circle_id)


class CircleFollowView(CirclesMixin, View):
    def post(self, request, circle_id: int):
        try:
            services.circle_follow_set(actor=request.user, circle_id=circle_id, following=request.POST.get("follow") == "1")
        except ValidationFailed as error:
            messages.error(request, error.message)
        return redirect("academy:circles:circle", circle_id=circle_id)


# --- Cases ----------------------------------------------------------------------------------------


def _post_form_outcome(request, result):
    """Where a saved case goes: to its page when published, else back to the draft with the reasons."""
    post = result.item
    if result.published:
        messages.success(request, _("Your case is published."))
        return redirect("academy:circles:post", post_id=post.pk)
    if result.findings:
        messages.warning(
            request,
            _("Saved as a draft: the case seems to contain patient identifiers. Fix them, then publish."),
        )
    elif result.missing:
        messages.warning(request, _("Saved as a draft: fill in the required fields, then publish."))
    else:
        messages.success(request, _("Draft saved."))
    return redirect("academy:circles:post_edit", post_id=post.pk)


class PostFormMixin(CirclesMixin):
    template_name = "academy/circles/post_form.html"

    def render_form(self, request, form, **context):
        return render(request, self.template_name, {"form": form, **context})

    def save(self, request, form, *, circle_id=None, post=None, context):
        if not form.is_valid():
            return self.render_form(request, form, **context)
        data = form.cleaned_data
        try:
            result = services.post_save(
                actor=request.user,
                circle_id=circle_id,
                post_id=post.pk if post else None,
                fields={name: data.get(name, "") for name in ("title", *CasePostForm.TEXT_FIELDS)},
                publish=request.POST.get("submit") == "publish",
                images=data.get("images") or [],
                images_confirmed=data.get("images_confirmed", False),
                remove_image_ids=data.get("remove_images") or [],
                mask_identifiers=data.get("mask_identifiers", False),
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
            return self.render_form(request, form, **context)
        except Conflict as error:
            messages.error(request, error.message)
            return redirect("academy:circles:post", post_id=post.pk)
        return _post_form_outcome(request, result)


class PostCreateView(PostFormMixin, View):
    def get(self, request, circle_id: int):
        circle = self._circle(request, circle_id)
        return self.render_form(request, CasePostForm(), circle=circle)

    def post(self, request, circle_id: int):
        circle = self._circle(request, circle_id)
        form = CasePostForm(request.POST, request.FILES)
        return self.save(request, form, circle_id=circle.pk, context={"circle": circle})

    def _circle(self, request, circle_id):
        if not has_capability(request.user, "circles.participate"):
            raise Http404
        circle = selectors.circle_get_for(actor=request.user, circle_id=circle_id)
        if selectors.membership_of(actor=request.user, circle_id=circle.pk) is None:
            raise Http404
        return circle


class PostEditView(PostFormMixin, View):
    """A draft case (held by the guard or saved on purpose), with the findings shown next to it."""

    def get(self, request, post_id: int):
        post = self._draft(request, post_id)
        initial = {
            "title": post.title,
            **{name: services.editable_text(getattr(post, name)) for name in CasePostForm.TEXT_FIELDS},
        }
        return self.render_form(request, CasePostForm(initial=initial, image_choices=self._choices(post)), **self._context(post))

    def post(self, request, post_id: int):
        post = self._draft(request, post_id)
        form = CasePostForm(request.POST, request.FILES, image_choices=self._choices(post))
        return self.save(request, form, post=post, context=self._context(post))

    def _draft(self, request, post_id):
        post = selectors.post_get_for(actor=request.user, post_id=post_id)
        if post.author_id != request.user.pk:
            raise Http404
        if post.is_published:
            raise Http404
        return post

    def _choices(self, post):
        return [(image.pk, image.pk) for image in selectors.post_images(post=post)]

    def _context(self, post):
        return {
            "circle": post.circle,
            "post": post,
            "images": selectors.post_images(post=post),
            "finding_messages": services.findings_messages(post.identifier_findings),
        }


class PostDiscardView(CirclesMixin, View):
    def post(self, request, post_id: int):
        try:
            services.post_draft_discard(actor=request.user, post_id=post_id)
        except Conflict as error:
            messages.error(request, error.message)
            return redirect("academy:circles:post_edit", post_id=post_id)
        messages.success(request, _("Draft discarded."))
        return redirect("academy:circles:index")


def post_page_context(request, post, *, comment_form=None, report_form=None) -> dict:
    user = request.user
    return {
        "post": post,
        "circle": post.circle,
        "images": selectors.post_images(post=post),
        "comments": selectors.comments_for(actor=user, post=post) if post.is_published else [],
        "comment_drafts": selectors.comment_drafts_for(actor=user, post=post),
        "comment_form": comment_form or CommentForm(),
        "report_form": report_form or ReportForm(),
        "moderation_form": ModerationForm(),
        "is_moderator": selectors.moderates(actor=user, circle_id=post.circle_id),
        "is_member": selectors.membership_of(actor=user, circle_id=post.circle_id) is not None,
        "can_participate": has_capability(user, "circles.participate"),
        "can_mark_expert": post.author_id == user.pk or selectors.moderates(actor=user, circle_id=post.circle_id),
        "fields": [(name, services.field_label(name), getattr(post, name)) for name in post.TEXT_FIELDS if getattr(post, name)],
    }


class PostDetailView(CirclesMixin, View):
    template_name = "academy/circles/post_detail.html"

    def get(self, request, post_id: int):
        post = selectors.post_get_for(actor=request.user, post_id=post_id)
        if not post.is_published:
            return redirect("academy:circles:post_edit", post_id=post.pk)
        services.post_viewed(actor=request.user, post=post)
        return render(request, self.template_name, post_page_context(request, post))


class PostLikeView(CirclesMixin, View):
    def post(self, request, post_id: int):
        try:
            liked = services.like_set(actor=request.user, post_id=post_id, liked=request.POST.get("like") == "1")
        except ValidationFailed as error:
            messages.error(request, error.message)
            return redirect("academy:circles:post", post_id=post_id)
        if request.htmx:
            post = selectors.post_get_for(actor=request.user, post_id=post_id)
            return render(request, "academy/circles/partials/post_actions.html", {"post": post, "liked": liked})
        return _back(request, reverse("academy:circles:post", kwargs={"post_id": post_id}))


class PostFollowView(CirclesMixin, View):
    def post(self, request, post_id: int):
        try:
            services.post_follow_set(actor=request.user, post_id=post_id, following=request.POST.get("follow") == "1")
        except ValidationFailed as error:
            messages.error(request, error.message)
            return redirect("academy:circles:post", post_id=post_id)
        if request.htmx:
            post = selectors.post_get_for(actor=request.user, post_id=post_id)
            return render(request, "academy/circles/partials/post_actions.html", {"post": post})
        return _back(request, reverse("academy:circles:post", kwargs={"post_id": post_id}))


class CaseImageView(CirclesMixin, View):
    """Streams a case image to its readers only: private storage, never sniffed, never cached by proxies."""

    def get(self, request, image_id: int):
        image = selectors.image_get_for(actor=request.user, image_id=image_id)
        try:
            handle = image.image.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        extension = image.image.name.rsplit(".", 1)[-1].lower()
        content_type = mimetypes.types_map.get(f".{extension}", "application/octet-stream")
        response = FileResponse(
            handle,
            as_attachment=request.GET.get("download") == "1",
            filename=f"case-image-{image.pk}.{extension}",
            content_type=content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


# --- Comments -------------------------------------------------------------------------------------


class CommentCreateView(CirclesMixin, View):
    def post(self, request, post_id: int):
        post = selectors.post_get_for(actor=request.user, post_id=post_id)
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                result = services.comment_save(
                    actor=request.user,
                    post_id=post.pk,
                    parent_id=form.cleaned_data.get("parent"),
                    body=form.cleaned_data["body"],
                    mask_identifiers=form.cleaned_data["mask_identifiers"],
                )
            except ValidationFailed as error:
                add_service_errors(form, error)
            else:
                if result.published:
                    messages.success(request, _("Comment published."))
                    return redirect(f"{reverse('academy:circles:post', kwargs={'post_id': post.pk})}#comment-{result.item.pk}")
                messages.warning(request, _("Saved as a draft: the comment seems to contain patient identifiers."))
                return redirect("academy:circles:comment_edit", comment_id=result.item.pk)
        return render(request, PostDetailView.template_name, post_page_context(request, post, comment_form=form), status=400)


class CommentEditView(CirclesMixin, View):
    template_name = "academy/circles/comment_form.html"

    def get(self, request, comment_id: int):
        comment = self._draft(request, comment_id)
        form = CommentForm(initial={"body": services.editable_text(comment.body)})
        return self._render(request, comment, form)

    def post(self, request, comment_id: int):
        comment = self._draft(request, comment_id)
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                result = services.comment_save(
                    actor=request.user,
                    comment_id=comment.pk,
                    body=form.cleaned_data["body"],
                    mask_identifiers=form.cleaned_data["mask_identifiers"],
                )
            except ValidationFailed as error:
                add_service_errors(form, error)
            else:
                if result.published:
                    messages.success(request, _("Comment published."))
                    return redirect(
                        f"{reverse('academy:circles:post', kwargs={'post_id': comment.post_id})}#comment-{comment.pk}"
                    )
                comment.refresh_from_db()
                messages.warning(request, _("Still saved as a draft: the comment seems to contain patient identifiers."))
        return self._render(request, comment, form)

    def _draft(self, request, comment_id):
        comment = selectors.comment_get_for(actor=request.user, comment_id=comment_id)
        if comment.author_id != request.user.pk or comment.is_published:
            raise Http404
        return comment

    def _render(self, request, comment, form):
        return render(
            request,
            self.template_name,
            {"comment": comment, "form": form, "finding_messages": services.findings_messages(comment.identifier_findings)},
        )


class CommentDiscardView(CirclesMixin, View):
    def post(self, request, comment_id: int):
        comment = selectors.comment_get_for(actor=request.user, comment_id=comment_id)
        try:
            services.comment_draft_discard(actor=request.user, comment_id=comment_id)
        except Conflict as error:
            messages.error(request, error.message)
            return redirect("academy:circles:comment_edit", comment_id=comment_id)
        messages.success(request, _("Draft discarded."))
        return redirect("academy:circles:post", post_id=comment.post_id)


class CommentLikeView(CirclesMixin, View):
    def post(self, request, comment_id: int):
        comment = selectors.comment_get_for(actor=request.user, comment_id=comment_id)
        try:
            services.like_set(actor=request.user, comment_id=comment_id, liked=request.POST.get("like") == "1")
        except ValidationFailed as error:
            messages.error(request, error.message)
        return redirect(f"{reverse('academy:circles:post', kwargs={'post_id': comment.post_id})}#comment-{comment.pk}")


class CommentExpertView(CirclesMixin, View):
    def post(self, request, comment_id: int):
        comment = selectors.comment_get_for(actor=request.user, comment_id=comment_id)
        try:
            services.comment_expert_answer_set(actor=request.user, comment_id=comment_id, marked=request.POST.get("mark") == "1")
        except ValidationFailed as error:
            messages.error(request, error.message)
        return redirect(f"{reverse('academy:circles:post', kwargs={'post_id': comment.post_id})}#comment-{comment.pk}")


# --- Reports and moderation -----------------------------------------------------------------------


class ReportView(CirclesMixin, View):
    """POST a report of a case (`post_id`) or a comment (`comment_id`)."""

    def post(self, request, post_id: int | None = None, comment_id: int | None = None):
        if comment_id is not None:
            post_id = selectors.comment_get_for(actor=request.user, comment_id=comment_id).post_id
        else:
            selectors.post_get_for(actor=request.user, post_id=post_id)
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                services.report_file(
                    actor=request.user,
                    post_id=post_id if comment_id is None else None,
                    comment_id=comment_id,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except ValidationFailed as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Thank you. The circle's moderators will review your report."))
        else:
            messages.error(request, _("Choose a reason for the report."))
        return redirect("academy:circles:post", post_id=post_id)


class ModerateView(CirclesMixin, View):
    """POST hide/restore (with a reason) for a case (`post_id`) or a comment (`comment_id`)."""

    def post(self, request, post_id: int | None = None, comment_id: int | None = None):
        form = ModerationForm(request.POST)
        if not form.is_valid():
            # Look the target up first: a missing or foreign id answers 404 whatever the body.
            selectors.moderation_target_for(actor=request.user, post_id=post_id, comment_id=comment_id)
            messages.error(request, _("A reason is required for every moderation decision."))
            return _back(request, reverse("academy:circles:moderation"))
        try:
            services.content_visibility_set(
                actor=request.user,
                post_id=post_id,
                comment_id=comment_id,
                hidden=form.cleaned_data["action"] == "hide",
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Hidden. The content is kept and can be restored.")
                if form.cleaned_data["action"] == "hide"
                else _("Restored."),
            )
        return _back(request, reverse("academy:circles:moderation"))


class ModerationQueueView(CirclesMixin, TemplateView):
    template_name = "academy/circles/moderation_queue.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        circle_ids = selectors.moderated_circle_ids(actor=user)
        if circle_ids is not None and not circle_ids:
            raise NotFound("not a moderator")
        state = self.request.GET.get("state", Report.State.OPEN)
        if state not in Report.State.values:
            state = Report.State.OPEN
        reports = selectors.moderation_queue_for(actor=user, state=state)
        return {
            **super().get_context_data(**kwargs),
            "page": Paginator(reports, PAGE_SIZE).get_page(self.request.GET.get("page")),
            "state": state,
            "states": Report.State.choices,
            "moderation_form": ModerationForm(),
            "dismiss_form": DismissForm(),
        }


class ReportDismissView(CirclesMixin, View):
    def post(self, request, report_id: int):
        selectors.report_get_for(actor=request.user, report_id=report_id)
        form = DismissForm(request.POST)
        if form.is_valid():
            try:
                services.report_dismiss(actor=request.user, report_id=report_id, reason=form.cleaned_data["reason"])
            except (ValidationFailed, Conflict) as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Report dismissed."))
        else:
            messages.error(request, _("A reason is required for every moderation decision."))
        return redirect("academy:circles:moderation")


class MyCasesView(CirclesMixin, TemplateView):
    template_name = "academy/circles/my_cases.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "drafts": selectors.drafts_for(actor=user),
            "posts": selectors.my_posts_for(actor=user)[:50],
        }
