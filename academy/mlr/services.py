"""MLR review of sponsored academy pages: signed decisions, the approval stamp, and withdrawals.

Rules (DESIGN.md, compliance rules 2 and 7):
- a sponsored page is deliverable only in the revision the Regulatory step approved, with the
  approval code and expiry stamped on that revision and on the live page;
- every decision is an electronic signature by a reviewer of the page's sponsor, audited with its reason;
- approval is refused unless the page references the current prescribing information of each product
  and every product's registration is active;
- publishing any other revision (an edit after approval, a superuser's direct publish) clears the
  stamp, so the page is not deliverable until it is approved again;
- expiry and a withdrawn product registration unpublish the material (a course with its lessons and quiz).
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled
from wagtail.models import Page, Revision, TaskState

from academy.mlr.models import MlrTaskState, ReviewStep
from academy.models import CoursePage, LessonPage, QuizPage
from academy.models.approval import ApprovedMaterialMixin
from platform_core.exceptions import Conflict, NotFound, ValidationFailed
from platform_core.interactions import record_event
from platform_core.models import (
    ElectronicSignature,
    MaterialApproval,
    PrescribingInformation,
    Product,
    SignatureDecision,
    User,
)
from platform_core.services.approvals import (
    approval_expiry_default,
    approval_expiry_latest,
    approval_expiry_validate,
    content_fingerprint,
    material_approval_create,
    material_approval_for,
    material_approval_withdraw,
    material_approvals_active,
    signature_record,
    signatures_for,
)
from platform_core.services.audit import audit_record

logger = logging.getLogger(__name__)

# Written by the Regulatory approval; left out of the fingerprint of what the reviewers signed.
STAMP_FIELDS = frozenset({"approval_code", "approved_at", "approval_expires_on"})
MATERIAL_MODELS = (CoursePage, LessonPage, QuizPage)
OBJECT_TYPES = {CoursePage: "course", LessonPage: "lesson", QuizPage: "quiz"}


def signature_meaning(*, step: str, decision: str) -> str:
    """What the signature means, shown to the signer before signing and stored with the signature."""
    meanings = {
        (ReviewStep.MEDICAL, SignatureDecision.APPROVED): _("Medical review: approved as medically accurate, fair and balanced"),
        (ReviewStep.LEGAL, SignatureDecision.APPROVED): _(
            "Legal review: approved as compliant with advertising and promotion law"
        ),
        (ReviewStep.REGULATORY, SignatureDecision.APPROVED): _(
            "Regulatory review: approved for release, consistent with the registered label and current prescribing information"
        ),
        (ReviewStep.MEDICAL, SignatureDecision.REJECTED): _("Medical review: not approved, changes requested"),
        (ReviewStep.LEGAL, SignatureDecision.REJECTED): _("Legal review: not approved, changes requested"),
        (ReviewStep.REGULATORY, SignatureDecision.REJECTED): _("Regulatory review: not approved, changes requested"),
    }
    return meanings[(step, decision)]


def decision_of_action(action_name: str) -> str:
    decisions = {"approve": SignatureDecision.APPROVED, "reject": SignatureDecision.REJECTED}
    if action_name not in decisions:
        raise NotFound("no such review action")
    return decisions[action_name]


def material_sponsor_of(page) -> int | None:
    """The sponsor whose reviewers must approve this page (None: not sponsored material)."""
    page = page.specific if type(page) is Page else page
    if not isinstance(page, ApprovedMaterialMixin):
        return None
    return page.material_sponsor_id()


def _course_of(page) -> CoursePage | None:
    return page if isinstance(page, CoursePage) else getattr(page, "course", None)


def product_content_problems(page) -> list[str]:
    """Why this page may not be approved as product content (empty: it may).

    The page (a course revision, or a lesson/quiz through its course) must reference the current
    prescribing information of every product it lists, no outdated or foreign one, and every
    product's registration must be active.
    """
    course = _course_of(page)
    if course is None:
        return []
    with scopes_disabled():  # the caller checked the reviewer belongs to the page's sponsor
        products = list(course.products.all())
        referenced = list(course.prescribing_information.all())
        current = {pi.product_id: pi for pi in PrescribingInformation.objects.filter(product__in=products, is_current=True)}
    problems = []
    listed = {product.pk for product in products}
    for product in products:
        if product.registration_status != Product.RegistrationStatus.ACTIVE:
            problems.append(_("%(product)s: its registration is withdrawn.") % {"product": product})
        pi = current.get(product.pk)
        if pi is None:
            problems.append(
                _("%(product)s has no current prescribing information on file; add it before approval.") % {"product": product}
            )
        elif pi not in referenced:
            problems.append(
                _("The page must reference the current prescribing information of %(product)s (version %(version)s).")
                % {"product": product, "version": pi.version}
            )
    for pi in referenced:
        if pi.product_id not in listed:
            problems.append(_("Prescribing information %(pi)s belongs to a product the course does not list.") % {"pi": pi})
        elif not pi.is_current:
            problems.append(_("Prescribing information %(pi)s is outdated; reference the current version.") % {"pi": pi})
    return problems


@dataclass(frozen=True)
class DecisionCheck:
    state: MlrTaskState
    step: str
    page: object  # the specific page as in the revision under review
    sponsor_id: int
    expires_on: datetime.date | None


def step_of(state: TaskState) -> str:
    return state.task.specific.step


def mlr_decision_check(
    *, task_state: MlrTaskState, reviewer, decision: str, expires_on: datetime.date | None = None
) -> DecisionCheck:
    """Everything that must hold before a reviewer may sign this decision; raises with the reason if not.

    A reviewer of another sponsor (or anyone not an MLR reviewer) gets NotFound, exactly like a
    step that does not exist.
    """
    from academy.mlr.models import reviewer_may_act

    if task_state.status != TaskState.STATUS_IN_PROGRESS:
        if not reviewer_may_act(reviewer, task_state.sponsor_id):
            raise NotFound("no such review step")
        raise Conflict(_("This review step has already been decided."))
    with scopes_disabled():  # the revision's products are read to build the page; access is checked just below
        page = task_state.revision.as_object()
    sponsor_id = material_sponsor_of(page)
    if not reviewer_may_act(reviewer, task_state.sponsor_id) or sponsor_id != task_state.sponsor_id:
        raise NotFound("no such review step")
    step = step_of(task_state)
    if decision == SignatureDecision.APPROVED:
        problems = product_content_problems(page)
        if problems:
            raise ValidationFailed(
                _("Approval refused: %(problems)s") % {"problems": " ".join(problems)}, details={"problems": problems}
            )
        if step == ReviewStep.REGULATORY:
            missing = _steps_missing_before_final(task_state)
            if missing:
                raise ValidationFailed(
                    _("Approval refused: this revision has no signed %(steps)s approval yet.")
                    % {"steps": ", ".join(str(ReviewStep(name).label) for name in missing)},
                    details={"missing_steps": missing},
                )
            expires_on = approval_expiry_validate(expires_on=expires_on)
        else:
            expires_on = None
    else:
        expires_on = None
    return DecisionCheck(state=task_state, step=step, page=page, sponsor_id=sponsor_id, expires_on=expires_on)


def _steps_missing_before_final(task_state: MlrTaskState) -> list[str]:
    approved = set(
        MlrTaskState.objects.filter(
            workflow_state_id=task_state.workflow_state_id,
            revision_id=task_state.revision_id,
            status=TaskState.STATUS_APPROVED,
            signature__decision=SignatureDecision.APPROVED,
        ).values_list("signature__step", flat=True)
    )
    return [step for step in (ReviewStep.MEDICAL, ReviewStep.LEGAL) if step not in approved]


def expiry_initial_for(page) -> datetime.date:
    """The expiry offered to the Regulatory reviewer: the editor's proposal if allowed, else one year."""
    proposed = getattr(page, "approval_expires_on", None)
    today = timezone.localdate()
    if proposed and today < proposed <= approval_expiry_latest(today=today):
        return proposed
    return approval_expiry_default(today=today)


