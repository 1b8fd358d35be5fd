"""The points mall's tables.

The ledger (`LedgerEntry`) and the transfer-of-value records (`TransferOfValue`) are append-only:
migration 0002 adds database triggers that refuse UPDATE and DELETE for every role, and a balance
is always a sum of ledger entries (there is no balance column that could drift). `Wallet` holds no
money: it is the one row per doctor that spending and earning lock (see `lock_objects.py`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from platform_core.fields import EncryptedTextField


class EarnAction(models.TextChoices):
    """What a doctor does to earn points. Never anything about prescribing or sales (rule 4)."""

    COURSE_COMPLETED = "course.completed", _("Completed a course")
    WEBINAR_ATTENDED = "webinar.attended", _("Attended a webinar (above the attendance threshold)")
    SURVEY_CLEARED = "survey.response_cleared", _("Survey response cleared by the quality checks")
    CASE_ACCEPTED = "case.accepted", _("Case accepted in a case collection")


class SponsorPointsPolicy(models.Model):
    """A sponsor's point value and its yearly transfer-of-value cap per HCP."""

    sponsor = models.OneToOneField("platform_core.Sponsor", on_delete=models.PROTECT, related_name="points_policy")
    point_value = models.DecimalField(_("value of one point"), max_digits=8, decimal_places=4, default=0.1)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    annual_tov_cap = models.DecimalField(_("yearly transfer-of-value cap per HCP"), max_digits=12, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(sponsor="sponsor")

    class Meta:
        verbose_name = _("sponsor points policy")
        verbose_name_plural = _("sponsor points policies")
        constraints = [
            models.CheckConstraint(condition=Q(point_value__gt=0), name="points_policy_value_positive"),
            models.CheckConstraint(condition=Q(annual_tov_cap__gte=0), name="points_policy_cap_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.sponsor} · {self.point_value} {self.currency}"


class EarnRule(models.Model):
    """Points a sponsor's campaign pays for one action, with caps per doctor."""

    sponsor = models.ForeignKey("platform_core.Sponsor", on_delete=models.PROTECT, related_name="earn_rules")
    campaign = models.ForeignKey("platform_core.Campaign", on_delete=models.PROTECT, related_name="earn_rules")
    action = models.CharField(_("action"), max_length=40, choices=EarnAction.choices)
    points = models.PositiveIntegerField(_("points"))
    daily_cap = models.PositiveIntegerField(_("daily cap per doctor (points)"), null=True, blank=True)
    annual_cap = models.PositiveIntegerField(_("annual cap per doctor (points)"), null=True, blank=True)
    nature = models.CharField(_("nature of the transfer"), max_length=80, default="学术活动积分")
    product = models.ForeignKey(
        "platform_core.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("product")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(sponsor="sponsor")

    class Meta:
        verbose_name = _("earn rule")
        verbose_name_plural = _("earn rules")
        ordering = ["sponsor_id", "campaign_id", "action"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "action"], condition=Q(is_active=True), name="earn_rule_one_active_per_action"
            ),
            models.CheckConstraint(condition=Q(points__gt=0), name="earn_rule_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_action_display()} · {self.points}"


class Wallet(models.Model):
    """The lock row of one doctor's points (no balance here: balances are sums of entries)."""

    doctor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, primary_key=True, related_name="points_wallet"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("points wallet")
        verbose_name_plural = _("points wallets")

    def __str__(self) -> str:
        return str(self.doctor)


class LedgerEntry(models.Model):
    """One append-only movement of points. Earns and refunds are positive, spends negative."""

    class Kind(models.TextChoices):
        EARN = "earn", _("Earned")
        SPEND = "spend", _("Redeemed")
        REFUND = "refund", _("Refunded")

    id = models.BigAutoField(primary_key=True)
    doctor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="points_entries")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    points = models.IntegerField(_("points"))
    sponsor = models.ForeignKey("platform_core.Sponsor", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey("platform_core.Campaign", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rule = models.ForeignKey(EarnRule, on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    order = models.ForeignKey("Order", on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    idempotency_key = models.CharField(max_length=160, unique=True)
    source_object_type = models.CharField(max_length=48, blank=True)
    source_object_id = models.CharField(max_length=64, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["doctor", "sponsor"], name="ledger_doctor_sponsor"),
            models.Index(fields=["doctor", "-id"], name="ledger_doctor_recent"),
            models.Index(fields=["rule", "doctor", "occurred_at"], name="ledger_rule_doctor_time"),
            models.Index(fields=["campaign", "kind"], name="ledger_campaign_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="earn", points__gt=0) | Q(kind="spend", points__lt=0) | Q(kind="refund", points__gt=0)),
                name="ledger_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="earn", rule__isnull=False) | Q(~Q(kind="earn"), order__isnull=False),
                name="ledger_entry_has_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+d} · {self.doctor_id}"


class EarnRefusal(models.Model):
    """An earnable action that paid nothing, and why (cap, budget, ToV limit). Idempotent on the key."""

    doctor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="points_refusals")
    rule = models.ForeignKey(EarnRule, on_delete=models.PROTECT, related_name="refusals")
    sponsor = models.ForeignKey("platform_core.Sponsor", on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=160, unique=True)
    reason_code = models.CharField(max_length=40)
    message = models.CharField(max_length=300)
    description = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        verbose_name = _("refused earn")
        verbose_name_plural = _("refused earns")
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.reason_code} · {self.doctor_id}"


class TransferOfValue(models.Model):
    """One transfer-of-value record (DESIGN.md compliance rule 4), with the recipient as they were."""

    class Nature(models.TextChoices):
        POINTS = "points", _("Points for an academic activity")
        ITEM_ABOVE_POINTS = "item_above_points", _("Academic item worth more than the points paid")
        REVERSAL = "reversal", _("Reversal (order cancelled)")

    id = models.BigAutoField(primary_key=True)
    sponsor = models.ForeignKey("platform_core.Sponsor", on_delete=models.PROTECT, related_name="+")
    doctor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="transfers_of_value")
    ledger_entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    order = models.ForeignKey("Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    idempotency_key = models.CharField(max_length=160, unique=True)
    transfer_date = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    points = models.IntegerField(_("points"))
    nature = models.CharField(_("nature"), max_length=24, choices=Nature.choices)
    nature_detail = models.CharField(max_length=80, blank=True)
    recipient_name = models.CharField(_("recipient"), max_length=150)
    recipient_licence = EncryptedTextField(_("practice-licence number"), blank=True, default="")
    recipient_institution = models.CharField(_("institution"), max_length=120, blank=True)
    recipient_specialty = models.CharField(_("specialty"), max_length=80, blank=True)
    product = models.ForeignKey("platform_core.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    product_name = models.CharField(_("product"), max_length=200, blank=True)
    campaign = models.ForeignKey("platform_core.Campaign", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    programme = models.CharField(_("programme"), max_length=160, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(sponsor="sponsor")

    class Meta:
        verbose_name = _("transfer of value")
        verbose_name_plural = _("transfers of value")
        ordering = ["transfer_date", "id"]
        indexes = [models.Index(fields=["sponsor", "doctor", "year"], name="tov_sponsor_doctor_year")]

    def __str__(self) -> str:
        return f"{self.recipient_name} · {self.amount} {self.currency}"


class CatalogCategory(models.TextChoices):
    """Academic items only: no cash, vouchers, gift cards or consumer goods (compliance rule 4)."""

    BOOK = "book", _("Medical book")
    JOURNAL = "journal", _("Journal subscription")
    CONFERENCE = "conference", _("Academic conference ticket")
    COURSE_PASS = "course_pass", _("Online course pass")
    REFERENCE_TOOL = "reference_tool", _("Clinical reference tool")
    TEACHING_MODEL = "teaching_model", _("Anatomical or teaching model")


class CatalogItem(models.Model):
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=CatalogCategory.choices)
    description = models.TextField(_("description"), blank=True)
    image = models.ImageField(_("image"), upload_to="mall/", blank=True)
    price_points = models.PositiveIntegerField(_("price (points)"))
    market_value = models.DecimalField(_("market value (CNY)"), max_digits=10, decimal_places=2)
    stock = models.PositiveIntegerField(_("stock"), default=0)
    max_per_order = models.PositiveSmallIntegerField(_("most per order"), default=5)
    is_active = models.BooleanField(_("on sale"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(category__in=CatalogCategory.values), name="catalog_academic_category_only"),
            models.CheckConstraint(condition=Q(price_points__gt=0), name="catalog_price_positive"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="catalog_stock_not_negative"),
            models.CheckConstraint(condition=Q(max_per_order__gte=1), name="catalog_max_per_order_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    HELD = "held", _("Held for review")
    APPROVED = "approved", _("Approved")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled (points refunded)")


class Order(models.Model):
    doctor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mall_orders")
    item = models.ForeignKey(CatalogItem, on_delete=models.PROTECT, related_name="orders")
    idempotency_key = models.CharField(max_length=64)
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    unit_price_points = models.PositiveIntegerField()
    total_points = models.PositiveIntegerField(_("points"))
    market_value = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    # The whole delivery address as JSON, encrypted at rest; address_index matches equal addresses.
    address = EncryptedTextField(_("delivery address"))
    address_index = models.CharField(max_length=64, db_index=True)
    device_index = models.CharField(max_length=64, blank=True, db_index=True)
    hold_reasons = models.JSONField(default=list, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    carrier = models.CharField(_("carrier"), max_length=40, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=200, blank=True)
    placed_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["doctor", "idempotency_key"], name="order_idempotency_per_doctor"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_quantity_positive"),
            models.CheckConstraint(
                condition=Q(total_points=models.F("unit_price_points") * models.F("quantity")), name="order_total_matches"
            ),
            models.CheckConstraint(condition=~Q(status="shipped") | ~Q(tracking_number=""), name="order_shipped_has_tracking"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.item_id} × {self.quantity}"

    @property
    def is_cancellable_by_doctor(self) -> bool:
        return self.status in (OrderStatus.PLACED, OrderStatus.HELD)
