"""The landing page and one home per role (the first role a person holds decides where `home` goes)."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from platform_core import selectors
from platform_core.models import (
    AdverseEventReport,
    ConsentPurpose,
    PrescribingInformation,
    RepRegistration,
    VerificationRequest,
    VerificationStatus,
)
from platform_core.permissions import CapabilityRequiredMixin, has_capability
from platform_core.web.common import role_homes_of
from platform_core.web.review_views import with_readable_changes


def home(request):
    """Anonymous: the landing page. Logged in: the home of the person's first role."""
    if not request.user.is_authenticated:
        return render(request, "platform_core/home/landing.html")
    homes = role_homes_of(request.user)
    if homes:
        return redirect(homes[0].url_name)
    return render(request, "platform_core/home/no_role.html")


class RoleHomeView(CapabilityRequiredMixin, TemplateView):
    def get_context_data(self, **kwargs):
        others = [home for home in role_homes_of(self.request.user) if home.capability != self.required_capability]
        return {**super().get_context_data(**kwargs), "other_homes": others}


class DoctorHomeView(RoleHomeView):
    required_capability = "doctor.home"
    template_name = "platform_core/home/doctor.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        profile = selectors.doctor_profile_for(user=user)
        status = profile.verification_status if profile else VerificationStatus.UNVERIFIED
        overview = selectors.consent_overview_for(user=user)
        granted = [row for row in overview if row["consent"] is not None and row["consent"].granted]
        sharing = [row["sponsor"] for row in granted if row["purpose"] == ConsentPurpose.SPONSOR_DATA_SHARING]
        contact = [row["sponsor"] for row in granted if row["purpose"] == ConsentPurpose.SPONSOR_CONTACT]
        cards = [
            ("academy:index", "academy"),
            ("campaigns:index", "campaigns"),
            ("points_mall:index", "mall"),
            ("search:index", "search"),
        ]
        return {
            **super().get_context_data(**kwargs),
            "profile": profile,
            "status": status,
            "status_label": VerificationStatus(status).label,
            "latest": selectors.verification_latest_for(doctor=user),
            "sharing_sponsors": sharing,
            "contact_sponsors": contact,
            "cards": [{"url": reverse(name), "kind": kind} for name, kind in cards],
        }


class RepHomeView(RoleHomeView):
    required_capability = "rep.home"
    template_name = "platform_core/home/rep.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        registrations = []
        if user.sponsor_id:
            registrations = list(
                RepRegistration.objects.with_scope(sponsor=user.sponsor_id).filter(rep=user).select_related("sponsor")
            )
        return {
            **super().get_context_data(**kwargs),
            "sponsor": user.sponsor,
            "registrations": registrations,
            "promotion_enabled": has_capability(user, "reps.promote"),
        }


class ManagerHomeView(RoleHomeView):
    required_capability = "manager.home"
    template_name = "platform_core/home/manager.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "sponsor": user.sponsor,
            "products": list(selectors.product_list_for(actor=user)),
            "team": list(selectors.sponsor_team_for(actor=user).order_by("name", "pk")),
        }


class MlrHomeView(RoleHomeView):
    required_capability = "mlr.home"
    template_name = "platform_core/home/mlr.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        products = list(selectors.product_list_for(actor=user))
        current = {}
        if products:
            current = {
                item.product_id: item
                for item in PrescribingInformation.objects.with_scope(sponsor=selectors.sponsor_scope_of(user)).filter(
                    product_id__in=[product.pk for product in products], is_current=True
                )
            }
        rows = [{"product": product, "pi": current.get(product.pk)} for product in products]
        queue = list(selectors.review_queue_for(actor=user)[:50])
        return {**super().get_context_data(**kwargs), "sponsor": user.sponsor, "rows": rows, "queue": queue}


class PvHomeView(RoleHomeView):
    required_capability = "pv.home"
    template_name = "platform_core/home/pv.html"

    def get_context_data(self, **kwargs):
        queue = selectors.ae_queue_for(actor=self.request.user)
        open_statuses = [AdverseEventReport.Status.NEW, AdverseEventReport.Status.CONFIRMED]
        now = timezone.now()
        open_reports = list(queue.filter(status__in=open_statuses).order_by("forward_due_at")[:20])
        return {
            **super().get_context_data(**kwargs),
            "reports": open_reports,
            "now": now,
            "count_new": queue.filter(status=AdverseEventReport.Status.NEW).count(),
            "count_to_forward": queue.filter(status=AdverseEventReport.Status.CONFIRMED).count(),
            "count_overdue": queue.filter(status__in=open_statuses, forward_due_at__lt=now).count(),
        }


class VerifierHomeView(RoleHomeView):
    required_capability = "verifier.home"
    template_name = "platform_core/home/verifier.html"

    def get_context_data(self, **kwargs):
        queue = selectors.verification_queue_for(actor=self.request.user)
        pending = queue.filter(status=VerificationRequest.Status.PENDING).order_by("submitted_at")
        return {
            **super().get_context_data(**kwargs),
            "requests": list(pending[:20]),
            "count_pending": pending.count(),
        }


class AdminHomeView(RoleHomeView):
    required_capability = "admin.home"
    template_name = "platform_core/home/admin.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        pending = selectors.verification_queue_for(actor=user).filter(status=VerificationRequest.Status.PENDING)
        return {
            **super().get_context_data(**kwargs),
            "count_pending": pending.count(),
            "audit_entries": with_readable_changes(selectors.audit_entries_for(actor=user)[:10]),
        }


class EditorHomeView(RoleHomeView):
    required_capability = "editor.home"
    template_name = "platform_core/home/editor.html"


class ModeratorHomeView(RoleHomeView):
    required_capability = "moderator.home"
    template_name = "platform_core/home/moderator.html"