def mlr_decision_sign(
    *,
    task_state: MlrTaskState,
    reviewer,
    decision: str,
    password: str,
    comment: str,
    expires_on: datetime.date | None = None,
) -> ElectronicSignature:
    """Sign one MLR decision and move the workflow on (the final approval publishes the stamped revision).

    Serialised per step by a row lock; the signature, stamp, audit entry, interaction and the
    workflow's progress commit together or not at all.
    """
    # Scopes off: one sponsor's material, after mlr_decision_check confirmed the reviewer is that sponsor's
    # (publishing validates the page, which reads its products, a sponsor-scoped model).
    with transaction.atomic(), scopes_disabled():
        state = MlrTaskState.objects.select_for_update().select_related("revision", "task").get(pk=task_state.pk)
        check = mlr_decision_check(task_state=state, reviewer=reviewer, decision=decision, expires_on=expires_on)
        revision = state.revision
        page = check.page
        signature = signature_record(
            signer=reviewer,
            password=password,
            target=page,
            revision_id=revision.pk,
            content_sha256=content_fingerprint(revision.content, exclude=STAMP_FIELDS),
            step=check.step,
            decision=decision,
            meaning=signature_meaning(step=check.step, decision=decision),
            reason=comment,
            sponsor_id=check.sponsor_id,
        )
        state.signature = signature
        state.save(update_fields=["signature"])
        after = {
            "step": check.step,
            "decision": decision,
            "revision_id": revision.pk,
            "signature_id": signature.pk,
            "signer_name": signature.signer_name,
            "meaning": signature.meaning,
            "signed_at": signature.signed_at.isoformat(),
        }
        approval = None
        if decision == SignatureDecision.APPROVED and check.step == ReviewStep.REGULATORY:
            approval = material_approval_create(
                signature=signature, target=page, revision_id=revision.pk, expires_on=check.expires_on
            )
            _stamp_revision(revision, approval)
            after.update({"approval_code": approval.code, "approval_expires_on": approval.expires_on.isoformat()})
        audit_record(
            actor=reviewer,
            action=f"mlr.{check.step}.{decision}",
            target=page,
            sponsor_id=check.sponsor_id,
            after=after,
            reason=signature.reason,
        )
        course = _course_of(page)
        record_event(
            actor=reviewer,
            verb="mlr.decision_signed",
            object_type=OBJECT_TYPES.get(type(page), "course"),
            object_id=page.pk,
            sponsor_id=check.sponsor_id,
            campaign_id=getattr(course, "campaign_id", None),
            context={"step": check.step, "decision": decision, "revision_id": revision.pk},
            client_event_id=f"mlr-signature:{signature.pk}",
        )
        if decision == SignatureDecision.APPROVED:
            state.approve(user=reviewer, comment=signature.reason)
        else:
            state.reject(user=reviewer, comment=signature.reason)
        if approval is not None:
            live = type(page).objects.get(pk=page.pk)
            revision.refresh_from_db(fields=["approved_go_live_at"])
            scheduled = revision.approved_go_live_at is not None
            if not scheduled and (live.live_revision_id != revision.pk or live.approval_code != approval.code):
                # The workflow must end with this revision published; anything else is a configuration error.
                raise Conflict(_("The approved revision could not be published; nothing was signed."))
    return signature


