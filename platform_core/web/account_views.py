"""A person's own pages: sign-up, HCP verification, the consent centre and privacy rights."""

import json

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from platform_core import selectors
from platform_core.exceptions import Conflict, ValidationFailed
from platform_core.models import ConsentPurpose, VerificationStatus
from platform_core.permissions import CapabilityRequiredMixin
from platform_core.services import consent as consent_services
from platform_core.services import privacy as privacy_services
from platform_core.services.accounts import doctor_sign_up
from platform_core.services.verification import verification_submit
from platform_core.web.auth_views import PASSWORD_BACKEND
from platform_core.web.common import NotFoundAs404Mixin, add_service_errors
from platform_core.web.forms import ConsentChangeForm, DeletionRequestForm, SignUpForm, VerificationForm

VERIFICATION_FIELDS = (
    "hospital_name",
    "hospital_level",
    "province",
    "city",
    "department",
    "title",
    "specialty",
    "licence_number",
)


class SignUpView(View):
    template_name = "platform_core/account/signup.html"

    def get(self, request):
        if request.user.is_authenticated:
            return redirect("home")
        return self._render(request, SignUpForm())

    def post(self, request):
        form = SignUpForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = doctor_sign_up(
                    login=data["login"], password=data["password"], name=data["name"], accept_terms=data["accept_terms"]
                )
            except (ValidationFailed, Conflict) as error:
                add_service_errors(form, error)
            else:
                auth_login(request, user, backend=PASSWORD_BACKEND)
                messages.success(request, _("Welcome to Xinglin! Verify your credentials to unlock professional content."))
                return redirect("verification")
        return self._render(request, form)

    def _render(self, request, form):
        terms = consent_services.current_document(ConsentPurpose.PLATFORM_TERMS)
        return render(request, self.template_name, {"form": form, "terms": terms})


class VerificationView(CapabilityRequiredMixin, NotFoundAs404Mixin, View):
    required_capability = "doctor.submit_verification"
    template_name = "platform_core/account/verification.html"

    def get(self, request):
        latest = selectors.verification_latest_for(doctor=request.user)
        initial = {}
        if latest is not None:
            initial = {name: getattr(latest, name) for name in VERIFICATION_FIELDS}
        return self._render(request, VerificationForm(initial=initial), latest=latest)

    def post(self, request):
        form = VerificationForm(request.POST, request.FILES)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in VERIFICATION_FIELDS}
            try:
                verification_submit(doctor=request.user, evidence=request.FILES.get("evidence"), **fields)
            except ValidationFailed as error:
                add_service_errors(form, error)
            except Conflict as error:
                messages.error(request, error.message)
                return redirect("verification")
            else:
                messages.success(request, _("Thank you. Your credentials were submitted; a reviewer will check them shortly."))
                return redirect("verification")
        # A browser never keeps a chosen file after an error: say so next to the field.
        choose_again = "evidence" in request.FILES and "evidence" not in form.errors
        latest = selectors.verification_latest_for(doctor=request.user)
        return self._render(request, form, latest=latest, choose_again=choose_again)

    def _render(self, request, form, *, latest, choose_again=False):
        profile = selectors.doctor_profile_for(user=request.user)
        status = profile.verification_status if profile else VerificationStatus.UNVERIFIED
        context = {
            "form": form,
            "profile": profile,
            "status": status,
            "status_label": VerificationStatus(status).label,
            "latest": latest,
            "show_form": status in (VerificationStatus.UNVERIFIED, VerificationStatus.REJECTED),
            "choose_again": choose_again,
        }
        return render(request, self.template_name, context)


def consent_rows(user) -> list[dict]:
    """The consent centre's rows: each purpose (and sponsor) with its state and the text it refers to."""
    documents = {purpose: consent_services.current_document(purpose) for purpose in ConsentPurpose.values}
    rows = []
    for item in selectors.consent_overview_for(user=user):
        consent, sponsor, purpose = item["consent"], item["sponsor"], ConsentPurpose(item["purpose"])
        current = documents[purpose]
        if consent is None:
            state = "none"
        else:
            state = "given" if consent.granted else "withdrawn"
        rows.append(
            {
                "key": f"{purpose.value}-{sponsor.pk if sponsor else 'platform'}",
                "purpose": purpose.value,
                "purpose_label": purpose.label,
                "sponsor": sponsor,
                "consent": consent,
                "state": state,
                "document": consent.document if consent is not None and consent.granted else current,
                "outdated": consent is not None and consent.granted and consent.document_id != current.pk,
            }
        )
    return rows


