from django.urls import path

from platform_core.web import account_views, auth_views, home_views, pv_views, review_views

urlpatterns = [
    path("", home_views.home, name="home"),
    # Accounts
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/login/code/", auth_views.CodeLoginView.as_view(), name="login_code"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", account_views.SignUpView.as_view(), name="signup"),
    # A person's own pages
    path("me/verification/", account_views.VerificationView.as_view(), name="verification"),
    path("me/consents/", account_views.ConsentCentreView.as_view(), name="consents"),
    path("me/privacy/", account_views.PrivacyView.as_view(), name="privacy"),
    path("me/privacy/export/", account_views.PrivacyExportView.as_view(), name="privacy_export"),
    path("me/privacy/delete/", account_views.PrivacyDeleteView.as_view(), name="privacy_delete"),
    path("me/privacy/deleted/", account_views.PrivacyDeletedView.as_view(), name="privacy_deleted"),
    # Role homes
    path("home/doctor/", home_views.DoctorHomeView.as_view(), name="home_doctor"),
    path("home/rep/", home_views.RepHomeView.as_view(), name="home_rep"),
    path("home/manager/", home_views.ManagerHomeView.as_view(), name="home_manager"),
    path("home/mlr/", home_views.MlrHomeView.as_view(), name="home_mlr"),
    path("home/pv/", home_views.PvHomeView.as_view(), name="home_pv"),
    path("home/verifier/", home_views.VerifierHomeView.as_view(), name="home_verifier"),
    path("home/admin/", home_views.AdminHomeView.as_view(), name="home_admin"),
    path("home/editor/", home_views.EditorHomeView.as_view(), name="home_editor"),
    path("home/moderator/", home_views.ModeratorHomeView.as_view(), name="home_moderator"),
    # HCP verification review
    path("review/verifications/", review_views.VerificationQueueView.as_view(), name="verification_queue"),
    path("review/verifications/<int:request_id>/", review_views.VerificationDetailView.as_view(), name="verification_detail"),
    path(
        "review/verifications/<int:request_id>/evidence/",
        review_views.VerificationEvidenceView.as_view(),
        name="verification_evidence",
    ),
    # Pharmacovigilance
    path("pv/reports/", pv_views.AdverseEventQueueView.as_view(), name="pv_queue"),
    path("pv/reports/<int:report_id>/", pv_views.AdverseEventDetailView.as_view(), name="pv_detail"),
    # Audit trail
    path("audit/", review_views.AuditLogView.as_view(), name="audit_log"),
]
