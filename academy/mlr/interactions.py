"""Interaction verbs of MLR review (the page resolvers are academy's: course, lesson, quiz)."""

from platform_core.interactions import register_verb

register_verb(
    "mlr.decision_signed",
    object_types={"course", "lesson", "quiz"},
    client_allowed=False,
    description="An MLR reviewer signed a decision (approve or request changes) on a page revision.",
)
