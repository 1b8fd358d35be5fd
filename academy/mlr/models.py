"""Wagtail task types for MLR review: Medical, Legal, Regulatory.

Who may act is decided here, for Wagtail's admin (dashboard queue, workflow action modal, editor
access): an active MLR reviewer (capability `mlr.review`) of the sponsor whose material is under
review — never a reviewer of another sponsor, never a superuser by virtue of being one. What a
decision does is decided in academy.mlr.services.
"""

from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled
from wagtail.models import Task, TaskState
from wagtail.signals import task_submitted

from platform_core.permissions import has_capability


class ReviewStep(models.TextChoices):
    MEDICAL = "medical", _("Medical review")
    LEGAL = "legal", _("Legal review")
    REGULATORY = "regulatory", _("Regulatory review")


class MlrTaskState(TaskState):
    """A review step on one revision, bound to the sponsor whose reviewers must decide it."""

    sponsor = models.ForeignKey(
        "platform_core.Sponsor", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("sponsor")
    )
    signature = models.OneToOneField(
        "platform_core.ElectronicSignature",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signature"),
    )

    class Meta:
        verbose_name = _("MLR review step")
        verbose_name_plural = _("MLR review steps")

    def get_comment(self):
        if self.signature_id:
            signature = self.signature
            return f"{self.comment} — {signature.signer_name}, {signature.meaning}, {signature.signed_at:%Y-%m-%d %H:%M:%S} UTC"
        return self.comment


def reviewer_may_act(user, sponsor_id: int | None) -> bool:
    """An active MLR reviewer of exactly this sponsor."""
    return bool(
        sponsor_id is not None
        and getattr(user, "is_authenticated", False)
        and user.sponsor_id == sponsor_id
        and has_capability(user, "mlr.review")
    )


def _reviewer_of_another_sponsor(user, sponsor_id: int | None) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.sponsor_id is not None
        and user.sponsor_id != sponsor_id
        and has_capability(user, "mlr.review")
    )


class MlrReviewTask(Task):
    """Base of the three MLR steps. Pages without a sponsor skip the step (nothing to review)."""

    step: str = ""
    task_state_class = MlrTaskState

    class Meta:
        abstract = True

    # --- starting -------------------------------------------------------------------------------

    def start(self, workflow_state, user=None):
        # Function-local import: services import this module's models.
        from academy.mlr.services import material_sponsor_of

        revision = workflow_state.content_object.get_latest_revision()
        with scopes_disabled():  # building the revision's page reads its products (sponsor-scoped)
            sponsor_id = material_sponsor_of(revision.as_object())
        state = MlrTaskState(workflow_state=workflow_state, revision=revision, task=self, sponsor_id=sponsor_id)
        if sponsor_id is None:
            state.status = TaskState.STATUS_SKIPPED
            state.finished_at = timezone.now()
            state.comment = "not sponsored material: no MLR review needed"
        else:
            state.status = TaskState.STATUS_IN_PROGRESS
        state.save()
        task_submitted.send(sender=MlrTaskState, instance=state, user=user)
        return state

    # --- who may do what (Wagtail's admin asks these) --------------------------------------------

    def in_progress_state_for(self, obj) -> MlrTaskState | None:
        state = obj.current_workflow_task_state
        if state is None or state.task_id != self.pk or not isinstance(state, MlrTaskState):
            return None
        return state

    def get_actions(self, obj, user):
        state = self.in_progress_state_for(obj)
        if state is not None and _reviewer_of_another_sponsor(user, state.sponsor_id):
            # Tenant isolation: another sponsor's review step answers like one that does not exist
            # (Wagtail's action and preview views would otherwise say 403 "not yours").
            raise Http404
        if state is None or not reviewer_may_act(user, state.sponsor_id):
            return []
        # Remembered for the action form, which Wagtail builds without the request (see forms.py).
        self.acting_context = (state, user)
        return [
            ("reject", _("Request changes (signed)"), True),
            ("approve", _("Approve and sign"), True),
        ]

    def get_form_for_action(self, action):
        from academy.mlr.forms import decision_form_class

        return decision_form_class(task=self, action=action)

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        from academy.mlr.services import decision_of_action, mlr_decision_sign

        mlr_decision_sign(
            task_state=task_state.specific,
            reviewer=user,
            decision=decision_of_action(action_name),
            password=kwargs.get("password", ""),
            comment=kwargs.get("comment", ""),
            expires_on=kwargs.get("expires_on"),
        )

    def user_can_access_editor(self, obj, user):
        state = self.in_progress_state_for(obj)
        return state is not None and reviewer_may_act(user, state.sponsor_id)

    def locked_for_user(self, obj, user):
        # Nobody edits what is being signed; the requester cancels the workflow to change it.
        return True

    def user_can_lock(self, obj, user):
        return False

    def user_can_unlock(self, obj, user):
        return False

    def get_task_states_user_can_moderate(self, user, **kwargs):
        if not getattr(user, "is_authenticated", False) or user.sponsor_id is None or not has_capability(user, "mlr.review"):
            return TaskState.objects.none()
        return TaskState.objects.filter(task=self, status=TaskState.STATUS_IN_PROGRESS, mlrtaskstate__sponsor_id=user.sponsor_id)

    @classmethod
    def get_description(cls):
        return _("Reviewers of the material's sponsor sign their decision (re-entering their password).")


class MedicalReviewTask(MlrReviewTask):
    step = ReviewStep.MEDICAL

    class Meta:
        verbose_name = _("MLR: medical review")
        verbose_name_plural = _("MLR: medical reviews")


class LegalReviewTask(MlrReviewTask):
    step = ReviewStep.LEGAL

    class Meta:
        verbose_name = _("MLR: legal review")
        verbose_name_plural = _("MLR: legal reviews")


class RegulatoryReviewTask(MlrReviewTask):
    """The final step: approval stamps the approval code and expiry, and publishes the approved revision."""

    step = ReviewStep.REGULATORY

    class Meta:
        verbose_name = _("MLR: regulatory review")
        verbose_name_plural = _("MLR: regulatory reviews")
