"""The academy's interaction verbs and the resolvers that give its objects their sponsor and campaign."""

from collections.abc import Iterable

from platform_core.interactions import register_verb
from platform_core.interactions.resolvers import register_object_resolver

register_verb("course.viewed", object_types={"course"}, client_allowed=False, description="A course page was opened.")
register_verb("course.started", object_types={"course"}, client_allowed=False)
register_verb("course.completed", object_types={"course"}, client_allowed=False, value_unit="credits")
register_verb("lesson.viewed", object_types={"lesson"}, client_allowed=False)
register_verb(
    "lesson.heartbeat",
    object_types={"lesson"},
    client_allowed=False,
    value_unit="seconds",
    description="A player heartbeat; value = verified watch seconds it added (the sum is the credited watch time).",
)
register_verb("lesson.completed", object_types={"lesson"}, client_allowed=False, value_unit="seconds")
register_verb("quiz.attempted", object_types={"quiz"}, client_allowed=False, value_unit="percent")
register_verb("certificate.issued", object_types={"certificate"}, client_allowed=False, value_unit="credits")


def _resolve_pages(object_ids: Iterable[str]) -> dict[str, tuple[int | None, int | None]]:
    # Function-local import: resolvers are registered before models may be imported.
    from wagtail.models import Page

    from academy.models import CoursePage

    numeric = [int(object_id) for object_id in object_ids if object_id.isascii() and object_id.isdigit() and len(object_id) < 18]
    pages = {page.pk: page.path for page in Page.objects.filter(pk__in=numeric).only("path")}
    step = CoursePage.steplen
    prefixes = {path[:end] for path in pages.values() for end in range(step, len(path) + 1, step)}
    courses = {course.path: (course.sponsor_id, course.campaign_id) for course in CoursePage.objects.filter(path__in=prefixes)}
    resolved = {}
    for pk, path in pages.items():
        owner = next((value for course_path, value in courses.items() if path.startswith(course_path)), (None, None))
        resolved[str(pk)] = owner
    return resolved


for object_type in ("course", "lesson", "quiz"):
    register_object_resolver(object_type, _resolve_pages)
