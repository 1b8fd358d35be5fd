"""Demo data for MLR review: the workflow on the academy tree, and approvals signed like a reviewer would."""

import datetime

from django.db import transaction
from wagtail.models import Page, TaskState, Workflow, WorkflowPage, WorkflowTask

from academy.mlr.models import LegalReviewTask, MedicalReviewTask, RegulatoryReviewTask
from academy.mlr.services import mlr_decision_sign
from academy.models import AcademyIndexPage
from platform_core.demo.data import DEMO_PASSWORD
from platform_core.models import SignatureDecision

WORKFLOW_NAME = "MLR 审核（医学 → 法务 → 注册）"
TASKS = [
    (MedicalReviewTask, "医学审核 Medical review"),
    (LegalReviewTask, "法务审核 Legal review"),
    (RegulatoryReviewTask, "注册审核 Regulatory review"),
]
DEMO_COMMENTS = {
    MedicalReviewTask: "医学内容准确、平衡，引用文献核对无误。",
    LegalReviewTask: "符合《广告法》及互联网广告管理办法，无绝对化用语。",
    RegulatoryReviewTask: "与现行说明书一致，准予发布。",
}


@transaction.atomic
def setup_mlr_workflow() -> Workflow:
    """The Medical → Legal → Regulatory workflow, assigned to the academy index (idempotent)."""
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    for order, (model, name) in enumerate(TASKS):
        task = model.objects.filter(name=name).first() or model.objects.create(name=name)
        WorkflowTask.objects.update_or_create(workflow=workflow, task=task, defaults={"sort_order": order})
    index = AcademyIndexPage.objects.first()
    if index is not None:
        WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


def approve_for_demo(page: Page, reviewer, *, expires_on: datetime.date, password: str = DEMO_PASSWORD, requested_by=None):
    """Run a page's latest revision through all three steps, signed by `reviewer` (who re-authenticates).

    Starts the page's workflow if none is in progress. Returns the page as published, stamped.
    """
    page = page.specific
    if page.get_latest_revision() is None:
        page.save_revision(user=requested_by)
    workflow_state = page.current_workflow_state
    if workflow_state is None:
        workflow = page.get_workflow() or setup_mlr_workflow()
        workflow_state = workflow.start(page, requested_by or reviewer)
    for _step in range(len(TASKS)):
        workflow_state.refresh_from_db()
        state = workflow_state.current_task_state
        if state is None or state.status != TaskState.STATUS_IN_PROGRESS:
            break
        state = state.specific
        mlr_decision_sign(
            task_state=state,
            reviewer=reviewer,
            decision=SignatureDecision.APPROVED,
            password=password,
            comment=DEMO_COMMENTS.get(type(state.task.specific), "同意。"),
            expires_on=expires_on,
        )
    return type(page).objects.get(pk=page.pk)
