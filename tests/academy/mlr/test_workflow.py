"""The MLR workflow end to end through Wagtail's APIs: Medical → Legal → Regulatory, each step signed."""

import datetime
import re

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from wagtail.models import Revision, TaskState, WorkflowState

from academy.mlr.demo import approve_for_demo, setup_mlr_workflow
from academy.mlr.models import LegalReviewTask, MedicalReviewTask, MlrTaskState, RegulatoryReviewTask, ReviewStep
from academy.models import CoursePage
from academy.selectors import PageAccess, page_access_for
from platform_core.models import AuditEntry, ElectronicSignature, InteractionEvent, MaterialApproval, SignatureDecision
from platform_core.services.approvals import content_fingerprint
from tests.academy.mlr.conftest import approve_all, current_state, in_a_year, sign, submit
from tests.factories import DEFAULT_PASSWORD
from tests.factories.academy import CoursePageFactory, LessonPageFactory, QuizPageFactory, approve_page

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^XL-(\d{4})-(\d{6})$")


def test_setup_mlr_workflow_is_idempotent_and_assigned_to_the_academy(mlr_workflow):
    again = setup_mlr_workflow()
    assert again.pk == mlr_workflow.pk
    tasks = [task.specific for task in mlr_workflow.tasks.order_by("workflow_tasks__sort_order")]
    assert [type(task) for task in tasks] == [MedicalReviewTask, LegalReviewTask, RegulatoryReviewTask]
    assert MedicalReviewTask.objects.count() == LegalReviewTask.objects.count() == RegulatoryReviewTask.objects.count() == 1


def test_full_run_signs_each_step_stamps_code_and_expiry_and_publishes(sponsored_course, editor, mlr_a, doctor, audit_baseline):
    expires_on = timezone.localdate() + datetime.timedelta(days=200)
    submit(sponsored_course, editor)
    submitted = sponsored_course.get_latest_revision()
    fingerprint = content_fingerprint(submitted.content, exclude={"approval_code", "approved_at", "approval_expires_on"})

    assert type(current_state(sponsored_course).task.specific) is MedicalReviewTask
    sign(sponsored_course, mlr_a, comment="医学内容准确")
    assert type(current_state(sponsored_course).task.specific) is LegalReviewTask
    assert not CoursePage.objects.get(pk=sponsored_course.pk).live  # nothing goes live before the last step
    sign(sponsored_course, mlr_a, comment="符合广告法")
    assert type(current_state(sponsored_course).task.specific) is RegulatoryReviewTask
    sign(sponsored_course, mlr_a, comment="与说明书一致", expires_on=expires_on)

    page = CoursePage.objects.get(pk=sponsored_course.pk)
    assert page.live and page.live_revision_id == submitted.pk
    match = CODE.match(page.approval_code)
    assert match and int(match.group(1)) == timezone.localdate().year
    assert page.approval_expires_on == expires_on
    assert page.approved_at is not None
    assert page.approval_is_current()
    assert page_access_for(user=doctor, page=page) is PageAccess.ALLOWED
    # The approved revision carries the stamp too.
    stamped = Revision.objects.get(pk=submitted.pk).content
    assert stamped["approval_code"] == page.approval_code and stamped["approval_expires_on"] == expires_on.isoformat()

    workflow_state = WorkflowState.objects.get(pk=current_state_workflow_id(sponsored_course))
    assert workflow_state.status == WorkflowState.STATUS_APPROVED
    with scopes_disabled():
        signatures = list(ElectronicSignature.objects.filter(object_id=str(page.pk)).order_by("signed_at"))
        approval = MaterialApproval.objects.get(code=page.approval_code)
    assert [signature.step for signature in signatures] == [ReviewStep.MEDICAL, ReviewStep.LEGAL, ReviewStep.REGULATORY]
    for signature in signatures:
        assert signature.signer == mlr_a and signature.signer_name == mlr_a.name
        assert signature.decision == SignatureDecision.APPROVED
        assert signature.revision_id == submitted.pk
        assert signature.content_sha256 == fingerprint
        assert signature.signed_at.tzinfo is not None and signature.sponsor_id == page.sponsor_id
        assert signature.authentication == "password"
    assert len({signature.meaning for signature in signatures}) == 3  # each step signs its own meaning
    assert approval.signature == signatures[2] and approval.revision_id == submitted.pk and approval.expires_on == expires_on
    entries = list(AuditEntry.objects.filter(id__gt=audit_baseline, action__startswith="mlr.").order_by("id"))
    assert [entry.action for entry in entries] == ["mlr.medical.approved", "mlr.legal.approved", "mlr.regulatory.approved"]
    assert [entry.reason for entry in entries] == ["医学内容准确", "符合广告法", "与说明书一致"]
    assert entries[-1].after["approval_code"] == page.approval_code and entries[-1].actor_id == mlr_a.pk
    assert all(entry.sponsor_id == page.sponsor_id and entry.object_id == str(page.pk) for entry in entries)
    with scopes_disabled():
        events = InteractionEvent.objects.filter(actor_id=mlr_a.pk, verb="mlr.decision_signed")
        assert events.count() == 3


