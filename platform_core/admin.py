"""Django admin for platform staff (cross-tenant: StaffScopesMiddleware lifts the sponsor scope here).

Compliance records are read-only: audit entries, consents and their history, verification
decisions and data requests change only through services, which audit them. Role changes made
here go through `role_grant` / `role_revoke` so they are audited too. Adverse-event reports can
never be deleted.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from platform_core.exceptions import ApplicationError
from platform_core.models import (
    AdverseEventReport,
    AuditEntry,
    Campaign,
    Consent,
    ConsentDocument,
    ConsentEvent,
    DataRequest,
    DoctorProfile,
    Hospital,
    InteractionEvent,
    PrescribingInformation,
    Product,
    RepRegistration,
    RoleAssignment,
    Sponsor,
    TherapeuticArea,
    User,
    VerificationRequest,
)
from platform_core.roles import Role
from platform_core.services.accounts import role_grant, role_revoke


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never added, changed or deleted from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ("role", "granted_at", "granted_by")
    readonly_fields = ("granted_at", "granted_by")

    def has_change_permission(self, request, obj=None):
        # A role is granted or revoked, never edited into another one (each is audited).
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ("username", "name", "email", "sponsor", "roles", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "sponsor", "role_assignments__role")
    search_fields = ("username", "name", "email")
    ordering = ("-date_joined",)
    list_select_related = ("sponsor",)
    # The mobile number has a blind index for login; it changes only through the accounts services.
    readonly_fields = ("mobile", "last_login", "date_joined", "erased_at")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "email", "mobile", "preferred_language")}),
        (_("Sponsor"), {"fields": ("sponsor",)}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "erased_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "name", "email", "sponsor", "password1", "password2")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("role_assignments")

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(str(assignment.get_role_display()) for assignment in obj.role_assignments.all())

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        user = form.instance
        formset.save(commit=False)
        for assignment in formset.deleted_objects:
            role_revoke(actor=request.user, user=user, role=Role(assignment.role), reason="django admin")
        for assignment in formset.new_objects:
            try:
                role_grant(actor=request.user, user=user, role=Role(assignment.role), reason="django admin")
            except ApplicationError as error:
                messages.error(request, f"{Role(assignment.role).label}: {error.message}")


@admin.register(Sponsor)
class SponsorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "pv_contact_email", "is_active", "created_at")
    search_fields = ("code", "name", "name_en")
    list_filter = ("is_active",)


@admin.register(TherapeuticArea)
class TherapeuticAreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en")


class PrescribingInformationInline(admin.TabularInline):
    model = PrescribingInformation
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("brand_name", "generic_name", "sponsor", "kind", "therapeutic_area", "registration_status")
    list_filter = ("sponsor", "kind", "therapeutic_area", "registration_status")
    search_fields = ("brand_name", "generic_name", "generic_name_en")
    list_select_related = ("sponsor", "therapeutic_area")
    inlines = [PrescribingInformationInline]


@admin.register(RepRegistration)
class RepRegistrationAdmin(admin.ModelAdmin):
    list_display = ("registration_number", "rep", "sponsor", "status", "valid_until")
    list_filter = ("sponsor", "status")
    search_fields = ("registration_number", "rep__name", "rep__username")
    list_select_related = ("rep", "sponsor")
    raw_id_fields = ("rep",)


@admin.register(Hospital)
class HospitalAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "province", "city")
    list_filter = ("level", "province")
    search_fields = ("name", "city")


@admin.register(DoctorProfile)
class DoctorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "hospital", "department", "title", "verification_status", "verified_at")
    list_filter = ("verification_status", "department", "title")
    search_fields = ("user__name", "user__username", "hospital__name")
    list_select_related = ("user", "hospital")
    # Verification changes go through the verification queue (audited), not through this form.
    readonly_fields = ("user", "verification_status", "verified_at")
    # The licence number is shown only to verification reviewers, on the review page.
    exclude = ("licence_number",)
    raw_id_fields = ("hospital",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(VerificationRequest)
class VerificationRequestAdmin(ReadOnlyAdmin):
    list_display = ("doctor", "hospital_name", "department", "title", "status", "submitted_at", "reviewer")
    list_filter = ("status", "hospital_level", "department")
    search_fields = ("doctor__name", "hospital_name")
    list_select_related = ("doctor", "reviewer")
    exclude = ("licence_number", "evidence")


@admin.register(ConsentDocument)
class ConsentDocumentAdmin(admin.ModelAdmin):
    list_display = ("purpose", "version", "title", "effective_at")
    list_filter = ("purpose",)

    def get_readonly_fields(self, request, obj=None):
        # A published version is what people agreed to: never edit it, publish a new one.
        return ("purpose", "version", "title", "body", "effective_at") if obj else ()


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("user", "purpose", "sponsor", "granted", "document", "updated_at")
    list_filter = ("purpose", "granted", "sponsor")
    list_select_related = ("user", "sponsor", "document")


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = ("user", "purpose", "sponsor", "granted", "occurred_at", "channel")
    list_filter = ("purpose", "granted", "sponsor", "channel")
    list_select_related = ("user", "sponsor")


@admin.register(DataRequest)
class DataRequestAdmin(ReadOnlyAdmin):
    list_display = ("user_reference", "kind", "status", "requested_at", "completed_at")
    list_filter = ("kind", "status")


@admin.register(AdverseEventReport)
class AdverseEventReportAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "source_type",
        "sponsor",
        "product",
        "seriousness",
        "status",
        "received_at",
        "forward_due_at",
    )
    list_filter = ("status", "seriousness", "sponsor")
    list_select_related = ("sponsor", "product")
    # Triage and forwarding happen on the PV pages (audited, with a reason); the admin only looks.
    readonly_fields = [field.name for field in AdverseEventReport._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "occurred_at", "actor_repr", "action", "object_type", "object_id", "reason")
    list_filter = ("action",)
    search_fields = ("action", "object_id", "actor_repr")
    show_full_result_count = False


@admin.register(InteractionEvent)
class InteractionEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "actor_id", "verb", "object_type", "object_id", "sponsor_id", "value", "source")
    list_filter = ("verb", "source")
    show_full_result_count = False
    date_hierarchy = "occurred_at"


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "sponsor", "code", "starts_on", "ends_on", "status", "points_budget")
    list_filter = ("sponsor", "status")
    search_fields = ("name", "code")
    filter_horizontal = ("products",)