def _stamp_revision(revision: Revision, approval: MaterialApproval) -> None:
    """Write the approval code and expiry into the approved revision, so publishing it stamps the page."""
    revision.content = {
        **revision.content,
        "approval_code": approval.code,
        "approved_at": approval.approved_at.isoformat(),
        "approval_expires_on": approval.expires_on.isoformat(),
    }
    revision.save(update_fields=["content"])


def publish_approved_revision(workflow_state, user=None) -> None:
    """WAGTAIL_FINISH_WORKFLOW_ACTION: publish the revision the last step decided on.

    Wagtail's default publishes the latest revision with the finishing user's publish permission;
    an MLR reviewer has none, and the latest revision may not be the one that was signed.
    """
    revision = workflow_state.current_task_state.revision if workflow_state.current_task_state else None
    if revision is None:
        revision = workflow_state.content_object.get_latest_revision()
    with scopes_disabled():  # publishing validates the page, which reads its products
        revision.publish(user=user, skip_permission_checks=True)


# --- Publication guard ---------------------------------------------------------------------------


def material_publication_check(*, page, revision: Revision | None) -> bool:
    """After any publication: a sponsored page stays deliverable only if the published revision is the approved one.

    Otherwise the stamp is cleared (the page answers "unavailable" until approved again), earlier
    approvals are withdrawn as superseded, and the publication is audited. Returns True if the page
    is deliverable as approved. Idempotent.
    """
    if material_sponsor_of(page) is None:
        return True
    revision_id = revision.pk if revision is not None else page.live_revision_id
    approval = material_approval_for(target=page, revision_id=revision_id)
    if approval is not None and page.approval_code == approval.code:
        return True
    with transaction.atomic():
        old_code = type(page).objects.filter(pk=page.pk).values_list("approval_code", flat=True).first() or ""
        type(page).objects.filter(pk=page.pk).update(approval_code="", approved_at=None)
        page.approval_code, page.approved_at = "", None
        withdrawn = [
            previous.code
            for previous in material_approvals_active(target=page)
            if material_approval_withdraw(
                approval=previous, reason=f"superseded: revision {revision_id} was published without MLR approval"
            )
        ]
        author = getattr(revision, "user", None)
        audit_record(
            actor=None,
            action="mlr.material.published_unapproved",
            target=page,
            sponsor_id=material_sponsor_of(page),
            before={"approval_code": old_code, "approvals": withdrawn},
            after={"approval_code": "", "live_revision_id": revision_id},
            reason=(
                f"revision {revision_id} (by {author or 'unknown'}) was published without MLR approval; "
                "the page is not delivered until it is approved"
            ),
        )
    return False


