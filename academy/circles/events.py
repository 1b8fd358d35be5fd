"""Interaction verbs and object resolvers of case circles, and the one helper services record events with.

Every event of a sponsor-supported circle carries that circle's sponsor (None otherwise). Browsers
may post `case.read` (seconds a case was read); its sponsor then comes from `resolve_*` below,
never from the client.
"""

import uuid
from collections.abc import Iterable

from platform_core.interactions import record_event, register_verb
from platform_core.interactions.resolvers import register_object_resolver

CIRCLE = "circle"
CASE_POST = "case_post"
CASE_COMMENT = "case_comment"

# verb -> (object types, may browsers post it?, value unit, description)
VERBS: dict[str, tuple[frozenset[str], bool, str, str]] = {
    "circle.joined": (frozenset({CIRCLE}), False, "", "A doctor joined a case circle."),
    "circle.left": (frozenset({CIRCLE}), False, "", "A doctor left a case circle."),
    "circle.followed": (frozenset({CIRCLE}), False, "", "A doctor followed a circle."),
    "circle.unfollowed": (frozenset({CIRCLE}), False, "", "A doctor stopped following a circle."),
    "case.draft_saved": (frozenset({CASE_POST}), False, "", "A case was saved as a draft (by choice or by the guard)."),
    "case.posted": (frozenset({CASE_POST}), False, "", "A case was published in a circle."),
    "case.viewed": (frozenset({CASE_POST}), False, "", "A case page was shown to a reader."),
    "case.read": (frozenset({CASE_POST}), True, "seconds", "Seconds a case was read (posted by the browser)."),
    "case.commented": (frozenset({CASE_COMMENT}), False, "", "A comment or reply was published; context has post and parent."),
    "case.liked": (frozenset({CASE_POST, CASE_COMMENT}), False, "", "A case or comment was liked."),
    "case.unliked": (frozenset({CASE_POST, CASE_COMMENT}), False, "", "A like was taken back."),
    "case.followed": (frozenset({CASE_POST}), False, "", "A doctor followed a case."),
    "case.unfollowed": (frozenset({CASE_POST}), False, "", "A doctor stopped following a case."),
    "case.expert_answer_marked": (frozenset({CASE_COMMENT}), False, "", "A comment was marked as the expert answer."),
    "case.expert_answer_unmarked": (frozenset({CASE_COMMENT}), False, "", "An expert-answer mark was removed."),
    "case.reported": (frozenset({CASE_POST, CASE_COMMENT}), False, "", "A member reported a case or comment."),
    "case.moderated": (
        frozenset({CASE_POST, CASE_COMMENT}),
        False,
        "",
        "A moderator hid or restored content or dismissed a report; context has the action.",
    ),
}


def _numeric(object_ids: Iterable[str]) -> list[int]:
    return [int(value) for value in object_ids if value.isascii() and value.isdigit() and int(value) < 2**63]


def resolve_circles(object_ids: Iterable[str]) -> dict[str, tuple[int | None, int | None]]:
    # Function-local import: resolvers are registered before models may be imported at module level.
    from academy.circles.models import Circle

    rows = Circle.objects.filter(pk__in=_numeric(object_ids)).values_list("pk", "sponsor_id")
    return {str(pk): (sponsor_id, None) for pk, sponsor_id in rows}


def resolve_posts(object_ids: Iterable[str]) -> dict[str, tuple[int | None, int | None]]:
    from academy.circles.models import CasePost

    rows = CasePost.objects.filter(pk__in=_numeric(object_ids)).values_list("pk", "circle__sponsor_id")
    return {str(pk): (sponsor_id, None) for pk, sponsor_id in rows}


def resolve_comments(object_ids: Iterable[str]) -> dict[str, tuple[int | None, int | None]]:
    from academy.circles.models import CaseComment

    rows = CaseComment.objects.filter(pk__in=_numeric(object_ids)).values_list("pk", "post__circle__sponsor_id")
    return {str(pk): (sponsor_id, None) for pk, sponsor_id in rows}


def register() -> None:
    """Called once from CirclesConfig.ready()."""
    for name, (object_types, client_allowed, value_unit, description) in VERBS.items():
        register_verb(
            name, object_types=object_types, client_allowed=client_allowed, value_unit=value_unit, description=description
        )
    register_object_resolver(CIRCLE, resolve_circles)
    register_object_resolver(CASE_POST, resolve_posts)
    register_object_resolver(CASE_COMMENT, resolve_comments)


def circle_event(*, actor, verb: str, object_type: str, object_id: int, circle, context: dict | None = None) -> None:
    """Record one server-side event of a circle's content, with the circle's sponsor (None if unsupported)."""
    record_event(
        actor=actor,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        sponsor_id=circle.sponsor_id,
        context={"circle_id": circle.pk, **(context or {})},
        client_event_id=f"{verb}:{uuid.uuid4().hex}",
    )
