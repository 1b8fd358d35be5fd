from rest_framework import serializers

from platform_core.models import (
    AdverseEventReport,
    ConsentPurpose,
    Department,
    HospitalLevel,
    Product,
    ProfessionalTitle,
    VerificationRequest,
)
from platform_core.permissions import capabilities_of


class MeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField(allow_null=True)
    roles = serializers.SerializerMethodField()
    capabilities = serializers.SerializerMethodField()
    sponsor_id = serializers.IntegerField(allow_null=True)
    verification_status = serializers.SerializerMethodField()

    def get_roles(self, user) -> list[str]:
        return sorted(user.role_codes)

    def get_capabilities(self, user) -> list[str]:
        return sorted(capabilities_of(user))

    def get_verification_status(self, user) -> str | None:
        profile = getattr(user, "doctor_profile", None)
        return profile.verification_status if profile else None


class ConsentOutput(serializers.Serializer):
    purpose = serializers.CharField()
    sponsor_id = serializers.IntegerField(allow_null=True)
    sponsor_name = serializers.CharField(allow_null=True)
    granted = serializers.BooleanField(allow_null=True)
    version = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


class ConsentChangeInput(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    sponsor_id = serializers.IntegerField(required=False, allow_null=True)
    granted = serializers.BooleanField()


class VerificationSubmitInput(serializers.Serializer):
    hospital_name = serializers.CharField(max_length=120)
    hospital_level = serializers.ChoiceField(choices=HospitalLevel.choices)
    province = serializers.CharField(max_length=20)
    city = serializers.CharField(max_length=20, required=False, allow_blank=True)
    department = serializers.ChoiceField(choices=Department.choices)
    title = serializers.ChoiceField(choices=ProfessionalTitle.choices)
    specialty = serializers.CharField(max_length=80, required=False, allow_blank=True)
    licence_number = serializers.CharField(max_length=40)
    evidence = serializers.FileField()


class VerificationRequestOutput(serializers.ModelSerializer):
    doctor_name = serializers.CharField(source="doctor.name")

    class Meta:
        model = VerificationRequest
        fields = [
            "id",
            "doctor_id",
            "doctor_name",
            "hospital_name",
            "hospital_level",
            "province",
            "city",
            "department",
            "title",
            "specialty",
            "status",
            "submitted_at",
            "decided_at",
            "decision_reason",
        ]


class VerificationDecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ProductOutput(serializers.ModelSerializer):
    therapeutic_area = serializers.CharField(source="therapeutic_area.code")

    class Meta:
        model = Product
        fields = [
            "id",
            "sponsor_id",
            "brand_name",
            "generic_name",
            "kind",
            "therapeutic_area",
            "indication",
            "registration_status",
        ]


class AdverseEventReportOutput(serializers.ModelSerializer):
    class Meta:
        model = AdverseEventReport
        fields = [
            "id",
            "source_type",
            "source_id",
            "text",
            "matched_terms",
            "reporter_id",
            "sponsor_id",
            "product_id",
            "received_at",
            "forward_due_at",
            "status",
            "seriousness",
            "patient_descriptor",
            "reaction",
            "suspect_product",
            "reporter_description",
            "triage_reason",
        ]


class AdverseEventTriageInput(serializers.Serializer):
    is_adverse_event = serializers.BooleanField()
    reason = serializers.CharField()
    patient_descriptor = serializers.CharField(required=False, allow_blank=True, default="")
    reaction = serializers.CharField(required=False, allow_blank=True, default="")
    suspect_product = serializers.CharField(required=False, allow_blank=True, default="")
    reporter_description = serializers.CharField(required=False, allow_blank=True, default="")
    seriousness = serializers.ChoiceField(choices=AdverseEventReport.Seriousness.choices, required=False, default="")


class DeletionRequestInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
