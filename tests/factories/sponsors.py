import datetime

import factory

from platform_core.models import PrescribingInformation, Product, RepRegistration, Sponsor, TherapeuticArea
from tests.factories.base import ScopedModelFactory


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsor

    code = factory.Sequence(lambda n: f"sponsor-{n}")
    name = factory.Sequence(lambda n: f"测试制药{n}有限公司")
    name_en = factory.Sequence(lambda n: f"Test Pharma {n}")
    pv_contact_email = factory.LazyAttribute(lambda sponsor: f"pv@{sponsor.code}.example")
    is_active = True


class TherapeuticAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TherapeuticArea
        django_get_or_create = ("code",)

    code = "cardiology"
    name_zh = "心血管"
    name_en = "Cardiology"


class ProductFactory(ScopedModelFactory):
    class Meta:
        model = Product

    sponsor = factory.SubFactory(SponsorFactory)
    # Brand names are long and distinctive: the AE screen matches product names in free text.
    brand_name = factory.Sequence(lambda n: f"Brandol{n:04d}")
    generic_name = factory.Sequence(lambda n: f"测试他汀{n:04d}")
    generic_name_en = factory.Sequence(lambda n: f"teststatin{n:04d}")
    kind = Product.Kind.RX
    therapeutic_area = factory.SubFactory(TherapeuticAreaFactory)
    indication = "高胆固醇血症"


class PrescribingInformationFactory(ScopedModelFactory):
    class Meta:
        model = PrescribingInformation

    product = factory.SubFactory(ProductFactory)
    version = factory.Sequence(lambda n: f"2026-{n}")
    effective_date = factory.LazyFunction(datetime.date.today)
    is_current = True


class RepRegistrationFactory(ScopedModelFactory):
    class Meta:
        model = RepRegistration

    rep = None  # required: a RepFactory user
    sponsor = factory.LazyAttribute(lambda registration: registration.rep.sponsor)
    registration_number = factory.Sequence(lambda n: f"BA-{n:06d}")
    status = RepRegistration.Status.ACTIVE
    valid_until = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=365))
