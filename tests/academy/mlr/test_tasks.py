"""Withdrawal of material: expiry (daily beat task) and a product's withdrawn registration (cascade)."""

import datetime
import time

import pytest
from django.conf import settings
from django_scopes import scopes_disabled

from academy.mlr.services import expired_materials_withdraw, product_materials_withdraw
from academy.mlr.tasks import mlr_expired_materials_withdraw_task, mlr_product_materials_withdraw_task
from academy.models import CoursePage, LessonPage
from platform_core.exceptions import NotFound, ValidationFailed
from platform_core.models import AuditEntry, MaterialApproval, Product
from platform_core.services.products import product_registration_withdraw
from tests.academy.mlr.conftest import approve_all, in_a_year, submit
from tests.factories import PrescribingInformationFactory, ProductFactory
from tests.factories.academy import CoursePageFactory, LessonPageFactory, QuizPageFactory

TIMEOUT = 30


def _approved_course_with_parts(course, editor, reviewer, *, expires_on):
    submit(course, editor)
    course = approve_all(course, reviewer, expires_on=expires_on)
    parts = []
    for factory in (LessonPageFactory, QuizPageFactory):
        part = factory(parent=course, publish=False)
        submit(part, editor)
        parts.append(approve_all(part, reviewer, expires_on=expires_on))
    return course, parts


def _live(page) -> bool:
    return type(page).objects.get(pk=page.pk).live


@pytest.mark.django_db
class TestExpiry:
    def test_expired_material_is_unpublished_with_its_parts_audited_once(self, sponsored_course, editor, mlr_a, audit_baseline):
        expires_on = datetime.date.today() + datetime.timedelta(days=30)
        course, (lesson, quiz) = _approved_course_with_parts(sponsored_course, editor, mlr_a, expires_on=expires_on)

        assert expired_materials_withdraw(today=expires_on) == 0  # valid through its last day
        assert _live(course)

        day_after = expires_on + datetime.timedelta(days=1)
        assert expired_materials_withdraw(today=day_after) == 3
        for page in (course, lesson, quiz):
            stored = type(page).objects.get(pk=page.pk)
            assert not stored.live and stored.approval_code == ""
        with scopes_disabled():
            assert not MaterialApproval.objects.filter(
                object_id__in=[str(course.pk), str(lesson.pk), str(quiz.pk)], withdrawn_at__isnull=True
            ).exists()
        entries = AuditEntry.objects.filter(id__gt=audit_baseline, action="mlr.material.expired")
        assert sorted(int(entry.object_id) for entry in entries) == sorted([course.pk, lesson.pk, quiz.pk])
        assert all(course.approval_code in entry.reason or "expired" in entry.reason for entry in entries)
        assert all(entry.before["live"] is True and entry.after["live"] is False for entry in entries)

        assert expired_materials_withdraw(today=day_after) == 0  # idempotent: nothing left, nothing audited
        assert entries.count() == 3

    def test_beat_task_withdraws_what_expired_before_today(self, sponsored_course, editor, mlr_a, audit_baseline):
        submit(sponsored_course, editor)
        course = approve_all(sponsored_course, mlr_a)
        CoursePage.objects.filter(pk=course.pk).update(approval_expires_on=datetime.date.today() - datetime.timedelta(days=1))
        assert mlr_expired_materials_withdraw_task() == {"expired": 1, "product_withdrawn": 0}
        assert not _live(course)
        assert mlr_expired_materials_withdraw_task() == {"expired": 0, "product_withdrawn": 0}
        assert AuditEntry.objects.filter(id__gt=audit_baseline, action="mlr.material.expired").count() == 1

    def test_a_lesson_expiring_alone_leaves_its_course_live(self, sponsored_course, editor, mlr_a):
        course, (lesson, quiz) = _approved_course_with_parts(sponsored_course, editor, mlr_a, expires_on=in_a_year())
        LessonPage.objects.filter(pk=lesson.pk).update(approval_expires_on=datetime.date.today() - datetime.timedelta(days=1))
        assert expired_materials_withdraw() == 1
        assert not _live(lesson) and _live(course) and _live(quiz)

    def test_daily_schedule_runs_the_task(self):
        entry = settings.CELERY_BEAT_SCHEDULE["mlr-expired-materials-withdraw"]
        assert entry["task"] == mlr_expired_materials_withdraw_task.name
        assert entry["schedule"].hour == {0}


