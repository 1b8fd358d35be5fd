"""Pages: a refused case keeps what was typed, pages render for the right people (and in bounded
queries), 404 for everyone else, and buttons change what they say they change."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from academy.circles import services
from academy.circles.models import CaseComment, CasePost, Like, Report, Status
from tests.academy.circles.conftest import CLEAN_CASE
from tests.factories import DoctorFactory
from tests.platform_core.support import image_bytes

BASE = "/academy/circles"


def test_the_circle_list_for_doctors_and_nobody_else(client_for, circle, member, unverified_doctor, rep_a):
    page = client_for(member).get(f"{BASE}/")
    assert page.status_code == 200 and circle.name in page.content.decode()
    unverified = client_for(unverified_doctor).get(f"{BASE}/?tab=discover")
    assert unverified.status_code == 200
    assert circle.name in unverified.content.decode() and "/me/verification/" in unverified.content.decode()
    assert client_for(rep_a).get(f"{BASE}/").status_code == 404
    assert client_for().get(f"{BASE}/").status_code == 302


def test_a_sponsor_supported_circle_is_labelled(client_for, sponsored_circle, sponsor_a):
    doctor = DoctorFactory(verified=True)
    html = client_for(doctor).get(f"{BASE}/{sponsored_circle.pk}/").content.decode()
    assert sponsor_a.name in html and "badge-sponsor" in html


def test_joining_through_the_page(client_for, circle):
    doctor = DoctorFactory(verified=True)
    response = client_for(doctor).post(f"{BASE}/{circle.pk}/join/")
    assert response.status_code == 302
    assert circle.memberships.filter(user=doctor).exists()


def test_a_case_held_by_the_guard_keeps_what_was_typed(client_for, member, circle):
    client = client_for(member)
    typed = {**CLEAN_CASE, "history": "患者张三，男，56岁，电话13800138000。", "submit": "publish"}
    response = client.post(f"{BASE}/{circle.pk}/cases/new/", typed)
    post = CasePost.objects.get()
    assert post.status == Status.DRAFT
    assert response.status_code == 302 and response["Location"] == f"{BASE}/cases/{post.pk}/edit/"
    page = client.get(response["Location"]).content.decode()
    assert "患者张三，男，56岁，电话13800138000。" in page  # the typed text, back in the form
    assert CLEAN_CASE["question"] in page
    assert "deid-findings" in page and "138***" in page  # findings shown, masked
    fixed = client.post(f"{BASE}/cases/{post.pk}/edit/", {**typed, "mask_identifiers": "on"})
    assert fixed.status_code == 302 and fixed["Location"] == f"{BASE}/cases/{post.pk}/"
    assert CasePost.objects.get(pk=post.pk).status == Status.PUBLISHED


def test_a_refused_upload_rerenders_the_form_with_everything_typed(client_for, member, circle, stored_images):
    upload = SimpleUploadedFile("scan.png", b"MZ\x90\x00 an executable", content_type="image/png")
    response = client_for(member).post(
        f"{BASE}/{circle.pk}/cases/new/", {**CLEAN_CASE, "submit": "publish", "images": upload, "images_confirmed": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "scan.png" in html and "field-error" in html
    for value in CLEAN_CASE.values():
        assert value in html
    assert not CasePost.objects.exists()


def test_an_image_is_served_to_readers_only(client_for, member, circle, stored_images):
    upload = SimpleUploadedFile("ct.png", image_bytes("PNG"), content_type="image/png")
    response = client_for(member).post(
        f"{BASE}/{circle.pk}/cases/new/", {**CLEAN_CASE, "submit": "publish", "images": upload, "images_confirmed": "on"}
    )
    image = CasePost.objects.get().images.get()
    assert response.status_code == 302
    served = client_for(member).get(f"{BASE}/images/{image.pk}/")
    assert served.status_code == 200 and served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    outsider = DoctorFactory(verified=True)
    assert client_for(outsider).get(f"{BASE}/images/{image.pk}/").status_code == 404


def test_a_comment_held_by_the_guard_keeps_the_text(client_for, other_member, post):
    client = client_for(other_member)
    response = client.post(f"{BASE}/cases/{post.pk}/comments/", {"body": "患者刘德华也是这样，住院号 2023004512"})
    comment = CaseComment.objects.get()
    assert comment.status == Status.DRAFT
    assert response["Location"] == f"{BASE}/comments/{comment.pk}/edit/"
    page = client.get(response["Location"]).content.decode()
    assert "患者刘德华也是这样，住院号 2023004512" in page
    # Not shown to anyone else.
    assert "刘德华" not in client_for(DoctorFactory(verified=True)).get(f"{BASE}/cases/{post.pk}/").content.decode()


def test_an_empty_comment_rerenders_the_case_page(client_for, other_member, post):
    response = client_for(other_member).post(f"{BASE}/cases/{post.pk}/comments/", {"body": "   "})
    assert response.status_code == 400 and post.title in response.content.decode()
    assert not CaseComment.objects.exists()


def test_the_case_page_shows_threads_and_the_expert_answer(client_for, member, other_member, post, comment):
    services.comment_save(actor=member, post_id=post.pk, parent_id=comment.pk, body="谢谢建议，已复查肌钙蛋白。")
    services.comment_expert_answer_set(actor=member, comment_id=comment.pk, marked=True)
    html = client_for(other_member).get(f"{BASE}/cases/{post.pk}/").content.decode()
    assert "is-expert" in html and "谢谢建议，已复查肌钙蛋白。" in html and 'class="replies"' in html


def test_like_by_htmx_returns_the_buttons(client_for, other_member, post):
    response = client_for(other_member).post(f"{BASE}/cases/{post.pk}/like/", {"like": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="post-actions"' in response.content.decode()
    assert Like.objects.filter(post=post, user=other_member).exists()


def test_moderators_hide_from_the_page_with_a_reason(client_for, circle_moderator, other_member, post):
    services.report_file(actor=other_member, post_id=post.pk, reason="identifiable")
    client = client_for(circle_moderator)
    queue = client.get(f"{BASE}/moderation/")
    assert queue.status_code == 200 and post.title in queue.content.decode()
    refused = client.post(f"{BASE}/cases/{post.pk}/moderate/", {"action": "hide", "reason": ""})
    assert refused.status_code == 302 and not CasePost.objects.get(pk=post.pk).is_hidden
    client.post(f"{BASE}/cases/{post.pk}/moderate/", {"action": "hide", "reason": "含可识别信息"})
    assert CasePost.objects.get(pk=post.pk).is_hidden
    assert Report.objects.get().state == Report.State.ACTIONED


def test_the_moderation_queue_is_not_for_members(client_for, other_member, post):
    assert client_for(other_member).get(f"{BASE}/moderation/").status_code == 404
    assert (
        client_for(other_member).post(f"{BASE}/cases/{post.pk}/moderate/", {"action": "hide", "reason": "x"}).status_code == 404
    )
    assert not CasePost.objects.get(pk=post.pk).is_hidden


@pytest.mark.parametrize("path", ["{circle}/", "cases/{post}/", "{circle}/cases/new/"])
def test_non_members_get_no_content(client_for, circle, post, path):
    outsider = DoctorFactory(verified=True)
    response = client_for(outsider).get(f"{BASE}/" + path.format(circle=circle.pk, post=post.pk))
    assert post.title not in response.content.decode()
    assert response.status_code in (200, 404)  # the circle page itself offers to join


def test_page_query_counts_do_not_grow_with_content(
    client_for, member, other_member, circle, post, publish_case, django_assert_max_num_queries
):
    for number in range(6):
        extra = publish_case(actor=member, circle=circle, title=f"病例 {number}")
        top = services.comment_save(actor=other_member, post_id=post.pk, body=f"意见 {number}").item
        services.comment_save(actor=member, post_id=post.pk, parent_id=top.pk, body=f"回复 {number}")
        services.like_set(actor=other_member, post_id=extra.pk, liked=True)
    client = client_for(other_member)
    client.get(f"{BASE}/")  # session and capabilities warm-up
    with django_assert_max_num_queries(16):
        assert client.get(f"{BASE}/{circle.pk}/").status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get(f"{BASE}/cases/{post.pk}/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(f"{BASE}/?tab=discover").status_code == 200


def test_my_cases_lists_drafts_and_published_cases(client_for, member, circle, post):
    draft = services.post_save(
        actor=member, circle_id=circle.pk, fields={**CLEAN_CASE, "title": "待完善的病例"}, publish=False
    ).item
    html = client_for(member).get(f"{BASE}/mine/").content.decode()
    assert draft.title in html and post.title in html
    assert f"{BASE}/cases/{draft.pk}/edit/" in html
