"""Signing rules: re-authentication, the reviewer's sponsor, current prescribing information, codes and expiry."""

import datetime
import re
import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from wagtail.models import TaskState

from academy.mlr.services import mlr_decision_check
from academy.models import CoursePage
from platform_core.exceptions import NotFound, RateLimited, ValidationFailed
from platform_core.models import AuditEntry, ElectronicSignature, MaterialApproval, Product, SignatureDecision
from platform_core.roles import Role
from platform_core.services.approvals import (
    REAUTH_MAX_FAILURES,
    ReauthenticationFailed,
    approval_code_allocate,
    approval_expiry_latest,
    signature_reauthenticate,
)
from tests.academy.mlr.conftest import approve_all, current_state, in_a_year, sign, submit
from tests.factories import MlrReviewerFactory, PrescribingInformationFactory, UserFactory
from tests.factories.academy import CoursePageFactory

CODE = re.compile(r"^XL-\d{4}-\d{6}$")


def _nothing_signed(page) -> bool:
    with scopes_disabled():
        return not ElectronicSignature.objects.filter(object_id=str(page.pk)).exists()


@pytest.mark.django_db
class TestReauthentication:
    def test_wrong_password_refuses_the_decision_and_is_audited(self, sponsored_course, editor, mlr_a, audit_baseline):
        submit(sponsored_course, editor)
        with pytest.raises(ReauthenticationFailed) as refused:
            sign(sponsored_course, mlr_a, password="not-my-password")
        assert "password" in refused.value.message.lower() or "密码" in refused.value.message
        assert _nothing_signed(sponsored_course)
        state = current_state(sponsored_course)
        assert state.status == TaskState.STATUS_IN_PROGRESS and state.signature_id is None
        assert not AuditEntry.objects.filter(id__gt=audit_baseline, action__startswith="mlr.").exists()

    def test_after_too_many_wrong_passwords_signing_waits(self, sponsored_course, editor, mlr_a):
        submit(sponsored_course, editor)
        state = current_state(sponsored_course)
        for _attempt in range(REAUTH_MAX_FAILURES):
            with pytest.raises(ReauthenticationFailed):
                signature_reauthenticate(signer=mlr_a, password="wrong")
        with pytest.raises(RateLimited):
            sign(sponsored_course, mlr_a)  # even the right password waits now
        assert state.status == TaskState.STATUS_IN_PROGRESS and _nothing_signed(sponsored_course)

    def test_signer_without_a_printed_name_cannot_sign(self, sponsored_course, editor, sponsor_a):
        nameless = MlrReviewerFactory(sponsor=sponsor_a, name="")
        submit(sponsored_course, editor)
        with pytest.raises(ValidationFailed) as refused:
            sign(sponsored_course, nameless)
        assert refused.value.details == {"signer": "no_name"}
        assert _nothing_signed(sponsored_course)

    def test_a_comment_is_required(self, sponsored_course, editor, mlr_a):
        submit(sponsored_course, editor)
        with pytest.raises(ValidationFailed):
            sign(sponsored_course, mlr_a, comment="   ")
        assert _nothing_signed(sponsored_course)


@pytest.mark.django_db
class TestWhoMaySign:
    def test_reviewer_of_another_sponsor_gets_not_found_and_nothing_changes(self, sponsored_course, editor, mlr_b):
        submit(sponsored_course, editor)
        with pytest.raises(NotFound):
            sign(sponsored_course, mlr_b)
        assert current_state(sponsored_course).status == TaskState.STATUS_IN_PROGRESS
        assert _nothing_signed(sponsored_course)

    @pytest.mark.parametrize("roles", [[Role.EDITOR], [Role.MANAGER], [Role.PLATFORM_ADMIN], []])
    def test_staff_of_the_sponsor_without_the_reviewer_role_get_not_found(self, sponsored_course, editor, sponsor_a, roles):
        user = UserFactory(sponsor=sponsor_a, roles=roles)
        submit(sponsored_course, editor)
        with pytest.raises(NotFound):
            sign(sponsored_course, user)
        assert _nothing_signed(sponsored_course)

    def test_superuser_is_not_a_reviewer(self, sponsored_course, editor, sponsor_a):
        superuser = UserFactory(is_superuser=True, is_staff=True, sponsor=sponsor_a)
        submit(sponsored_course, editor)
        assert current_state(sponsored_course).task.specific.get_actions(sponsored_course, superuser) == []
        with pytest.raises(NotFound):
            sign(sponsored_course, superuser)

    def test_queue_shows_a_step_only_to_reviewers_of_its_sponsor(self, sponsored_course, editor, mlr_a, mlr_b):
        submit(sponsored_course, editor)
        own = list(TaskState.objects.reviewable_by(mlr_a))
        assert [state.pk for state in own] == [current_state(sponsored_course).pk]
        assert not TaskState.objects.reviewable_by(mlr_b).exists()

    def test_a_decided_step_cannot_be_signed_again(self, sponsored_course, editor, mlr_a):
        submit(sponsored_course, editor)
        first = current_state(sponsored_course)
        sign(sponsored_course, mlr_a)
        first.refresh_from_db()
        with pytest.raises(Exception) as refused:
            mlr_decision_check(task_state=first, reviewer=mlr_a, decision=SignatureDecision.APPROVED)
        assert getattr(refused.value, "code", "") == "conflict"


