"""REST API v1 of the shared domain. Thin: input serializer → service → output serializer."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from platform_core import selectors
from platform_core.api.base import CapabilityApi, SponsorScopedListApi, SponsorScopedRetrieveApi
from platform_core.api.serializers import (
    AdverseEventReportOutput,
    AdverseEventTriageInput,
    ConsentChangeInput,
    ConsentOutput,
    DeletionRequestInput,
    MeOutput,
    ProductOutput,
    VerificationDecisionInput,
    VerificationRequestOutput,
    VerificationSubmitInput,
)
from platform_core.exceptions import ApplicationError
from platform_core.services import adverse_events, consent, privacy, verification


class TokenObtainInput(serializers.Serializer):
    login = serializers.CharField()
    password = serializers.CharField()


class TokenObtainApi(APIView):
    """Exchange e-mail/mobile + password for an API token (lockout on username + IP applies)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=TokenObtainInput, responses={200: {"type": "object", "properties": {"token": {"type": "string"}}}})
    def post(self, request):
        data = TokenObtainInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, login=data.validated_data["login"], password=data.validated_data["password"])
        if user is None:
            raise ApplicationError("Unable to log in with the given credentials.", code="invalid_credentials")
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeOutput)
    def get(self, request):
        return Response(MeOutput(request.user).data)


def _consent_rows(user) -> list[dict]:
    rows = []
    for row in selectors.consent_overview_for(user=user):
        current = row["consent"]
        rows.append(
            {
                "purpose": row["purpose"],
                "sponsor_id": row["sponsor"].pk if row["sponsor"] else None,
                "sponsor_name": row["sponsor"].name if row["sponsor"] else None,
                "granted": current.granted if current else None,
                "version": current.document.version if current else None,
                "updated_at": current.updated_at if current else None,
            }
        )
    return rows


class ConsentListApi(APIView):
    """GET: every consent with its state. POST: give or withdraw one (effective at once)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ConsentOutput(many=True))
    def get(self, request):
        return Response(ConsentOutput(_consent_rows(request.user), many=True).data)

    @extend_schema(request=ConsentChangeInput, responses=ConsentOutput(many=True))
    def post(self, request):
        data = ConsentChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["granted"]:
            consent.consent_give(user=request.user, purpose=values["purpose"], sponsor_id=values.get("sponsor_id"))
        else:
            consent.consent_withdraw(user=request.user, purpose=values["purpose"], sponsor_id=values.get("sponsor_id"))
        return Response(ConsentOutput(_consent_rows(request.user), many=True).data)


class VerificationSubmitApi(CapabilityApi):
    required_capability = "doctor.submit_verification"
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=VerificationSubmitInput, responses={201: VerificationRequestOutput})
    def post(self, request):
        data = VerificationSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        submitted = verification.verification_submit(doctor=request.user, **data.validated_data)
        return Response(VerificationRequestOutput(submitted).data, status=status.HTTP_201_CREATED)


class VerificationQueueApi(SponsorScopedListApi):
    required_capability = "verification.review"
    serializer_class = VerificationRequestOutput

    def selector(self, *, actor):
        return selectors.verification_queue_for(actor=actor)


class VerificationDecideApi(CapabilityApi):
    required_capability = "verification.review"
    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=VerificationDecisionInput, responses=VerificationRequestOutput)
    def post(self, request, pk: int):
        data = VerificationDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        decided = verification.verification_decide(reviewer=request.user, request_id=pk, **data.validated_data)
        return Response(VerificationRequestOutput(decided).data)


class ProductListApi(SponsorScopedListApi):
    required_capability = "sponsor.view_products"
    serializer_class = ProductOutput

    def selector(self, *, actor):
        return selectors.product_list_for(actor=actor)


class ProductDetailApi(SponsorScopedRetrieveApi):
    required_capability = "sponsor.view_products"
    serializer_class = ProductOutput

    def getter(self, *, actor, pk):
        return selectors.product_get_for(actor=actor, product_id=pk)


class AdverseEventQueueApi(SponsorScopedListApi):
    required_capability = "pv.triage"
    serializer_class = AdverseEventReportOutput

    def selector(self, *, actor):
        return selectors.ae_queue_for(actor=actor)


class AdverseEventTriageApi(CapabilityApi):
    required_capability = "pv.triage"

    @extend_schema(request=AdverseEventTriageInput, responses=AdverseEventReportOutput)
    def post(self, request, pk: int):
        data = AdverseEventTriageInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = adverse_events.ae_triage(officer=request.user, report_id=pk, **data.validated_data)
        return Response(AdverseEventReportOutput(report).data)


class DataExportApi(APIView):
    """The person's data as JSON (PIPL/GDPR portability)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: {"type": "object"}})
    def get(self, request):
        return Response(privacy.personal_data_export(user=request.user))


class DeletionRequestApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=DeletionRequestInput, responses={202: {"type": "object"}})
    def post(self, request):
        data = DeletionRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        created = privacy.deletion_request(user=request.user, reason=data.validated_data["reason"])
        return Response({"data_request": created.pk, "status": created.status}, status=status.HTTP_202_ACCEPTED)
