"""The demo seed: realistic circles built through the services, idempotent."""

import io
import random

from academy.circles.demo import CIRCLES, seed_circles
from academy.circles.models import CasePost, Circle, Report, Status
from platform_core.models import AdverseEventReport
from platform_core.roles import Role
from tests.factories import DoctorFactory, SponsorFactory, UserFactory


def test_seed_circles_builds_clean_realistic_content_once(db):
    SponsorFactory(code="huakang", name="华康制药")
    UserFactory(roles=[Role.MODERATOR])
    named = DoctorFactory(verified=True, username="demo.doctor", profile__department="cardiology")
    for department in ("cardiology", "endocrinology", "oncology", "respiratory", "neurology", "general_practice"):
        for _ in range(4):
            DoctorFactory(verified=True, profile__department=department)
    out = io.StringIO()
    counts = seed_circles(out, random.Random(7))
    assert counts["circles"] == len(CIRCLES) == Circle.objects.count()
    assert Circle.objects.filter(sponsor__code="huakang").count() == 1
    published = CasePost.objects.filter(status=Status.PUBLISHED)
    assert published.count() == counts["cases"] >= 8
    assert all(post.identifier_findings == [] for post in published)
    # The named doctor has one draft held by the guard, and the moderation and PV queues have work.
    held = CasePost.objects.get(author=named, status=Status.DRAFT)
    assert {item["kind"] for item in held.identifier_findings} == {"patient_name", "mobile", "record_number"}
    assert Report.objects.filter(state=Report.State.OPEN).count() == 1
    assert AdverseEventReport.objects.filter(source_type="circles.casepost").exists()
    again = seed_circles(io.StringIO(), random.Random(7))
    assert again["circles"] == 0 and Circle.objects.count() == len(CIRCLES)
