"""Base API views. Sponsor data is only reachable through `SponsorScopedApi`, whose queryset is
built by a selector from the acting user; subclasses supply the selector, not a queryset."""

from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from platform_core.permissions import HasCapability


class CapabilityApi(APIView):
    """An API operation that needs one capability (`required_capability`)."""

    permission_classes = [IsAuthenticated, HasCapability]
    required_capability = ""


class SponsorScopedListApi(generics.ListAPIView):
    """Read-only list of sponsor data; the queryset always comes from `selector(actor=...)`."""

    permission_classes = [IsAuthenticated, HasCapability]
    required_capability = ""

    def selector(self, *, actor):  # pragma: no cover - interface
        raise NotImplementedError

    def get_queryset(self):
        return self.selector(actor=self.request.user)


class SponsorScopedRetrieveApi(generics.RetrieveAPIView):
    """Read of one sponsor object; `getter(actor=, pk=)` raises NotFound for foreign tenants."""

    permission_classes = [IsAuthenticated, HasCapability]
    required_capability = ""

    def getter(self, *, actor, pk):  # pragma: no cover - interface
        raise NotImplementedError

    def get_object(self):
        return self.getter(actor=self.request.user, pk=self.kwargs["pk"])
