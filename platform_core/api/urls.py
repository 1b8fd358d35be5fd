from django.urls import path

from platform_core.api import views
from platform_core.interactions.views import batch_ingest

urlpatterns = [
    path("auth/token", views.TokenObtainApi.as_view(), name="api-token"),
    path("me", views.MeApi.as_view(), name="api-me"),
    path("me/consents", views.ConsentListApi.as_view(), name="api-consents"),
    path("me/verification", views.VerificationSubmitApi.as_view(), name="api-verification-submit"),
    path("me/export", views.DataExportApi.as_view(), name="api-data-export"),
    path("me/deletion-request", views.DeletionRequestApi.as_view(), name="api-deletion-request"),
    path("verification-requests", views.VerificationQueueApi.as_view(), name="api-verification-queue"),
    path("verification-requests/<int:pk>/decision", views.VerificationDecideApi.as_view(), name="api-verification-decide"),
    path("products", views.ProductListApi.as_view(), name="api-products"),
    path("products/<int:pk>", views.ProductDetailApi.as_view(), name="api-product-detail"),
    path("adverse-events", views.AdverseEventQueueApi.as_view(), name="api-ae-queue"),
    path("adverse-events/<int:pk>/triage", views.AdverseEventTriageApi.as_view(), name="api-ae-triage"),
    path("interactions/batch", batch_ingest, name="api-interactions-batch"),
]
