"""Django admin for platform staff: catalogue, stock, orders, earn rules and sponsor policies.

Every change goes through a service, which audits it: item edits (`catalog_item_save`), stock
(`catalog_stock_adjust`, never by overwriting the number), order steps (`order_approve`, `order_ship`,
`order_deliver`, `order_cancel`). The ledger and the ToV records are read-only here (and append-only
in the database). Access additionally needs the `points.manage_mall` capability.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from platform_core.exceptions import ApplicationError
from platform_core.permissions import has_capability
from platform_core.services.audit import audit_record
from platform_core.uploads import clean_image_upload
from points_mall.models import (
    CatalogItem,
    EarnRefusal,
    EarnRule,
    LedgerEntry,
    Order,
    OrderStatus,
    SponsorPointsPolicy,
    TransferOfValue,
)
from points_mall.services.orders import (
    catalog_item_save,
    catalog_stock_adjust,
    order_approve,
    order_cancel,
    order_deliver,
    order_ship,
)


class MallAdminMixin:
    """Access by capability (`points.manage_mall`), the one permission layer; Django's per-model
    permissions are not granted to roles, so they are not consulted here."""

    def _may_manage(self, request) -> bool:
        return has_capability(request.user, "points.manage_mall")

    def has_module_permission(self, request):
        return self._may_manage(request)

    def has_view_permission(self, request, obj=None):
        return self._may_manage(request)

    def has_add_permission(self, request, *args):
        return self._may_manage(request)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyMallAdmin(MallAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CatalogItemForm(forms.ModelForm):
    stock_change = forms.IntegerField(
        label=_("Stock change"),
        required=False,
        help_text=_("Add (or, negative, remove) units. Orders change stock by themselves."),
    )
    change_reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=200)

    class Meta:
        model = CatalogItem
        fields = (
            "name",
            "category",
            "description",
            "image",
            "price_points",
            "market_value",
            "stock",
            "max_per_order",
            "is_active",
            "sort_order",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["stock"].disabled = True
            self.fields["stock"].help_text = _("Use “stock change” below.")

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and "image" in self.changed_data and hasattr(image, "read"):
            try:
                return clean_image_upload(image)
            except ApplicationError as error:
                raise ValidationError(error.message) from error
        return image

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("stock_change") and not (cleaned.get("change_reason") or "").strip():
            self.add_error("change_reason", _("Say why the stock changes."))
        return cleaned


@admin.register(CatalogItem)
class CatalogItemAdmin(MallAdminMixin, admin.ModelAdmin):
    form = CatalogItemForm
    list_display = ("name", "category", "price_points", "market_value", "stock", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("name",)

    def save_model(self, request, obj, form, change):
        catalog_item_save(
            actor=request.user, item=obj, changed_fields=form.changed_data, reason=form.cleaned_data.get("change_reason", "")
        )
        delta = form.cleaned_data.get("stock_change")
        if change and delta:
            try:
                catalog_stock_adjust(actor=request.user, item_id=obj.pk, delta=delta, reason=form.cleaned_data["change_reason"])
            except ApplicationError as error:
                messages.error(request, error.message)


class OrderAdminForm(forms.ModelForm):
    step = forms.ChoiceField(
        label=_("Next step"),
        required=False,
        choices=[
            ("", "—"),
            ("approve", _("Approve")),
            ("ship", _("Ship")),
            ("deliver", _("Mark delivered")),
            ("cancel", _("Cancel and refund")),
        ],
    )
    new_tracking_number = forms.CharField(label=_("Tracking number (to ship)"), required=False, max_length=40)
    new_carrier = forms.CharField(label=_("Carrier"), required=False, max_length=40)
    step_reason = forms.CharField(label=_("Reason (needed to cancel or to approve a held order)"), required=False, max_length=200)

    class Meta:
        model = Order
        fields = ()


@admin.register(Order)
class OrderAdmin(MallAdminMixin, admin.ModelAdmin):
    form = OrderAdminForm
    list_display = ("id", "doctor", "item", "quantity", "total_points", "status", "placed_at")
    list_filter = ("status",)
    search_fields = ("id", "tracking_number")
    list_select_related = ("doctor", "item")
    readonly_fields = (
        "doctor", "item", "quantity", "total_points", "status", "hold_reasons", "address", "tracking_number", "carrier",
        "cancel_reason", "placed_at", "approved_at", "shipped_at", "delivered_at", "cancelled_at",
    )  # fmt: skip
    fields = (*readonly_fields, "step", "new_tracking_number", "new_carrier", "step_reason")
    actions = ["approve_selected"]

    def has_add_permission(self, request, *args):
        return False

    def save_model(self, request, obj, form, change):
        step = form.cleaned_data.get("step")
        reason = form.cleaned_data.get("step_reason", "")
        try:
            if step == "approve":
                order_approve(actor=request.user, order_id=obj.pk, reason=reason)
            elif step == "ship":
                order_ship(
                    actor=request.user,
                    order_id=obj.pk,
                    tracking_number=form.cleaned_data.get("new_tracking_number", ""),
                    carrier=form.cleaned_data.get("new_carrier", ""),
                )
            elif step == "deliver":
                order_deliver(actor=request.user, order_id=obj.pk)
            elif step == "cancel":
                order_cancel(actor=request.user, order_id=obj.pk, reason=reason)
        except ApplicationError as error:
            messages.error(request, error.message)

    def save_related(self, request, form, formsets, change):
        pass

    @admin.action(description=_("Approve selected orders (not held ones)"))
    def approve_selected(self, request, queryset):
        approved = 0
        for order in queryset.filter(status=OrderStatus.PLACED):
            try:
                order_approve(actor=request.user, order_id=order.pk)
                approved += 1
            except ApplicationError as error:
                messages.error(request, f"#{order.pk}: {error.message}")
        messages.info(request, _("%(count)s orders approved.") % {"count": approved})


@admin.register(EarnRule)
class EarnRuleAdmin(MallAdminMixin, admin.ModelAdmin):
    list_display = ("campaign", "action", "points", "daily_cap", "annual_cap", "is_active")
    list_filter = ("sponsor", "action", "is_active")

    def save_model(self, request, obj, form, change):
        if obj.campaign_id and obj.campaign.sponsor_id != obj.sponsor_id:
            messages.error(request, _("The campaign must belong to the rule's sponsor."))
            return
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="points.rule.saved",
            target=obj,
            after={field: str(getattr(obj, field)) for field in form.changed_data},
            reason=_("Earn rule edited by staff"),
        )


@admin.register(SponsorPointsPolicy)
class SponsorPointsPolicyAdmin(MallAdminMixin, admin.ModelAdmin):
    list_display = ("sponsor", "point_value", "currency", "annual_tov_cap")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="points.policy.saved",
            target=obj,
            after={field: str(getattr(obj, field)) for field in form.changed_data},
            reason=_("Sponsor points policy edited by staff"),
        )


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyMallAdmin):
    list_display = ("id", "doctor", "kind", "points", "sponsor", "campaign", "order", "occurred_at")
    list_filter = ("kind", "sponsor")
    list_select_related = ("doctor", "sponsor", "campaign", "order")


@admin.register(TransferOfValue)
class TransferOfValueAdmin(ReadOnlyMallAdmin):
    list_display = ("transfer_date", "recipient_name", "sponsor", "amount", "currency", "nature", "programme")
    list_filter = ("sponsor", "year", "nature")
    exclude = ("recipient_licence",)


@admin.register(EarnRefusal)
class EarnRefusalAdmin(ReadOnlyMallAdmin):
    list_display = ("occurred_at", "doctor", "sponsor", "reason_code", "message")
    list_filter = ("reason_code", "sponsor")
