"""HCP verification review (queue, detail, evidence, decision) and the audit-log page."""

import json
import mimetypes

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from platform_core import selectors
from platform_core.exceptions import Conflict, ValidationFailed
from platform_core.models import AuditEntry, VerificationRequest
from platform_core.permissions import CapabilityRequiredMixin
from platform_core.services.verification import verification_decide
from platform_core.web.common import NotFoundAs404Mixin, add_service_errors
from platform_core.web.forms import VerificationDecisionForm

PAGE_SIZE = 50


def with_readable_changes(entries) -> list[AuditEntry]:
    """Give each entry `before_text` / `after_text`: its JSON as people read it (Chinese unescaped)."""
    entries = list(entries)
    for entry in entries:
        for field in ("before", "after"):
            value = getattr(entry, field)
            text = "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
            setattr(entry, f"{field}_text", text)
    return entries


class VerificationQueueView(CapabilityRequiredMixin, TemplateView):
    required_capability = "verification.review"
    template_name = "platform_core/review/verification_queue.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", VerificationRequest.Status.PENDING)
        queue = selectors.verification_queue_for(actor=self.request.user)
        if status in VerificationRequest.Status.values:
            queue = queue.filter(status=status)
        else:
            status = ""
        page = Paginator(queue, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "status": status,
            "statuses": VerificationRequest.Status.choices,
        }


class VerificationDetailView(CapabilityRequiredMixin, NotFoundAs404Mixin, TemplateView):
    """The submitted data (the licence number is shown only here), the evidence, and the decision form."""

    required_capability = "verification.review"
    template_name = "platform_core/review/verification_detail.html"

    def get_context_data(self, **kwargs):
        request_id = self.kwargs["request_id"]
        item = selectors.verification_get_for(actor=self.request.user, request_id=request_id)
        form = kwargs.get("form") or VerificationDecisionForm()
        return {**super().get_context_data(**kwargs), "item": item, "form": form}

    def post(self, request, request_id: int):
        form = VerificationDecisionForm(request.POST)
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                decided = verification_decide(
                    reviewer=request.user, request_id=request_id, approve=approve, reason=form.cleaned_data["reason"]
                )
            except ValidationFailed as error:
                add_service_errors(form, error)
            except Conflict as error:
                messages.error(request, error.message)
                return redirect("verification_detail", request_id=request_id)
            else:
                if approve:
                    message = _("Approved: %(doctor)s is now a verified HCP.")
                else:
                    message = _("Rejected: %(doctor)s will see your reason.")
                messages.success(request, message % {"doctor": decided.doctor})
                return redirect("verification_queue")
        return self.render_to_response(self.get_context_data(form=form))


class VerificationEvidenceView(CapabilityRequiredMixin, NotFoundAs404Mixin, View):
    """Streams the evidence image to reviewers only, as an attachment that is never sniffed."""

    required_capability = "verification.review"

    def get(self, request, request_id: int):
        item = selectors.verification_get_for(actor=request.user, request_id=request_id)
        if not item.evidence:
            raise Http404
        try:
            handle = item.evidence.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        extension = item.evidence.name.rsplit(".", 1)[-1].lower()
        content_type = mimetypes.types_map.get(f".{extension}", "application/octet-stream")
        inline = request.GET.get("inline") == "1"
        response = FileResponse(
            handle, as_attachment=not inline, filename=f"evidence-{item.pk}.{extension}", content_type=content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class AuditLogView(CapabilityRequiredMixin, TemplateView):
    required_capability = "audit.view"
    template_name = "platform_core/review/audit_log.html"

    def get_context_data(self, **kwargs):
        entries = selectors.audit_entries_for(actor=self.request.user)
        action = self.request.GET.get("action", "").strip()
        if action:
            entries = entries.filter(action__startswith=action)
        page = Paginator(entries, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "entries": with_readable_changes(page.object_list),
            "action": action,
        }
