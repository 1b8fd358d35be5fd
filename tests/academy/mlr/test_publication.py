"""Only the approved revision is deliverable: edits after approval and direct publishing send material back."""

import pytest
from django_scopes import scopes_disabled

from academy.models import CoursePage
from academy.selectors import PageAccess, page_access_for
from platform_core.models import AuditEntry, MaterialApproval
from tests.academy.mlr.conftest import approve_all, current_state, submit
from tests.factories import UserFactory
from tests.factories.academy import CoursePageFactory

pytestmark = pytest.mark.django_db


def _edit_and_publish(page, user, **changes):
    """An editor's change published directly by someone allowed to publish (bypassing review)."""
    publisher = UserFactory(is_superuser=True, is_staff=True)
    with scopes_disabled():
        draft = page.get_latest_revision_as_object()
        for field, value in changes.items():
            setattr(draft, field, value)
        revision = draft.save_revision(user=user)
        revision.publish(user=publisher)
    return CoursePage.objects.get(pk=page.pk), revision


def test_edit_published_after_approval_is_not_deliverable(sponsored_course, editor, mlr_a, doctor, audit_baseline):
    submit(sponsored_course, editor)
    approved = approve_all(sponsored_course, mlr_a)
    old_code = approved.approval_code
    assert page_access_for(user=doctor, page=approved) is PageAccess.ALLOWED

    page, revision = _edit_and_publish(approved, editor, summary="新增疗效数据（未经审核）")

    assert page.live and page.summary == "新增疗效数据（未经审核）"
    assert page.approval_code == "" and page.approved_at is None
    assert not page.approval_is_current()
    assert page_access_for(user=doctor, page=page) is PageAccess.UNAVAILABLE
    with scopes_disabled():
        assert MaterialApproval.objects.get(code=old_code).withdrawn_at is not None
    entry = AuditEntry.objects.filter(id__gt=audit_baseline, action="mlr.material.published_unapproved").get()
    assert entry.before["approval_code"] == old_code and entry.after["live_revision_id"] == revision.pk
    assert str(revision.pk) in entry.reason


def test_edit_goes_back_through_review_and_gets_a_new_code(sponsored_course, editor, mlr_a, doctor):
    submit(sponsored_course, editor)
    first = approve_all(sponsored_course, mlr_a)
    page, _revision = _edit_and_publish(first, editor, summary="第二版")
    submit(page, editor)
    second = approve_all(page, mlr_a)
    assert second.approval_code and second.approval_code != first.approval_code
    assert second.summary == "第二版" and page_access_for(user=doctor, page=second) is PageAccess.ALLOWED
    with scopes_disabled():
        assert MaterialApproval.objects.filter(object_id=str(page.pk), withdrawn_at__isnull=True).count() == 1


def test_unpublished_edit_keeps_the_approved_version_live(sponsored_course, editor, mlr_a, doctor):
    submit(sponsored_course, editor)
    approved = approve_all(sponsored_course, mlr_a)
    with scopes_disabled():
        draft = approved.get_latest_revision_as_object()
        draft.summary = "草稿修改"
        draft.save_revision(user=editor)
    page = CoursePage.objects.get(pk=approved.pk)
    assert page.has_unpublished_changes and page.summary != "草稿修改"
    assert page.approval_code == approved.approval_code
    assert page_access_for(user=doctor, page=page) is PageAccess.ALLOWED


def test_superuser_direct_publish_of_a_new_sponsored_page_is_not_deliverable(
    series, sponsor_a, doctor, superuser, audit_baseline
):
    course = CoursePageFactory(parent=series, sponsor=sponsor_a, publish=False)
    with scopes_disabled():
        draft = course.get_latest_revision_as_object()
        draft.approval_code = "XL-2026-999999"  # a forged stamp in the content does not help
        draft.save_revision(user=superuser).publish(user=superuser)
    page = CoursePage.objects.get(pk=course.pk)
    assert page.live and page.approval_code == ""
    assert page_access_for(user=doctor, page=page) is PageAccess.UNAVAILABLE
    assert AuditEntry.objects.filter(
        id__gt=audit_baseline, action="mlr.material.published_unapproved", object_id=str(page.pk)
    ).exists()


def test_republishing_an_old_approved_revision_after_a_newer_approval_is_not_deliverable(sponsored_course, editor, mlr_a, doctor):
    submit(sponsored_course, editor)
    first = approve_all(sponsored_course, mlr_a)
    first_revision = first.live_revision
    page, _ = _edit_and_publish(first, editor, summary="第二版")
    submit(page, editor)
    approve_all(page, mlr_a)
    with scopes_disabled():
        first_revision.publish(user=None)  # the superseded approval does not come back
    page = CoursePage.objects.get(pk=page.pk)
    assert page.live_revision_id == first_revision.pk and page.approval_code == ""
    assert page_access_for(user=doctor, page=page) is PageAccess.UNAVAILABLE


def test_unsponsored_pages_publish_normally(series, editor, doctor, audit_baseline):
    course = CoursePageFactory(parent=series, access_level="public")
    assert page_access_for(user=doctor, page=course) is PageAccess.ALLOWED
    assert not AuditEntry.objects.filter(id__gt=audit_baseline, action__startswith="mlr.").exists()


def test_nobody_edits_a_page_while_it_is_under_review(sponsored_course, editor, mlr_a):
    submit(sponsored_course, editor)
    task = current_state(sponsored_course).task.specific
    assert task.locked_for_user(sponsored_course, editor) and task.locked_for_user(sponsored_course, mlr_a)
