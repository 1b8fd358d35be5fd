"""Pharmacovigilance: the adverse-event queue with its forwarding clock, triage and forwarding."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from platform_core import selectors
from platform_core.exceptions import Conflict, ValidationFailed
from platform_core.models import AdverseEventReport
from platform_core.permissions import CapabilityRequiredMixin
from platform_core.services.adverse_events import ae_forward, ae_triage
from platform_core.web.common import NotFoundAs404Mixin, add_service_errors
from platform_core.web.forms import AdverseEventForwardForm, AdverseEventTriageForm

PAGE_SIZE = 50
OPEN_STATUSES = (AdverseEventReport.Status.NEW, AdverseEventReport.Status.CONFIRMED)


class AdverseEventQueueView(CapabilityRequiredMixin, TemplateView):
    required_capability = "pv.triage"
    template_name = "platform_core/pv/queue.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "open")
        queue = selectors.ae_queue_for(actor=self.request.user)
        if status == "open":
            queue = queue.filter(status__in=OPEN_STATUSES).order_by("forward_due_at")
        elif status in AdverseEventReport.Status.values:
            queue = queue.filter(status=status)
        else:
            status = "all"
        page = Paginator(queue, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "status": status,
            "statuses": AdverseEventReport.Status.choices,
            "now": timezone.now(),
        }


class AdverseEventDetailView(CapabilityRequiredMixin, NotFoundAs404Mixin, TemplateView):
    """Verbatim text, context and clock; POST `step=triage` or `step=forward`."""

    required_capability = "pv.triage"
    template_name = "platform_core/pv/detail.html"

    def get_context_data(self, **kwargs):
        report = selectors.ae_get_for(actor=self.request.user, report_id=self.kwargs["report_id"])
        triage_form = kwargs.get("triage_form") or AdverseEventTriageForm(
            initial={
                "seriousness": report.seriousness,
                "suspect_product": str(report.product) if report.product_id else "",
                "reporter_description": str(report.reporter) if report.reporter_id else "",
            }
        )
        return {
            **super().get_context_data(**kwargs),
            "report": report,
            "now": timezone.now(),
            "overdue": report.status in OPEN_STATUSES and report.forward_due_at < timezone.now(),
            "triage_form": triage_form,
            "forward_form": kwargs.get("forward_form") or AdverseEventForwardForm(),
        }

    def post(self, request, report_id: int):
        if request.POST.get("step") == "forward":
            return self._forward(request, report_id)
        form = AdverseEventTriageForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ae_triage(
                    officer=request.user,
                    report_id=report_id,
                    is_adverse_event=data["is_adverse_event"],
                    reason=data["reason"],
                    patient_descriptor=data["patient_descriptor"],
                    reaction=data["reaction"],
                    suspect_product=data["suspect_product"],
                    reporter_description=data["reporter_description"],
                    seriousness=data["seriousness"],
                )
            except ValidationFailed as error:
                add_service_errors(form, error)
            except Conflict as error:
                messages.error(request, error.message)
                return redirect("pv_detail", report_id=report_id)
            else:
                messages.success(request, _("Triage saved."))
                return redirect("pv_detail", report_id=report_id)
        return self.render_to_response(self.get_context_data(triage_form=form))

    def _forward(self, request, report_id: int):
        form = AdverseEventForwardForm(request.POST)
        if form.is_valid():
            try:
                ae_forward(officer=request.user, report_id=report_id, reason=form.cleaned_data["reason"])
            except ValidationFailed as error:
                add_service_errors(form, error)
            except Conflict as error:
                messages.error(request, error.message)
                return redirect("pv_detail", report_id=report_id)
            else:
                messages.success(request, _("Marked as forwarded to the sponsor's pharmacovigilance."))
                return redirect("pv_queue")
        return self.render_to_response(self.get_context_data(forward_form=form))
