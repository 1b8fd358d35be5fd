"""The signing form shown in Wagtail's workflow action modal.

Wagtail builds the form as `form_class(request.POST)`, without the request or the user. It asks the
task for the user's actions (`Task.get_actions(obj, user)`) on the same task instance first, which
remembers the step and the signer in `acting_context`; the form reads them from there. Without that
context the form refuses to validate. The service re-checks everything when the action runs.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scopes_disabled
from wagtail.admin.widgets import AdminDateInput

from academy.mlr.models import ReviewStep
from academy.mlr.services import decision_of_action, expiry_initial_for, mlr_decision_check, signature_meaning
from platform_core.exceptions import ApplicationError, NotFound
from platform_core.models import SignatureDecision
from platform_core.services.approvals import APPROVAL_MAX_YEARS, approval_expiry_latest, signature_reauthenticate


class MlrDecisionForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Comment (reason for the decision)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=gettext_lazy("Recorded with your signature and in the audit trail."),
    )
    confirm = forms.BooleanField(required=True)
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("Re-enter the password you log in with: this is your electronic signature."),
    )

    task = None  # set by decision_form_class
    action = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.task_state, self.signer = getattr(self.task, "acting_context", None) or (None, None)
        self.decision = decision_of_action(self.action)
        meaning = signature_meaning(step=self.task.step, decision=self.decision)
        self.fields["confirm"].label = _("I, %(name)s, sign this decision: %(meaning)s") % {
            "name": getattr(self.signer, "name", "") or "—",
            "meaning": meaning,
        }
        if self.decision == SignatureDecision.APPROVED and self.task.step == ReviewStep.REGULATORY:
            with scopes_disabled():  # the revision's page reads its products; get_actions checked the reviewer
                page = self.task_state.revision.as_object() if self.task_state else None
            self.fields["expires_on"] = forms.DateField(
                label=_("Approval expires on"),
                initial=expiry_initial_for(page),
                widget=AdminDateInput(),
                help_text=_("Default one year; at most %(years)d years (latest %(latest)s).")
                % {"years": APPROVAL_MAX_YEARS, "latest": approval_expiry_latest().isoformat()},
            )
            self.order_fields(["expires_on", "comment", "confirm", "password"])

    def clean(self):
        cleaned = super().clean()
        if self.task_state is None or self.signer is None:
            raise forms.ValidationError(_("This review step could not be identified. Reload the page and try again."))
        if self.errors:
            return cleaned
        try:
            mlr_decision_check(
                task_state=self.task_state,
                reviewer=self.signer,
                decision=self.decision,
                expires_on=cleaned.get("expires_on"),
            )
        except NotFound as error:
            raise forms.ValidationError(_("This review step is not yours to decide.")) from error
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error
        try:
            signature_reauthenticate(signer=self.signer, password=cleaned.get("password", ""))
        except ApplicationError as error:
            self.add_error("password", error.message)
        return cleaned


def decision_form_class(*, task, action: str) -> type[MlrDecisionForm]:
    """A form class bound to this task instance (Wagtail instantiates it with the POST data only)."""
    return type("MlrDecisionFormFor" + type(task).__name__, (MlrDecisionForm,), {"task": task, "action": action})
