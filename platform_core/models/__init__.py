from .accounts import OneTimeCode, RoleAssignment, User
from .adverse_events import AdverseEventReport
from .approvals import ApprovalCodeCounter, ElectronicSignature, MaterialApproval, SignatureDecision
from .audit import AuditEntry
from .campaigns import Campaign
from .consent import Consent, ConsentDocument, ConsentEvent, ConsentPurpose
from .doctors import (
    Department,
    DoctorProfile,
    Hospital,
    HospitalLevel,
    ProfessionalTitle,
    VerificationRequest,
    VerificationStatus,
)
from .interactions import InteractionEvent
from .privacy import DataRequest
from .sponsors import PrescribingInformation, Product, RepRegistration, Sponsor, TherapeuticArea

__all__ = [
    "AdverseEventReport",
    "ApprovalCodeCounter",
    "AuditEntry",
    "Campaign",
    "Consent",
    "ConsentDocument",
    "ConsentEvent",
    "ConsentPurpose",
    "DataRequest",
    "Department",
    "DoctorProfile",
    "ElectronicSignature",
    "Hospital",
    "HospitalLevel",
    "InteractionEvent",
    "MaterialApproval",
    "OneTimeCode",
    "PrescribingInformation",
    "ProfessionalTitle",
    "Product",
    "RepRegistration",
    "RoleAssignment",
    "SignatureDecision",
    "Sponsor",
    "TherapeuticArea",
    "User",
    "VerificationRequest",
    "VerificationStatus",
]
