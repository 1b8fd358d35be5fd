import hashlib

import factory
from django.utils import timezone

from platform_core.models import AdverseEventReport
from platform_core.services.adverse_events import next_business_day
from tests.factories.accounts import DoctorFactory


class AdverseEventReportFactory(factory.django.DjangoModelFactory):
    """A queued report as ae_screen_text leaves it (new, unknown seriousness)."""

    class Meta:
        model = AdverseEventReport

    source_type = "test.comment"
    source_id = factory.Sequence(lambda n: str(n))
    text = factory.Sequence(lambda n: f"患者服用后出现皮疹 #{n}")
    text_sha256 = factory.LazyAttribute(lambda report: hashlib.sha256(report.text.encode()).hexdigest())
    matched_terms = factory.LazyFunction(lambda: ["皮疹"])
    reporter = factory.SubFactory(DoctorFactory, verified=True)
    sponsor = None
    product = None
    received_at = factory.LazyFunction(timezone.now)
    forward_due_at = factory.LazyAttribute(lambda report: next_business_day(report.received_at))
