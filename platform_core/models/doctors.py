from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from platform_core.fields import EncryptedTextField
from platform_core.storage import private_storage


class HospitalLevel(models.TextChoices):
    TERTIARY_A = "3A", _("Tertiary A (三级甲等)")
    TERTIARY_B = "3B", _("Tertiary B (三级乙等)")
    SECONDARY_A = "2A", _("Secondary A (二级甲等)")
    SECONDARY_B = "2B", _("Secondary B (二级乙等)")
    PRIMARY = "1", _("Primary (一级)")
    COMMUNITY = "C", _("Community (基层医疗机构)")


class Department(models.TextChoices):
    CARDIOLOGY = "cardiology", _("Cardiology")
    ENDOCRINOLOGY = "endocrinology", _("Endocrinology")
    ONCOLOGY = "oncology", _("Oncology")
    RESPIRATORY = "respiratory", _("Respiratory & critical care")
    NEUROLOGY = "neurology", _("Neurology")
    GASTROENTEROLOGY = "gastroenterology", _("Gastroenterology")
    NEPHROLOGY = "nephrology", _("Nephrology")
    RHEUMATOLOGY = "rheumatology", _("Rheumatology")
    GENERAL_PRACTICE = "general_practice", _("General practice")


class ProfessionalTitle(models.TextChoices):
    CHIEF = "chief", _("Chief physician")
    ASSOCIATE_CHIEF = "associate_chief", _("Associate chief physician")
    ATTENDING = "attending", _("Attending physician")
    RESIDENT = "resident", _("Resident")


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    PENDING = "pending", _("Pending review")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class Hospital(models.Model):
    name = models.CharField(_("hospital"), max_length=120)
    level = models.CharField(_("hospital level"), max_length=2, choices=HospitalLevel.choices)
    province = models.CharField(_("province"), max_length=20)
    city = models.CharField(_("city"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("hospital")
        verbose_name_plural = _("hospitals")
        constraints = [models.UniqueConstraint(fields=["name", "province"], name="hospital_unique")]

    def __str__(self) -> str:
        return self.name


class DoctorProfile(models.Model):
    """The HCP side of a user. Verified fields are copied here when a reviewer approves."""

    user = models.OneToOneField("platform_core.User", on_delete=models.CASCADE, related_name="doctor_profile")
    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, null=True, blank=True, related_name="doctors")
    department = models.CharField(_("department"), max_length=32, choices=Department.choices, blank=True)
    title = models.CharField(_("title"), max_length=32, choices=ProfessionalTitle.choices, blank=True)
    specialty = models.CharField(_("specialty"), max_length=80, blank=True)
    licence_number = EncryptedTextField(_("practice-licence number"), blank=True, default="")
    licence_index = models.CharField(max_length=64, null=True, blank=True, editable=False)
    verification_status = models.CharField(
        _("verification"), max_length=12, choices=VerificationStatus.choices, default=VerificationStatus.UNVERIFIED
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("doctor profile")
        verbose_name_plural = _("doctor profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["licence_index"], condition=Q(licence_index__isnull=False), name="doctor_licence_unique"
            )
        ]
        indexes = [models.Index(fields=["verification_status"])]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED


class VerificationRequest(models.Model):
    """One submission of HCP credentials, decided by a verifier with a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    doctor = models.ForeignKey("platform_core.User", on_delete=models.CASCADE, related_name="verification_requests")
    hospital_name = models.CharField(_("hospital"), max_length=120)
    hospital_level = models.CharField(_("hospital level"), max_length=2, choices=HospitalLevel.choices)
    province = models.CharField(_("province"), max_length=20)
    city = models.CharField(_("city"), max_length=20, blank=True)
    department = models.CharField(_("department"), max_length=32, choices=Department.choices)
    title = models.CharField(_("title"), max_length=32, choices=ProfessionalTitle.choices)
    specialty = models.CharField(_("specialty"), max_length=80, blank=True)
    licence_number = EncryptedTextField(_("practice-licence number"))
    evidence = models.FileField(
        _("evidence image"), upload_to="verification-evidence/%Y/%m/", storage=private_storage, max_length=200
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewer = models.ForeignKey("platform_core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("verification request")
        verbose_name_plural = _("verification requests")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["doctor"], condition=Q(status="pending"), name="verification_one_pending_per_doctor")
        ]

    def __str__(self) -> str:
        return f"{self.doctor} · {self.get_status_display()}"
