"""Services: the guard keeps drafts, screening queues AEs, moderation hides (never deletes), audit."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from PIL import Image

from academy.circles import services
from academy.circles.models import CaseComment, CasePost, Follow, Like, Membership, Report, Status
from platform_core.exceptions import Conflict, NotFound, ValidationFailed
from platform_core.models import AdverseEventReport, AuditEntry
from platform_core.services.audit import audit_chain_verify
from tests.academy.circles.conftest import CLEAN_CASE
from tests.factories import DoctorFactory
from tests.platform_core.support import image_bytes

AE_TEXT = "患者服用阿托伐他汀后出现肌痛、横纹肌溶解，CK 明显升高，已停药。"


def audit_actions(obj) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- The de-identification guard -----------------------------------------------------------------


def test_a_clean_case_is_published_and_audited(member, circle):
    result = services.post_save(actor=member, circle_id=circle.pk, fields=CLEAN_CASE, publish=True)
    post = CasePost.objects.get(pk=result.item.pk)
    assert result.published and post.status == Status.PUBLISHED and post.published_at is not None
    assert post.identifier_findings == []
    assert post.history.startswith("<p>") and "高血压病史10年" in post.history
    assert audit_actions(post) == ["circles.post.published"]


def test_a_case_with_identifiers_is_kept_as_a_draft_with_everything_typed(member, circle):
    fields = {**CLEAN_CASE, "history": "患者张三，男，56岁，电话13800138000。住院号：2023004512。"}
    result = services.post_save(actor=member, circle_id=circle.pk, fields=fields, publish=True)
    post = CasePost.objects.get(pk=result.item.pk)
    assert not result.published
    assert post.status == Status.DRAFT and post.published_at is None
    # Nothing typed is lost: every field is stored as the author wrote it.
    assert services.plain_text(post.history) == fields["history"]
    assert services.plain_text(post.question) == CLEAN_CASE["question"]
    assert {(item["kind"], item["field"]) for item in post.identifier_findings} == {
        ("patient_name", "history"),
        ("mobile", "history"),
        ("record_number", "history"),
    }
    # The findings keep a masked preview only, never the identifier itself.
    assert "13800138000" not in str(post.identifier_findings)
    assert audit_actions(post) == ["circles.post.held_for_identifiers"]


def test_a_held_draft_is_published_once_fixed(member, circle):
    held = services.post_save(
        actor=member, circle_id=circle.pk, fields={**CLEAN_CASE, "title": "患者李四的胸痛"}, publish=True
    ).item
    assert held.status == Status.DRAFT
    fixed = services.post_save(actor=member, post_id=held.pk, fields={**CLEAN_CASE, "title": "患者李某的胸痛"}, publish=True)
    assert fixed.published and fixed.item.pk == held.pk
    assert CasePost.objects.get(pk=held.pk).identifier_findings == []


def test_masking_on_request_publishes_the_masked_text(member, circle):
    fields = {**CLEAN_CASE, "history": "患者王小明因胸痛入院，身份证11010519491231002X。"}
    result = services.post_save(actor=member, circle_id=circle.pk, fields=fields, publish=True, mask_identifiers=True)
    assert result.published
    text = services.plain_text(CasePost.objects.get(pk=result.item.pk).history)
    assert "王某某" in text and "11010519491231002X" not in text


def test_identifiers_split_by_markup_are_still_found(member, circle):
    fields = {**CLEAN_CASE, "history": "<p>身份证 110105<b>19491231002X</b></p>"}
    result = services.post_save(actor=member, circle_id=circle.pk, fields=fields, publish=True)
    assert not result.published
    assert [item["kind"] for item in result.findings] == ["resident_id"]


def test_missing_required_fields_keep_the_case_as_a_draft(member, circle):
    result = services.post_save(actor=member, circle_id=circle.pk, fields={**CLEAN_CASE, "question": ""}, publish=True)
    assert not result.published and result.missing == ["question"]
    assert CasePost.objects.get(pk=result.item.pk).status == Status.DRAFT


def test_a_comment_with_identifiers_is_held_as_the_authors_draft(other_member, post):
    result = services.comment_save(actor=other_member, post_id=post.pk, body="我也见过类似病人，患者陈建国，电话 139 1234 5678")
    comment = CaseComment.objects.get(pk=result.item.pk)
    assert not result.published and comment.status == Status.DRAFT
    assert "陈建国" in services.plain_text(comment.body)
    assert audit_actions(comment) == ["circles.comment.held_for_identifiers"]
    published = services.comment_save(actor=other_member, comment_id=comment.pk, body="我也见过类似病人，患者陈某")
    assert published.published
    assert CaseComment.objects.get(pk=comment.pk).status == Status.PUBLISHED


def test_rich_text_is_sanitised(member, circle):
    fields = {**CLEAN_CASE, "history": '<p onclick="x()">胸痛<script>alert(1)</script><a href="javascript:alert(1)">链接</a></p>'}
    post = services.post_save(actor=member, circle_id=circle.pk, fields=fields, publish=True).item
    stored = CasePost.objects.get(pk=post.pk).history
    assert "script" not in stored and "onclick" not in stored and "javascript" not in stored
    assert "胸痛" in stored


def test_plain_text_is_escaped_not_interpreted(member, circle):
    post = services.post_save(
        actor=member, circle_id=circle.pk, fields={**CLEAN_CASE, "history": "LDL-C 3.2 < 目标值\n第二行"}, publish=True
    ).item
    stored = CasePost.objects.get(pk=post.pk).history
    assert "&lt;" in stored and "<br>" in stored


# --- Adverse-event screening ----------------------------------------------------------------------


def test_a_case_describing_an_adverse_event_reaches_the_pv_queue_verbatim(member, circle, product_a):
    post = services.post_save(
        actor=member,
        circle_id=circle.pk,
        fields={**CLEAN_CASE, "outcome": f"加用 {product_a.brand_name} 后出现严重皮疹。"},
        publish=True,
    ).item
    report = AdverseEventReport.objects.get(source_type="circles.casepost", source_id=str(post.pk))
    assert product_a.brand_name in report.text and "严重皮疹" in report.text
    assert report.reporter == member and report.product == product_a and report.sponsor_id == product_a.sponsor_id
    assert report.context["circle_id"] == circle.pk


def test_a_held_draft_is_screened_too(member, circle):
    post = services.post_save(
        actor=member, circle_id=circle.pk, fields={**CLEAN_CASE, "history": f"患者张三。{AE_TEXT}"}, publish=True
    ).item
    assert post.status == Status.DRAFT
    assert AdverseEventReport.objects.filter(source_type="circles.casepost", source_id=str(post.pk)).exists()


def test_comments_and_report_notes_are_screened(other_member, post):
    comment = services.comment_save(actor=other_member, post_id=post.pk, body=AE_TEXT).item
    assert AdverseEventReport.objects.filter(source_type="circles.casecomment", source_id=str(comment.pk)).exists()
    report = services.report_file(actor=other_member, post_id=post.pk, reason="adverse_event", note=AE_TEXT)
    assert AdverseEventReport.objects.filter(source_type="circles.report", source_id=str(report.pk)).exists()


def test_clean_text_creates_no_pv_report(member, circle):
    services.post_save(actor=member, circle_id=circle.pk, fields=CLEAN_CASE, publish=True)
    assert not AdverseEventReport.objects.exists()


# --- Moderation: hide, never delete ---------------------------------------------------------------


def test_hiding_keeps_the_content_and_restoring_brings_it_back(circle_moderator, post, other_member):
    report = services.report_file(actor=other_member, post_id=post.pk, reason="identifiable")
    services.content_visibility_set(actor=circle_moderator, post_id=post.pk, hidden=True, reason="疑似可识别患者")
    hidden = CasePost.objects.get(pk=post.pk)
    assert hidden.is_hidden and hidden.hidden_by == circle_moderator and hidden.hidden_reason == "疑似可识别患者"
    assert Report.objects.get(pk=report.pk).state == Report.State.ACTIONED
    services.content_visibility_set(actor=circle_moderator, post_id=post.pk, hidden=False, reason="作者已说明为虚构")
    assert not CasePost.objects.get(pk=post.pk).is_hidden
    assert audit_actions(post)[-2:] == ["circles.post.hidden", "circles.post.restored"]
    hidden_entry = AuditEntry.objects.get(object_id=str(post.pk), action="circles.post.hidden")
    assert hidden_entry.reason == "疑似可识别患者" and hidden_entry.actor_id == circle_moderator.pk
    assert audit_chain_verify()[1] is None


def test_hiding_marks_the_adverse_event_report_as_hidden_at_source(circle_moderator, other_member, post):
    comment = services.comment_save(actor=other_member, post_id=post.pk, body=AE_TEXT).item
    services.content_visibility_set(
        actor=circle_moderator, comment_id=comment.pk, hidden=True, reason="含不良事件描述，转药物警戒"
    )
    report = AdverseEventReport.objects.get(source_type="circles.casecomment", source_id=str(comment.pk))
    assert report.source_hidden
    assert AdverseEventReport.objects.get(pk=report.pk).text == AE_TEXT


def test_a_reason_is_required_to_moderate(circle_moderator, post):
    with pytest.raises(ValidationFailed):
        services.content_visibility_set(actor=circle_moderator, post_id=post.pk, hidden=True, reason="  ")
    assert not CasePost.objects.get(pk=post.pk).is_hidden


def test_published_content_cannot_be_deleted_even_by_sql(post, comment):
    for model, pk in ((CaseComment, comment.pk), (CasePost, post.pk)):
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.filter(pk=pk).delete()
        assert model.objects.filter(pk=pk).exists()


def test_a_draft_holding_an_adverse_event_cannot_be_discarded(member, circle):
    draft = services.post_save(actor=member, circle_id=circle.pk, fields={**CLEAN_CASE, "history": AE_TEXT}, publish=False).item
    with pytest.raises(Conflict):
        services.post_draft_discard(actor=member, post_id=draft.pk)
    assert CasePost.objects.filter(pk=draft.pk).exists()


def test_a_clean_draft_can_be_discarded(member, circle):
    draft = services.post_save(actor=member, circle_id=circle.pk, fields=CLEAN_CASE, publish=False).item
    services.post_draft_discard(actor=member, post_id=draft.pk)
    assert not CasePost.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(action="circles.post.draft_discarded", object_id=str(draft.pk)).exists()


def test_dismissing_a_report_needs_a_reason_and_is_audited(circle_moderator, other_member, post):
    report = services.report_file(actor=other_member, post_id=post.pk, reason="promotional", note="疑似推广")
    with pytest.raises(ValidationFailed):
        services.report_dismiss(actor=circle_moderator, report_id=report.pk, reason="")
    services.report_dismiss(actor=circle_moderator, report_id=report.pk, reason="学术讨论，无推广内容")
    report.refresh_from_db()
    assert report.state == Report.State.DISMISSED and report.decided_by == circle_moderator
    assert audit_actions(report) == ["circles.report.filed", "circles.report.dismissed"]
    with pytest.raises(Conflict):
        services.report_dismiss(actor=circle_moderator, report_id=report.pk, reason="再次")


def test_one_open_report_per_person_and_item(other_member, post):
    first = services.report_file(actor=other_member, post_id=post.pk, reason="other")
    second = services.report_file(actor=other_member, post_id=post.pk, reason="other")
    assert first.pk == second.pk and Report.objects.count() == 1


# --- Expert answers, likes, follows, membership --------------------------------------------------


def test_the_case_author_marks_one_expert_answer_and_marking_another_moves_it(member, other_member, post, comment):
    second = services.comment_save(actor=other_member, post_id=post.pk, body="另一个观点：可先做冠脉 CTA。").item
    services.comment_expert_answer_set(actor=member, comment_id=comment.pk, marked=True)
    services.comment_expert_answer_set(actor=member, comment_id=second.pk, marked=True)
    assert list(CaseComment.objects.filter(post=post, is_expert_answer=True).values_list("pk", flat=True)) == [second.pk]
    services.comment_expert_answer_set(actor=member, comment_id=second.pk, marked=False)
    assert not CaseComment.objects.filter(post=post, is_expert_answer=True).exists()
    assert audit_actions(second) == [
        "circles.comment.published",
        "circles.expert_answer.marked",
        "circles.expert_answer.unmarked",
    ]


def test_a_member_who_is_neither_author_nor_moderator_cannot_mark_expert_answers(other_member, post, circle):
    third = services.comment_save(actor=other_member, post_id=post.pk, body="补充：注意监测肝功能。").item
    bystander = DoctorFactory(verified=True)
    services.circle_join(actor=bystander, circle_id=circle.pk)
    with pytest.raises(NotFound):
        services.comment_expert_answer_set(actor=bystander, comment_id=third.pk, marked=True)
    assert not CaseComment.objects.get(pk=third.pk).is_expert_answer


def test_a_reply_to_a_reply_joins_the_top_level_thread(member, other_member, post, comment):
    reply = services.comment_save(actor=member, post_id=post.pk, parent_id=comment.pk, body="同意。").item
    reply_to_reply = services.comment_save(actor=other_member, post_id=post.pk, parent_id=reply.pk, body="谢谢。").item
    assert reply.parent_id == comment.pk and reply_to_reply.parent_id == comment.pk


def test_likes_and_follows_are_idempotent(other_member, post):
    for _ in range(2):
        services.like_set(actor=other_member, post_id=post.pk, liked=True)
        services.post_follow_set(actor=other_member, post_id=post.pk, following=True)
    assert Like.objects.filter(post=post).count() == 1 and Follow.objects.filter(post=post).count() == 1
    services.like_set(actor=other_member, post_id=post.pk, liked=False)
    assert not Like.objects.filter(post=post).exists()


def test_joining_twice_makes_one_membership(member, circle):
    services.circle_join(actor=member, circle_id=circle.pk)
    assert Membership.objects.filter(circle=circle, user=member).count() == 1


def test_leaving_keeps_the_posts(member, circle, post):
    services.circle_leave(actor=member, circle_id=circle.pk)
    assert not Membership.objects.filter(circle=circle, user=member).exists()
    assert CasePost.objects.get(pk=post.pk).status == Status.PUBLISHED


# --- Images --------------------------------------------------------------------------------------


def _jpeg_with_gps() -> bytes:
    return image_bytes("JPEG", exif={0x010F: "PhoneMaker", 0x8825: {2: (39.0, 54.0, 0.0)}})


def test_images_are_stored_without_metadata(member, circle, stored_images):
    upload = SimpleUploadedFile("ct.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    post = services.post_save(
        actor=member, circle_id=circle.pk, fields=CLEAN_CASE, publish=True, images=[upload], images_confirmed=True
    ).item
    image = post.images.get()
    with image.image.open("rb") as handle, Image.open(io.BytesIO(handle.read())) as stored:
        assert not stored.getexif()


def test_a_non_image_upload_is_refused_and_nothing_is_saved(member, circle, stored_images):
    upload = SimpleUploadedFile("report.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as error:
        services.post_save(
            actor=member, circle_id=circle.pk, fields=CLEAN_CASE, publish=True, images=[upload], images_confirmed=True
        )
    assert "report.jpg" in error.value.message and "JPEG" in error.value.message
    assert not CasePost.objects.exists()


def test_an_oversized_image_is_refused(member, circle, stored_images):
    big = SimpleUploadedFile("big.png", image_bytes("PNG") + b"\0" * (5 * 1024 * 1024), content_type="image/png")
    with pytest.raises(ValidationFailed) as error:
        services.post_save(
            actor=member, circle_id=circle.pk, fields=CLEAN_CASE, publish=True, images=[big], images_confirmed=True
        )
    assert error.value.details == {"images": error.value.message}
    assert not CasePost.objects.exists()


def test_images_need_the_no_identifier_confirmation(member, circle, stored_images):
    upload = SimpleUploadedFile("ct.png", image_bytes("PNG"), content_type="image/png")
    with pytest.raises(ValidationFailed) as error:
        services.post_save(actor=member, circle_id=circle.pk, fields=CLEAN_CASE, publish=True, images=[upload])
    assert "images_confirmed" in error.value.details
