"""MLR review through Wagtail's admin with the test client: queue, preview, signing modal, refusals."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled
from wagtail.models import TaskState

from academy.models import CoursePage
from platform_core.models import AuditEntry, ElectronicSignature
from tests.academy.mlr.conftest import current_state, in_a_year, submit
from tests.factories import DEFAULT_PASSWORD, PrescribingInformationFactory
from tests.factories.academy import CoursePageFactory

pytestmark = pytest.mark.django_db

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def _action_url(page, action: str) -> str:
    return reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, current_state(page).pk])


def _signatures(page) -> int:
    with scopes_disabled():
        return ElectronicSignature.objects.filter(object_id=str(page.pk)).count()


def _post(client, page, action="approve", **data):
    payload = {"comment": "内容准确，同意发布", "confirm": "on", "password": DEFAULT_PASSWORD, **data}
    return client.post(_action_url(page, action), payload, **XHR)


def test_reviewer_sees_the_step_in_the_dashboard_and_opens_the_locked_editor(client_for, sponsored_course, editor, mlr_a):
    submit(sponsored_course, editor)
    client = client_for(mlr_a)
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert dashboard.status_code == 200
    assert sponsored_course.title in dashboard.content.decode()
    # Previewing the revision renders the course template (academy.web); it is covered with the lead's templates.
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[sponsored_course.pk]))
    assert edit.status_code == 200  # read-only: the page is locked while under review


def test_reviewer_of_another_sponsor_sees_nothing_and_cannot_act(client_for, sponsored_course, editor, mlr_b, audit_baseline):
    submit(sponsored_course, editor)
    client = client_for(mlr_b)
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert dashboard.status_code == 200 and sponsored_course.title not in dashboard.content.decode()
    missing = reverse("wagtailadmin_pages:workflow_action", args=[sponsored_course.pk, "approve", 987654321])
    assert client.get(missing, **XHR).status_code == 404
    assert client.get(_action_url(sponsored_course, "approve"), **XHR).status_code == 404  # exactly like a missing step
    preview_url = reverse(
        "wagtailadmin_pages:workflow_preview", args=[sponsored_course.pk, current_state(sponsored_course).task_id]
    )
    assert client.get(preview_url).status_code == 404
    assert _post(client, sponsored_course).status_code == 404
    assert client.get(reverse("wagtailadmin_pages:edit", args=[sponsored_course.pk])).status_code in (302, 403, 404)
    assert _signatures(sponsored_course) == 0
    assert current_state(sponsored_course).status == TaskState.STATUS_IN_PROGRESS
    assert not AuditEntry.objects.filter(id__gt=audit_baseline).exists()


def test_modal_shows_what_the_signature_means(client_for, sponsored_course, editor, mlr_a):
    submit(sponsored_course, editor)
    response = client_for(mlr_a).get(_action_url(sponsored_course, "approve"), **XHR)
    assert response.status_code == 200
    html = json.loads(response.content)["html"]
    assert 'type="password"' in html and mlr_a.name in html and 'name="confirm"' in html


def test_full_run_through_the_admin(client_for, sponsored_course, editor, mlr_a, audit_baseline):
    submit(sponsored_course, editor)
    client = client_for(mlr_a)
    for step in range(3):
        data = {"expires_on": in_a_year().isoformat()} if step == 2 else {}
        response = _post(client, sponsored_course, **data)
        assert response.status_code == 200
        assert json.loads(response.content)["step"] == "success", response.content.decode()[:2000]
    page = CoursePage.objects.get(pk=sponsored_course.pk)
    assert page.live and page.approval_code.startswith("XL-") and page.approval_expires_on == in_a_year()
    assert _signatures(page) == 3
    actions = list(AuditEntry.objects.filter(id__gt=audit_baseline, action__startswith="mlr.").values_list("action", flat=True))
    assert actions == ["mlr.medical.approved", "mlr.legal.approved", "mlr.regulatory.approved"]


def test_wrong_password_is_refused_with_a_clear_message_and_audited(client_for, sponsored_course, editor, mlr_a, audit_baseline):
    submit(sponsored_course, editor)
    response = _post(client_for(mlr_a), sponsored_course, password="wrong-password", comment="请保留这段意见")
    body = json.loads(response.content)
    assert body["step"] == "action"  # the modal again, with the error
    assert "password" in body["html"].lower() or "密码" in body["html"]
    assert "请保留这段意见" in body["html"]  # what the reviewer typed is kept
    assert _signatures(sponsored_course) == 0
    assert current_state(sponsored_course).status == TaskState.STATUS_IN_PROGRESS
    failure = AuditEntry.objects.filter(id__gt=audit_baseline, action="esign.reauthentication_failed").get()
    assert failure.actor_id == mlr_a.pk


def test_missing_current_pi_is_refused_with_the_reason_in_the_modal(client_for, series, editor, sponsor_a, product_a, mlr_a):
    PrescribingInformationFactory(product=product_a, version="2026-09", is_current=True)
    course = CoursePageFactory(parent=series, sponsor=sponsor_a, products=[product_a], publish=False)
    submit(course, editor)
    body = json.loads(_post(client_for(mlr_a), course).content)
    assert body["step"] == "action" and "2026-09" in body["html"]
    assert _signatures(course) == 0


def test_regulatory_expiry_beyond_two_years_is_refused_in_the_modal(client_for, sponsored_course, editor, mlr_a):
    submit(sponsored_course, editor)
    client = client_for(mlr_a)
    _post(client, sponsored_course)
    _post(client, sponsored_course)
    body = json.loads(_post(client, sponsored_course, expires_on="2099-01-01").content)
    assert body["step"] == "action"
    assert not CoursePage.objects.get(pk=sponsored_course.pk).live


def test_request_changes_through_the_admin(client_for, sponsored_course, editor, mlr_a):
    submit(sponsored_course, editor)
    body = json.loads(_post(client_for(mlr_a), sponsored_course, action="reject", comment="请补充参考文献").content)
    assert body["step"] == "success"
    with scopes_disabled():
        signature = ElectronicSignature.objects.get(object_id=str(sponsored_course.pk))
    assert signature.decision == "rejected" and signature.reason == "请补充参考文献"


def test_editor_publish_button_keeps_sponsored_material_a_draft(client_for, superuser, sponsored_course, product_a, pi_a):
    edit_url = reverse("wagtailadmin_pages:edit", args=[sponsored_course.pk])
    client = client_for(superuser)
    form = client.get(edit_url)
    assert form.status_code == 200
    with scopes_disabled():
        page = CoursePage.objects.get(pk=sponsored_course.pk)
    response = client.post(
        edit_url,
        {
            "title": page.title,
            "slug": page.slug,
            "summary": "直接发布的尝试",
            "therapeutic_area": page.therapeutic_area_id,
            "access_level": page.access_level,
            "completion_percent": page.completion_percent,
            "platform_credits": "0",
            "sponsor": page.sponsor_id,
            "products": [product_a.pk],
            "prescribing_information": [pi_a.pk],
            "course_speakers-TOTAL_FORMS": "0",
            "course_speakers-INITIAL_FORMS": "0",
            "course_speakers-MIN_NUM_FORMS": "0",
            "course_speakers-MAX_NUM_FORMS": "1000",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
            "action-publish": "action-publish",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(edit_url)
    page = CoursePage.objects.get(pk=sponsored_course.pk)
    with scopes_disabled():
        assert not page.live and page.get_latest_revision_as_object().summary == "直接发布的尝试"


def test_mlr_home_lists_the_queue_of_the_reviewers_sponsor_only(client_for, sponsored_course, editor, mlr_a, mlr_b):
    submit(sponsored_course, editor)
    own = client_for(mlr_a).get(reverse("home_mlr"))
    assert own.status_code == 200 and sponsored_course.title in own.content.decode()
    foreign = client_for(mlr_b).get(reverse("home_mlr"))
    assert foreign.status_code == 200 and sponsored_course.title not in foreign.content.decode()


def test_mlr_home_queue_costs_the_same_queries_for_one_or_many_steps(client_for, series, sponsor_a, editor, mlr_a):
    client = client_for(mlr_a)
    url = reverse("home_mlr")

    def queries() -> int:
        client.get(url)  # warm caches (content types, session)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    submit(CoursePageFactory(parent=series, sponsor=sponsor_a, publish=False), editor)
    one = queries()
    for _ in range(3):
        submit(CoursePageFactory(parent=series, sponsor=sponsor_a, publish=False), editor)
    assert queries() == one
