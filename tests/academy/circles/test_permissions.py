"""Who may read, post and moderate: members read their circles; only verified HCPs join and post;
a circle's moderator moderates that circle only; sponsor staff see nothing of circles."""

import pytest

from academy.circles import selectors, services
from academy.circles.models import CaseComment, CasePost, Membership, Report
from platform_core.exceptions import NotFound
from tests.academy.circles.conftest import CLEAN_CASE
from tests.factories import DoctorFactory


def test_a_non_member_cannot_read_a_circles_cases(post, circle):
    outsider = DoctorFactory(verified=True)
    assert not selectors.post_list_for(actor=outsider, circle_id=circle.pk).exists()
    with pytest.raises(NotFound):
        selectors.post_get_for(actor=outsider, post_id=post.pk)
    with pytest.raises(NotFound):
        services.comment_save(actor=outsider, post_id=post.pk, body="路过")
    assert not CaseComment.objects.exists()


def test_a_member_who_loses_verification_stops_reading(member, other_member, post):
    profile = other_member.doctor_profile
    profile.verification_status = "pending"
    profile.save(update_fields=["verification_status"])
    other_member.__dict__.pop("_capabilities", None)
    with pytest.raises(NotFound):
        selectors.post_get_for(actor=other_member, post_id=post.pk)


def test_an_unverified_doctor_can_neither_join_nor_post(circle, unverified_doctor):
    with pytest.raises(NotFound):
        services.circle_join(actor=unverified_doctor, circle_id=circle.pk)
    with pytest.raises(NotFound):
        services.post_save(actor=unverified_doctor, circle_id=circle.pk, fields=CLEAN_CASE, publish=True)
    assert not Membership.objects.filter(user=unverified_doctor).exists()
    assert not CasePost.objects.exists()
    # They still see the circle list (with a prompt to verify).
    assert selectors.circle_list_for(actor=unverified_doctor).filter(pk=circle.pk).exists()


def test_a_verified_doctor_must_join_before_posting(circle):
    doctor = DoctorFactory(verified=True)
    with pytest.raises(Exception) as error:
        services.post_save(actor=doctor, circle_id=circle.pk, fields=CLEAN_CASE, publish=True)
    assert getattr(error.value, "details", {}).get("circle") == "not_member"
    assert not CasePost.objects.exists()


@pytest.mark.parametrize("role", ["rep_a", "manager_a", "mlr_b", "pv_officer", "verifier"])
def test_people_who_are_not_doctors_or_moderators_see_no_circles(request, role, circle, post):
    person = request.getfixturevalue(role)
    assert not selectors.circle_list_for(actor=person).exists()
    with pytest.raises(NotFound):
        selectors.circle_get_for(actor=person, circle_id=circle.pk)
    with pytest.raises(NotFound):
        selectors.post_get_for(actor=person, post_id=post.pk)


def test_drafts_are_private_to_their_author(member, other_member, circle, circle_moderator, platform_moderator):
    draft = services.post_save(actor=member, circle_id=circle.pk, fields=CLEAN_CASE, publish=False).item
    for reader in (other_member, circle_moderator, platform_moderator):
        with pytest.raises(NotFound):
            selectors.post_get_for(actor=reader, post_id=draft.pk)
    assert selectors.post_get_for(actor=member, post_id=draft.pk).pk == draft.pk


def test_hidden_content_is_seen_by_moderators_and_author_only(member, other_member, circle_moderator, post):
    services.content_visibility_set(actor=circle_moderator, post_id=post.pk, hidden=True, reason="待核实")
    with pytest.raises(NotFound):
        selectors.post_get_for(actor=other_member, post_id=post.pk)
    assert selectors.post_get_for(actor=member, post_id=post.pk).is_hidden
    assert selectors.post_get_for(actor=circle_moderator, post_id=post.pk).is_hidden
    assert not selectors.post_list_for(actor=other_member, circle_id=post.circle_id).exists()


def test_a_moderator_of_one_circle_cannot_moderate_another(make_circle, circle_moderator, publish_case, other_member, circle):
    elsewhere = make_circle(name="肿瘤MDT")
    author = DoctorFactory(verified=True)
    services.circle_join(actor=author, circle_id=elsewhere.pk)
    services.circle_join(actor=circle_moderator, circle_id=elsewhere.pk)  # a plain member there
    foreign_post = publish_case(actor=author, circle=elsewhere)
    reader = DoctorFactory(verified=True)
    services.circle_join(actor=reader, circle_id=elsewhere.pk)
    report = services.report_file(actor=reader, post_id=foreign_post.pk, reason="other")

    with pytest.raises(NotFound):
        services.content_visibility_set(actor=circle_moderator, post_id=foreign_post.pk, hidden=True, reason="越权")
    with pytest.raises(NotFound):
        services.report_dismiss(actor=circle_moderator, report_id=report.pk, reason="越权")
    assert not CasePost.objects.get(pk=foreign_post.pk).is_hidden
    assert Report.objects.get(pk=report.pk).state == Report.State.OPEN
    assert report.pk not in set(selectors.moderation_queue_for(actor=circle_moderator).values_list("pk", flat=True))


def test_a_platform_moderator_moderates_every_circle(platform_moderator, post):
    services.content_visibility_set(actor=platform_moderator, post_id=post.pk, hidden=True, reason="平台巡查")
    assert CasePost.objects.get(pk=post.pk).is_hidden


def test_an_ordinary_member_cannot_moderate(other_member, post):
    with pytest.raises(NotFound):
        services.content_visibility_set(actor=other_member, post_id=post.pk, hidden=True, reason="不喜欢")
    assert not CasePost.objects.get(pk=post.pk).is_hidden


def test_only_platform_moderators_create_circles_and_appoint_moderators(member, circle):
    with pytest.raises(NotFound):
        services.circle_create(actor=member, slug="x", name="x")
    with pytest.raises(NotFound):
        services.circle_moderator_appoint(actor=member, circle_id=circle.pk, user=member, reason="自荐")
    assert Membership.objects.get(circle=circle, user=member).role == Membership.Role.MEMBER


def test_a_moderator_must_be_a_verified_doctor(platform_moderator, circle, unverified_doctor):
    with pytest.raises(Exception) as error:
        services.circle_moderator_appoint(actor=platform_moderator, circle_id=circle.pk, user=unverified_doctor, reason="试用")
    assert getattr(error.value, "details", {}) == {"user": "not_verified"}
