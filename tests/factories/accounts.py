import factory

from platform_core.fields import blind_index
from platform_core.models import DoctorProfile, RepRegistration, RoleAssignment, User, VerificationStatus
from platform_core.roles import Role
from tests.factories.sponsors import RepRegistrationFactory, SponsorFactory

DEFAULT_PASSWORD = "Xl-test-Passw0rd!"


def _roles_hook(*default_roles: Role) -> factory.PostGeneration:
    """`roles=[...]` overrides the factory's default roles."""

    def assign(user, create, extracted, **kwargs):
        if not create:
            return
        for role in default_roles if extracted is None else extracted:
            RoleAssignment.objects.create(user=user, role=role)
        user.__dict__.pop("_role_codes", None)
        user.__dict__.pop("_capabilities", None)

    return factory.PostGeneration(assign)


class UserFactory(factory.django.DjangoModelFactory):
    """A person; `roles=[Role.X, ...]` gives roles, `mobile_number="138..."` a mobile (encrypted + blind index)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:05d}")
    email = factory.Sequence(lambda n: f"user{n:05d}@xinglin.test")
    name = factory.Sequence(lambda n: f"测试用户{n:05d}")
    password = factory.django.Password(DEFAULT_PASSWORD)
    sponsor = None
    roles = _roles_hook()

    @factory.post_generation
    def mobile_number(self, create, extracted, **kwargs):
        if create and extracted:
            self.mobile = extracted
            self.mobile_index = blind_index(extracted, purpose="mobile")
            self.save(update_fields=["mobile", "mobile_index"])


class DoctorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DoctorProfile

    user = factory.SubFactory(UserFactory)
    verification_status = VerificationStatus.UNVERIFIED


class DoctorFactory(UserFactory):
    """A doctor with a profile: unverified by default, `verified=True` or `pending=True`."""

    class Params:
        verification_status = VerificationStatus.UNVERIFIED
        verified = factory.Trait(verification_status=VerificationStatus.VERIFIED)
        pending = factory.Trait(verification_status=VerificationStatus.PENDING)

    roles = _roles_hook(Role.DOCTOR)
    profile = factory.RelatedFactory(
        DoctorProfileFactory,
        factory_related_name="user",
        verification_status=factory.SelfAttribute("..verification_status"),
    )


class _SponsorStaffFactory(UserFactory):
    sponsor = factory.SubFactory(SponsorFactory)


class RepFactory(_SponsorStaffFactory):
    """A rep registered (备案) with their sponsor. `registration__status=...` to suspend it,
    `registration=None` for no registration at all."""

    roles = _roles_hook(Role.REP)
    registration = factory.RelatedFactory(
        RepRegistrationFactory, factory_related_name="rep", status=RepRegistration.Status.ACTIVE
    )


class ManagerFactory(_SponsorStaffFactory):
    roles = _roles_hook(Role.MANAGER)


class MlrReviewerFactory(_SponsorStaffFactory):
    roles = _roles_hook(Role.MLR_REVIEWER)


class PvOfficerFactory(UserFactory):
    roles = _roles_hook(Role.PV_OFFICER)


class VerifierFactory(UserFactory):
    roles = _roles_hook(Role.VERIFIER)


class AdminFactory(UserFactory):
    """A platform administrator (a role, not `is_superuser`)."""

    is_staff = True
    roles = _roles_hook(Role.PLATFORM_ADMIN)