@pytest.mark.django_db
class TestProductWithdrawal:
    def test_withdrawing_registration_is_audited_and_signalled_after_commit(
        self, product_a, manager_a, audit_baseline, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            product_registration_withdraw(actor=manager_a, product=product_a, reason="国家药监局注销批准文号")
        with scopes_disabled():
            assert Product.objects.get(pk=product_a.pk).registration_status == Product.RegistrationStatus.WITHDRAWN
        entry = AuditEntry.objects.filter(id__gt=audit_baseline, action="product.registration.withdrawn").get()
        assert entry.reason == "国家药监局注销批准文号" and entry.before == {"registration_status": "active"}
        assert len(callbacks) == 1

    def test_reason_required_and_other_sponsor_refused(self, product_a, manager_b, manager_a):
        with pytest.raises(ValidationFailed):
            product_registration_withdraw(actor=manager_a, product=product_a, reason=" ")
        with pytest.raises(NotFound):
            product_registration_withdraw(actor=manager_b, product=product_a, reason="不是我的产品")
        with scopes_disabled():
            assert Product.objects.get(pk=product_a.pk).registration_status == Product.RegistrationStatus.ACTIVE

    def test_every_course_listing_the_product_is_withdrawn_with_its_parts(
        self,
        series,
        sponsored_course,
        editor,
        mlr_a,
        sponsor_a,
        product_a,
        pi_a,
        manager_a,
        audit_baseline,
        django_capture_on_commit_callbacks,
    ):
        course, (lesson, quiz) = _approved_course_with_parts(sponsored_course, editor, mlr_a, expires_on=in_a_year())
        other_product = ProductFactory(sponsor=sponsor_a)
        other_pi = PrescribingInformationFactory(product=other_product)
        unrelated = CoursePageFactory(
            parent=series, sponsor=sponsor_a, products=[other_product], prescribing_information=[other_pi], publish=False
        )
        submit(unrelated, editor)
        unrelated = approve_all(unrelated, mlr_a)

        with django_capture_on_commit_callbacks():
            product_registration_withdraw(actor=manager_a, product=product_a, reason="注销")
        assert product_materials_withdraw(product_id=product_a.pk, actor_id=manager_a.pk, reason="注销") == 3

        for page in (course, lesson, quiz):
            assert not _live(page)
        assert _live(unrelated) and CoursePage.objects.get(pk=unrelated.pk).approval_is_current()
        entries = AuditEntry.objects.filter(id__gt=audit_baseline, action="mlr.material.product_withdrawn")
        assert sorted(int(entry.object_id) for entry in entries) == sorted([course.pk, lesson.pk, quiz.pk])
        assert all(entry.actor_id == manager_a.pk and "注销" in entry.reason for entry in entries)
        assert product_materials_withdraw(product_id=product_a.pk, reason="again") == 0
        assert entries.count() == 3

    def test_nothing_is_withdrawn_while_the_registration_is_active(self, sponsored_course, editor, mlr_a, product_a):
        submit(sponsored_course, editor)
        course = approve_all(sponsored_course, mlr_a)
        assert product_materials_withdraw(product_id=product_a.pk) == 0
        assert _live(course)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_product_withdrawal_cascades_through_the_worker(
    mlr_workflow, sponsored_course, editor, mlr_a, product_a, manager_a, celery_worker_session
):
    course, (lesson, quiz) = _approved_course_with_parts(sponsored_course, editor, mlr_a, expires_on=in_a_year())
    assert celery_worker_session.app.tasks[mlr_product_materials_withdraw_task.name].acks_late
    product_registration_withdraw(actor=manager_a, product=product_a, reason="注册证注销")
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and any(_live(page) for page in (course, lesson, quiz)):
        time.sleep(0.2)
    assert not any(_live(page) for page in (course, lesson, quiz))
    assert AuditEntry.objects.filter(action="mlr.material.product_withdrawn", object_id=str(course.pk)).count() == 1
