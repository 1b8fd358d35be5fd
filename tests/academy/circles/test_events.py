"""Every user-facing action is one interaction event, carrying the sponsor of a sponsor-supported circle."""

import pytest

from academy.circles import services
from academy.circles.events import VERBS
from platform_core.interactions.verbs import get_verb
from tests.academy.circles.conftest import CLEAN_CASE
from tests.factories import DoctorFactory
from tests.platform_core.support import an_event, events_of, post_batch


def circle_events_of(user):
    return events_of(user, verb__in=list(VERBS)).order_by("received_at", "id")


def verbs_of(user) -> list[str]:
    return list(circle_events_of(user).values_list("verb", flat=True))


def test_the_verbs_are_registered():
    for name in VERBS:
        assert get_verb(name) is not None
    assert get_verb("case.read").client_allowed and not get_verb("case.posted").client_allowed


def test_each_action_in_a_sponsored_circle_is_an_event_with_the_sponsor(sponsored_circle, sponsor_a, client_for):
    author, reader = DoctorFactory(verified=True), DoctorFactory(verified=True)
    services.circle_join(actor=author, circle_id=sponsored_circle.pk)
    services.circle_join(actor=reader, circle_id=sponsored_circle.pk)
    post = services.post_save(actor=author, circle_id=sponsored_circle.pk, fields=CLEAN_CASE, publish=True).item
    response = client_for(reader).get(f"/academy/circles/cases/{post.pk}/")
    assert response.status_code == 200
    comment = services.comment_save(actor=reader, post_id=post.pk, body="赞同尽早造影。").item
    services.like_set(actor=reader, post_id=post.pk, liked=True)
    services.post_follow_set(actor=reader, post_id=post.pk, following=True)
    services.circle_follow_set(actor=reader, circle_id=sponsored_circle.pk, following=True)
    services.comment_expert_answer_set(actor=author, comment_id=comment.pk, marked=True)

    assert verbs_of(author) == ["circle.joined", "case.posted", "case.expert_answer_marked"]
    assert verbs_of(reader) == [
        "circle.joined",
        "case.viewed",
        "case.commented",
        "case.liked",
        "case.followed",
        "circle.followed",
    ]
    rows = list(circle_events_of(reader)) + list(circle_events_of(author))
    assert {row.sponsor_id for row in rows} == {sponsor_a.pk}
    assert all(row.context["circle_id"] == sponsored_circle.pk for row in rows)
    viewed = events_of(reader, verb="case.viewed").get()
    assert (viewed.object_type, viewed.object_id) == ("case_post", str(post.pk))


def test_events_of_an_unsponsored_circle_carry_no_sponsor(member, post):
    assert set(circle_events_of(member).values_list("sponsor_id", flat=True)) == {None}


def test_a_repeated_like_records_one_event(other_member, post):
    services.like_set(actor=other_member, post_id=post.pk, liked=True)
    services.like_set(actor=other_member, post_id=post.pk, liked=True)
    assert events_of(other_member, verb="case.liked").count() == 1


def test_a_held_draft_is_an_event_but_not_a_post(member, circle):
    services.post_save(actor=member, circle_id=circle.pk, fields={**CLEAN_CASE, "title": "患者张三"}, publish=True)
    saved = events_of(member, verb="case.draft_saved").get()
    assert saved.context["held_for_identifiers"] is True
    assert not events_of(member, verb="case.posted").exists()


@pytest.mark.parametrize("claimed", [None, "other"])
def test_client_reading_time_gets_the_circles_sponsor_from_the_server(
    sponsored_circle, sponsor_a, sponsor_b, client_for, claimed
):
    doctor = DoctorFactory(verified=True)
    services.circle_join(actor=doctor, circle_id=sponsored_circle.pk)
    post = services.post_save(actor=doctor, circle_id=sponsored_circle.pk, fields=CLEAN_CASE, publish=True).item
    event = an_event(verb="case.read", object_type="case_post", object_id=str(post.pk), value=42.0)
    if claimed == "other":
        event["sponsor_id"] = sponsor_b.pk
    response = post_batch(client_for(doctor), [event])
    stored = events_of(doctor, verb="case.read")
    if claimed == "other":
        assert response.status_code == 422 and not stored.exists()
    else:
        assert response.status_code in (200, 201, 202), response.content
        assert stored.get().sponsor_id == sponsor_a.pk