# --- Withdrawal ------------------------------------------------------------------------------------


def _material_tree(page) -> list:
    """The page and its academy descendants (a course's lessons and quiz), specific, parents first."""
    pages = [page]
    for descendant in page.get_descendants().specific().order_by("path"):
        if isinstance(descendant, ApprovedMaterialMixin):
            pages.append(descendant)
    return pages


def material_withdraw(*, page, actor, action: str, reason: str) -> int:
    """Withdraw a page with its descendants: unpublish, clear the stamp, withdraw approvals; audit each page.

    Idempotent: pages already withdrawn are left alone and not audited again. Returns pages changed.
    """
    changed = 0
    for item in _material_tree(page):
        with transaction.atomic(), scopes_disabled():
            model = type(item)
            row = model.objects.select_for_update().filter(pk=item.pk).values("live", "approval_code").first()
            if row is None:
                continue
            approvals = [approval for approval in material_approvals_active(target=item)]
            if not row["live"] and not row["approval_code"] and not approvals:
                continue
            if row["live"]:
                model.objects.get(pk=item.pk).unpublish(user=None, log_action=True)
            model.objects.filter(pk=item.pk).update(approval_code="", approved_at=None)
            codes = [approval.code for approval in approvals if material_approval_withdraw(approval=approval, reason=reason)]
            audit_record(
                actor=actor,
                action=action,
                target=item,
                sponsor_id=material_sponsor_of(item),
                before={"live": row["live"], "approval_code": row["approval_code"]},
                after={"live": False, "approval_code": "", "approvals_withdrawn": codes},
                reason=reason,
            )
            changed += 1
    return changed


def expired_materials_withdraw(*, today: datetime.date | None = None) -> int:
    """Unpublish every live sponsored page whose approval expired before today (with its lessons and quiz).

    Idempotent: withdrawn pages are no longer live. Returns pages withdrawn.
    """
    today = today or timezone.localdate()
    withdrawn = 0
    for model in MATERIAL_MODELS:
        expired = list(model.objects.live().filter(approval_expires_on__lt=today).exclude(approval_code="").order_by("path"))
        for page in expired:
            page.refresh_from_db(fields=["live"])
            if not page.live or material_sponsor_of(page) is None:
                continue  # withdrawn with its course a moment ago, or not sponsored material
            withdrawn += material_withdraw(
                page=page,
                actor=None,
                action="mlr.material.expired",
                reason=f"approval {page.approval_code} expired on {page.approval_expires_on.isoformat()}",
            )
    return withdrawn


def product_materials_withdraw(*, product_id: int, actor_id: int | None = None, reason: str = "") -> int:
    """Withdraw every course that lists the product (with its lessons and quiz). Idempotent.

    Courses not live lose their approvals too, so they cannot be published again on the old approval.
    """
    with scopes_disabled():
        product = Product.objects.filter(pk=product_id).first()
    if product is None or product.registration_status != Product.RegistrationStatus.WITHDRAWN:
        return 0
    actor = _user(actor_id)
    why = f"registration of {product} withdrawn" + (f": {reason}" if reason else "")
    withdrawn = 0
    for course in CoursePage.objects.filter(products__pk=product.pk).order_by("path").distinct():
        withdrawn += material_withdraw(page=course, actor=actor, action="mlr.material.product_withdrawn", reason=why)
    return withdrawn


def withdrawn_products_sweep() -> int:
    """Daily safety net: withdraw live material still listing a product whose registration is withdrawn."""
    withdrawn = 0
    with scopes_disabled():
        product_ids = list(
            Product.objects.filter(registration_status=Product.RegistrationStatus.WITHDRAWN).values_list("pk", flat=True)
        )
    for product_id in sorted(product_ids):
        withdrawn += product_materials_withdraw(product_id=product_id, reason="daily check")
    return withdrawn


def _user(user_id: int | None) -> User | None:
    return User.objects.filter(pk=user_id).first() if user_id is not None else None


def signatures_of_page(*, page) -> list[ElectronicSignature]:
    """The signature history of a page (the caller decided the reader may see it)."""
    return signatures_for(target=page)