@pytest.mark.django_db
class TestPrescribingInformation:
    def _course(self, series, sponsor, products, pis):
        return CoursePageFactory(parent=series, sponsor=sponsor, products=products, prescribing_information=pis, publish=False)

    def test_approval_refused_without_the_current_pi_and_reason_is_given(self, series, editor, sponsor_a, product_a, mlr_a):
        PrescribingInformationFactory(product=product_a, version="2026-03", is_current=True)
        course = self._course(series, sponsor_a, [product_a], [])
        submit(course, editor)
        with pytest.raises(ValidationFailed) as refused:
            sign(course, mlr_a)
        assert "2026-03" in refused.value.message
        assert _nothing_signed(course) and current_state(course).status == TaskState.STATUS_IN_PROGRESS

    def test_approval_refused_when_only_an_outdated_pi_is_referenced(self, series, editor, sponsor_a, product_a, mlr_a):
        old = PrescribingInformationFactory(product=product_a, version="2024-01", is_current=False)
        PrescribingInformationFactory(product=product_a, version="2026-05", is_current=True)
        course = self._course(series, sponsor_a, [product_a], [old])
        submit(course, editor)
        with pytest.raises(ValidationFailed) as refused:
            sign(course, mlr_a)
        assert "2026-05" in refused.value.message and "2024-01" in refused.value.message

    def test_approval_refused_when_the_product_has_no_pi_on_file(self, series, editor, sponsor_a, product_a, mlr_a):
        course = self._course(series, sponsor_a, [product_a], [])
        submit(course, editor)
        with pytest.raises(ValidationFailed) as refused:
            sign(course, mlr_a)
        assert refused.value.details["problems"]

    def test_approval_refused_when_the_registration_is_withdrawn(self, sponsored_course, editor, product_a, mlr_a):
        with scopes_disabled():
            Product.objects.filter(pk=product_a.pk).update(registration_status=Product.RegistrationStatus.WITHDRAWN)
        submit(sponsored_course, editor)
        with pytest.raises(ValidationFailed):
            sign(sponsored_course, mlr_a)

    def test_requesting_changes_is_always_possible(self, series, editor, sponsor_a, product_a, mlr_a):
        course = self._course(series, sponsor_a, [product_a], [])
        submit(course, editor)
        signature = sign(course, mlr_a, SignatureDecision.REJECTED, comment="请引用现行说明书")
        assert signature.decision == SignatureDecision.REJECTED

    def test_course_without_products_needs_no_pi(self, series, editor, sponsor_a, mlr_a):
        course = self._course(series, sponsor_a, [], [])
        submit(course, editor)
        assert approve_all(course, mlr_a).approval_is_current()

    def test_lesson_approval_checks_its_course_products(self, sponsored_course, editor, mlr_a, pi_a, product_a):
        from tests.factories.academy import LessonPageFactory

        submit(sponsored_course, editor)
        approve_all(sponsored_course, mlr_a)
        PrescribingInformationFactory(product=product_a, version="2027-01", is_current=False)
        with scopes_disabled():
            type(pi_a).objects.filter(pk=pi_a.pk).update(is_current=False)
            type(pi_a).objects.filter(product=product_a, version="2027-01").update(is_current=True)
        lesson = LessonPageFactory(parent=sponsored_course, publish=False)
        submit(lesson, editor)
        with pytest.raises(ValidationFailed) as refused:
            sign(lesson, mlr_a)
        assert "2027-01" in refused.value.message