def current_state_workflow_id(page) -> int:
    return MlrTaskState.objects.filter(workflow_state__object_id=str(page.pk)).latest("id").workflow_state_id


def test_request_changes_is_signed_and_sends_the_page_back(sponsored_course, editor, mlr_a, audit_baseline):
    submit(sponsored_course, editor)
    sign(sponsored_course, mlr_a)
    signature = sign(sponsored_course, mlr_a, SignatureDecision.REJECTED, comment="第3页疗效表述绝对化，请修改")
    assert signature.decision == SignatureDecision.REJECTED and signature.step == ReviewStep.LEGAL
    assert "changes requested" in signature.meaning or "修改" in signature.meaning
    page = CoursePage.objects.get(pk=sponsored_course.pk)
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert not page.live and page.approval_code == ""
    entry = AuditEntry.objects.filter(id__gt=audit_baseline, action="mlr.legal.rejected").get()
    assert entry.reason == "第3页疗效表述绝对化，请修改"


def test_resubmitted_changes_are_reviewed_again_from_medical(sponsored_course, editor, mlr_a):
    submit(sponsored_course, editor)
    sign(sponsored_course, mlr_a)
    sign(sponsored_course, mlr_a, SignatureDecision.REJECTED, comment="请修改")
    with scopes_disabled():
        page = CoursePage.objects.get(pk=sponsored_course.pk)
        page.summary = "修改后的摘要"
        page.save_revision(user=editor)
        page.current_workflow_state.cancel(user=editor)
    submit(page, editor)
    assert type(current_state(page).task.specific) is MedicalReviewTask
    approved = approve_all(page, mlr_a)
    assert approved.live and approved.summary == "修改后的摘要" and approved.approval_is_current()


def test_unsponsored_page_skips_review_and_publishes(series, editor):
    course = CoursePageFactory(parent=series, publish=False)
    submit(course, editor)
    page = CoursePage.objects.get(pk=course.pk)
    assert page.live
    assert set(MlrTaskState.objects.filter(workflow_state__object_id=str(course.pk)).values_list("status", flat=True)) == {
        TaskState.STATUS_SKIPPED
    }
    with scopes_disabled():
        assert not ElectronicSignature.objects.filter(object_id=str(course.pk)).exists()


def test_lessons_and_quiz_of_a_sponsored_course_need_their_own_review(sponsored_course, editor, mlr_a, doctor):
    submit(sponsored_course, editor)
    course = approve_all(sponsored_course, mlr_a)
    lesson = LessonPageFactory(parent=course, publish=False)
    quiz = QuizPageFactory(parent=course, publish=False)
    for page in (lesson, quiz):
        submit(page, editor)
        state = current_state(page)
        assert state.status == TaskState.STATUS_IN_PROGRESS and state.sponsor_id == course.sponsor_id
        approved = approve_all(page, mlr_a)
        assert approved.live and CODE.match(approved.approval_code)
        assert page_access_for(user=doctor, page=approved) is PageAccess.ALLOWED
    codes = {
        course.approval_code,
        type(lesson).objects.get(pk=lesson.pk).approval_code,
        type(quiz).objects.get(pk=quiz.pk).approval_code,
    }
    assert len(codes) == 3


def test_approve_for_demo_runs_all_three_steps(sponsored_course, mlr_a):
    expires_on = in_a_year()
    page = approve_for_demo(sponsored_course, mlr_a, expires_on=expires_on, password=DEFAULT_PASSWORD)
    assert page.live and CODE.match(page.approval_code) and page.approval_expires_on == expires_on
    with scopes_disabled():
        assert ElectronicSignature.objects.filter(object_id=str(page.pk), signer=mlr_a).count() == 3


def test_sponsored_course_is_deliverable_only_after_approval(sponsored_course, editor, mlr_a, doctor):
    with scopes_disabled():
        sponsored_course.get_latest_revision().publish()  # a direct publish: live but not approved
    page = CoursePage.objects.get(pk=sponsored_course.pk)
    assert page.live
    assert page_access_for(user=doctor, page=page) is PageAccess.UNAVAILABLE
    submit(page, editor)
    approved = approve_all(page, mlr_a)
    assert page_access_for(user=doctor, page=approved) is PageAccess.ALLOWED


def test_approve_page_helper_makes_a_directly_published_page_deliverable(series, sponsor_a, product_a, pi_a, doctor):
    course = CoursePageFactory(parent=series, sponsor=sponsor_a, products=[product_a], prescribing_information=[pi_a])
    assert course.live and page_access_for(user=doctor, page=course) is PageAccess.UNAVAILABLE
    lesson = LessonPageFactory(parent=course)
    course, lesson = approve_page(course), approve_page(lesson)
    assert page_access_for(user=doctor, page=course) is PageAccess.ALLOWED
    assert page_access_for(user=doctor, page=lesson) is PageAccess.ALLOWED
