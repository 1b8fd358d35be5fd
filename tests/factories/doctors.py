import factory

from platform_core.models import Department, HospitalLevel, ProfessionalTitle, VerificationRequest
from tests.factories.accounts import DoctorFactory


class VerificationRequestFactory(factory.django.DjangoModelFactory):
    """A pending request. The evidence name points at no file: tests that need a real image
    go through `verification_submit`."""

    class Meta:
        model = VerificationRequest

    doctor = factory.SubFactory(DoctorFactory, pending=True)
    hospital_name = factory.Sequence(lambda n: f"测试市第{n}人民医院")
    hospital_level = HospitalLevel.TERTIARY_A
    province = "浙江省"
    city = "杭州市"
    department = Department.CARDIOLOGY
    title = ProfessionalTitle.ATTENDING
    specialty = "冠心病"
    licence_number = factory.Sequence(lambda n: f"110330000{n:09d}")
    evidence = "verification-evidence/factory/none.png"
    status = VerificationRequest.Status.PENDING