@pytest.mark.django_db
class TestApprovalStamp:
    def test_expiry_is_limited_to_two_years_and_must_be_in_the_future(self, sponsored_course, editor, mlr_a):
        submit(sponsored_course, editor)
        sign(sponsored_course, mlr_a)
        sign(sponsored_course, mlr_a)
        too_late = approval_expiry_latest() + datetime.timedelta(days=1)
        for bad in (too_late, timezone.localdate()):
            with pytest.raises(ValidationFailed) as refused:
                sign(sponsored_course, mlr_a, expires_on=bad)
            assert "expires_on" in refused.value.details
        sign(sponsored_course, mlr_a, expires_on=approval_expiry_latest())
        page = CoursePage.objects.get(pk=sponsored_course.pk)
        assert page.approval_expires_on == approval_expiry_latest() and page.approval_is_current()

    def test_final_step_needs_medical_and_legal_signatures_on_the_same_revision(self, sponsored_course, editor, mlr_a):
        from wagtail.models import Workflow, WorkflowTask

        from academy.mlr.models import RegulatoryReviewTask

        only_final = Workflow.objects.create(name="只有注册审核")
        WorkflowTask.objects.create(workflow=only_final, task=RegulatoryReviewTask.objects.get(), sort_order=0)
        with scopes_disabled():
            only_final.start(sponsored_course, editor)
        with pytest.raises(ValidationFailed) as refused:
            sign(sponsored_course, mlr_a)
        assert set(refused.value.details["missing_steps"]) == {"medical", "legal"}

    def test_codes_are_sequential_per_year_and_formatted(self, db):
        with transaction.atomic():
            first = approval_code_allocate(year=2031)
            second = approval_code_allocate(year=2031)
            other_year = approval_code_allocate(year=2032)
        assert (first, second, other_year) == ("XL-2031-000001", "XL-2031-000002", "XL-2032-000001")

    def test_a_rolled_back_approval_gives_its_number_back(self, db):
        with pytest.raises(RuntimeError), transaction.atomic():
            approval_code_allocate(year=2033)
            raise RuntimeError("approval failed after the code was drawn")
        with transaction.atomic():
            assert approval_code_allocate(year=2033) == "XL-2033-000001"

    def test_signatures_are_append_only_in_the_database(self, sponsored_course, editor, mlr_a):
        submit(sponsored_course, editor)
        signature = sign(sponsored_course, mlr_a)
        for statement in (
            "UPDATE platform_core_electronicsignature SET meaning = 'forged' WHERE id = %s",
            "DELETE FROM platform_core_electronicsignature WHERE id = %s",
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [signature.pk])
        with scopes_disabled():
            assert ElectronicSignature.objects.get(pk=signature.pk).meaning == signature.meaning


@pytest.mark.django_db(transaction=True)
def test_approval_codes_are_unique_and_gap_free_under_concurrency():
    year, threads_count, per_thread = 2040, 6, 5
    codes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_count)

    def draw():
        try:
            barrier.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    codes.append(approval_code_allocate(year=year))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=draw) for _ in range(threads_count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert all(CODE.match(code) for code in codes)
    assert sorted(codes) == [f"XL-{year}-{number:06d}" for number in range(1, threads_count * per_thread + 1)]


@pytest.mark.django_db
def test_material_approval_code_is_unique_in_the_database(sponsored_course, editor, mlr_a):
    submit(sponsored_course, editor)
    page = approve_all(sponsored_course, mlr_a, expires_on=in_a_year())
    with scopes_disabled():
        approval = MaterialApproval.objects.get(code=page.approval_code)
        medical = ElectronicSignature.objects.filter(object_id=str(page.pk), step="medical").get()
        with pytest.raises(DatabaseError), transaction.atomic():
            MaterialApproval.objects.create(
                sponsor=approval.sponsor,
                content_type=approval.content_type,
                object_id=approval.object_id,
                object_repr="a second approval with the same code",
                revision_id=approval.revision_id,
                code=approval.code,
                signature=medical,
                approved_at=approval.approved_at,
                expires_on=approval.expires_on,
            )
