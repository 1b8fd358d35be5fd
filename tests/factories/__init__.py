"""factory_boy factories for the shared domain (one module per area, all re-exported here)."""

from tests.factories.accounts import (
    DEFAULT_PASSWORD,
    AdminFactory,
    DoctorFactory,
    DoctorProfileFactory,
    ManagerFactory,
    MlrReviewerFactory,
    PvOfficerFactory,
    RepFactory,
    UserFactory,
    VerifierFactory,
)
from tests.factories.adverse_events import AdverseEventReportFactory
from tests.factories.consent import ConsentDocumentFactory, ConsentFactory
from tests.factories.doctors import VerificationRequestFactory
from tests.factories.sponsors import (
    PrescribingInformationFactory,
    ProductFactory,
    RepRegistrationFactory,
    SponsorFactory,
    TherapeuticAreaFactory,
)

__all__ = [
    "DEFAULT_PASSWORD",
    "AdminFactory",
    "AdverseEventReportFactory",
    "ConsentDocumentFactory",
    "ConsentFactory",
    "DoctorFactory",
    "DoctorProfileFactory",
    "ManagerFactory",
    "MlrReviewerFactory",
    "PrescribingInformationFactory",
    "ProductFactory",
    "PvOfficerFactory",
    "RepFactory",
    "RepRegistrationFactory",
    "SponsorFactory",
    "TherapeuticAreaFactory",
    "UserFactory",
    "VerificationRequestFactory",
    "VerifierFactory",
]
