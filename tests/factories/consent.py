import factory
from django.utils import timezone

from platform_core.models import Consent, ConsentDocument, ConsentPurpose
from tests.factories.accounts import DoctorFactory


class ConsentDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentDocument
        django_get_or_create = ("purpose", "version")

    purpose = ConsentPurpose.SPONSOR_DATA_SHARING
    version = "1.0"
    title = factory.LazyAttribute(lambda document: f"{document.purpose} v{document.version}")
    body = "同意书正文"
    effective_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=30))


class ConsentFactory(factory.django.DjangoModelFactory):
    """The current state of a consent, written directly (tests of the service use consent_give)."""

    class Meta:
        model = Consent

    user = factory.SubFactory(DoctorFactory, verified=True)
    purpose = ConsentPurpose.SPONSOR_DATA_SHARING
    sponsor = factory.Maybe(
        factory.LazyAttribute(lambda consent: consent.purpose != ConsentPurpose.PLATFORM_TERMS),
        yes_declaration=factory.SubFactory("tests.factories.sponsors.SponsorFactory"),
        no_declaration=None,
    )
    document = factory.SubFactory(ConsentDocumentFactory, purpose=factory.SelfAttribute("..purpose"))
    granted = True
    updated_at = factory.LazyFunction(timezone.now)