def consent_groups(rows: list[dict]) -> list[dict]:
    groups: list[dict] = []
    for row in rows:
        title = row["sponsor"].name if row["sponsor"] else _("Xinglin platform")
        if not groups or groups[-1]["title"] != title:
            groups.append({"title": title, "sponsor": row["sponsor"], "rows": []})
        groups[-1]["rows"].append(row)
    return groups


class ConsentCentreView(LoginRequiredMixin, NotFoundAs404Mixin, View):
    """GET: every consent with its text and history. POST: give or withdraw one (HTMX swaps the row)."""

    template_name = "platform_core/account/consents.html"
    row_template_name = "platform_core/account/partials/consent_row_swap.html"

    def get(self, request):
        return self._render_page(request)

    def post(self, request):
        form = ConsentChangeForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(_("Invalid consent change."))
        purpose = form.cleaned_data["purpose"]
        sponsor_id = form.cleaned_data["sponsor_id"] if purpose != ConsentPurpose.PLATFORM_TERMS else None
        giving = form.cleaned_data["action"] == "give"
        error_message = notice = ""
        try:
            if giving:
                consent_services.consent_give(user=request.user, purpose=purpose, sponsor_id=sponsor_id)
                notice = _("Consent given.")
            else:
                consent_services.consent_withdraw(user=request.user, purpose=purpose, sponsor_id=sponsor_id)
                notice = _("Consent withdrawn. It takes effect immediately.")
        except ValidationFailed as error:
            if error.details.get("purpose") == ConsentPurpose.PLATFORM_TERMS:
                error_message = _(
                    "The platform terms cannot be withdrawn while your account exists. "
                    "To stop using Xinglin, request the deletion of your account on the privacy page."
                )
            else:
                error_message = error.message
        if not request.htmx:
            if error_message:
                messages.error(request, error_message)
            else:
                messages.success(request, notice)
            return redirect("consents")
        key = f"{purpose}-{sponsor_id or 'platform'}"
        row = next((row for row in consent_rows(request.user) if row["key"] == key), None)
        if row is None:
            return HttpResponseBadRequest(_("Invalid consent change."))
        context = {
            "row": row,
            "notice": notice,
            "error_message": error_message,
            "history": selectors.consent_history_for(user=request.user)[:50],
        }
        return render(request, self.row_template_name, context)

    def _render_page(self, request):
        context = {
            "groups": consent_groups(consent_rows(request.user)),
            "history": selectors.consent_history_for(user=request.user)[:50],
        }
        return render(request, self.template_name, context)


class PrivacyView(LoginRequiredMixin, TemplateView):
    template_name = "platform_core/account/privacy.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form": kwargs.get("form") or DeletionRequestForm()}


class PrivacyExportView(LoginRequiredMixin, View):
    """POST (it is audited and recorded): the person's data as a JSON attachment."""

    def post(self, request):
        data = privacy_services.personal_data_export(user=request.user)
        body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="xinglin-my-data.json"'
        response["Cache-Control"] = "private, no-store"
        return response


class PrivacyDeleteView(LoginRequiredMixin, View):
    def post(self, request):
        form = DeletionRequestForm(request.POST)
        if form.is_valid() and not form.cleaned_data["confirm"]:
            form.add_error("confirm", _("Tick the box to confirm that you want your account deleted."))
        if not form.is_valid():
            return render(request, PrivacyView.template_name, {"form": form}, status=200)
        try:
            privacy_services.deletion_request(user=request.user, reason=form.cleaned_data["reason"])
        except Conflict:
            messages.error(request, _("Your deletion request is already being processed."))
            return redirect("privacy")
        auth_logout(request)
        return redirect(reverse("privacy_deleted"))


class PrivacyDeletedView(TemplateView):
    template_name = "platform_core/account/privacy_deleted.html"
