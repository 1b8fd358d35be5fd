"""Orders and the catalogue: redeem points for academic items, and the order's life after that.

placed (or held for review) → approved → shipped (tracking number) → delivered, or cancelled with
every point refunded and the stock put back. Placing is idempotent on (doctor, form key): a
double-clicked button or a retried request gives the one order. All balance and stock changes
happen under row locks taken in the order documented in `points_mall.lock_objects`.
"""

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core.exceptions import Conflict, NotFound, ValidationFailed
from platform_core.fields import blind_index
from platform_core.interactions import record_event
from platform_core.models import Sponsor, User
from platform_core.services.adverse_events import ae_screen_text
from platform_core.services.audit import audit_record
from points_mall.lock_objects import catalog_item_lock, order_lock, wallet_lock
from points_mall.models import CatalogItem, LedgerEntry, Order, OrderStatus, TransferOfValue
from points_mall.services.ledger import (
    CENT,
    balance_of,
    points_value,
    policy_of,
    recipient_snapshot,
    sponsor_balances_of,
    tov_record,
    tov_used,
)

ADDRESS_FIELDS = ("recipient", "phone", "province", "city", "district", "street", "postal_code")
REQUIRED_ADDRESS_FIELDS = ("recipient", "phone", "province", "city", "street")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
POSTAL_RE = re.compile(r"^\d{6}$")
TRACKING_RE = re.compile(r"^[A-Za-z0-9-]{6,40}$")
# Review triggers (docs/points-mall.md): accounts sharing an address or device, bursts of earns.
SHARED_ADDRESS_ACCOUNTS = 3
SHARED_DEVICE_ACCOUNTS = 3
SHARED_LOOKBACK = timedelta(days=180)
EARN_BURST_COUNT = 10
EARN_BURST_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class PlaceResult:
    order: Order
    created: bool  # False: the same form key had already placed this order (a replay)


def address_clean(raw: dict) -> dict:
    """Trimmed address fields, or ValidationFailed naming every missing or malformed field."""
    address = {field: str(raw.get(field, "") or "").strip()[:120] for field in ADDRESS_FIELDS}
    errors = {}
    for field in REQUIRED_ADDRESS_FIELDS:
        if not address[field]:
            errors[field] = _("This field is required.")
    phone = address["phone"].replace(" ", "").replace("-", "")
    if phone and not MOBILE_RE.match(phone):
        errors["phone"] = _("Enter an 11-digit mainland mobile number, e.g. 13800138000.")
    address["phone"] = phone
    if address["postal_code"] and not POSTAL_RE.match(address["postal_code"]):
        errors["postal_code"] = _("A postal code has 6 digits.")
    if errors:
        raise ValidationFailed(_("Please complete the delivery address."), details=errors, code="address_invalid")
    return address


def _address_index(address: dict) -> str:
    place = "|".join(address[field] for field in ("province", "city", "district", "street"))
    return blind_index(place, purpose="mall-address")


def _hold_reasons(*, doctor_id: int, address_index: str, device_index: str, now) -> list[str]:
    reasons = []
    since = now - SHARED_LOOKBACK
    others = (
        Order.objects.filter(address_index=address_index, placed_at__gte=since)
        .exclude(doctor_id=doctor_id)
        .values("doctor_id")
        .distinct()
        .count()
    )
    if others + 1 >= SHARED_ADDRESS_ACCOUNTS:
        reasons.append("address_shared")
    if device_index:
        others = (
            Order.objects.filter(device_index=device_index, placed_at__gte=since)
            .exclude(doctor_id=doctor_id)
            .values("doctor_id")
            .distinct()
            .count()
        )
        if others + 1 >= SHARED_DEVICE_ACCOUNTS:
            reasons.append("device_shared")
    earns = LedgerEntry.objects.filter(
        doctor_id=doctor_id, kind=LedgerEntry.Kind.EARN, created_at__gte=now - EARN_BURST_WINDOW
    ).count()
    if earns >= EARN_BURST_COUNT:
        reasons.append("earn_burst")
    return reasons


def _allocate(*, balances: dict[int, int], total: int) -> list[tuple[int, int]]:
    """Which sponsors' points pay: the largest sponsor balance first (ties: lower sponsor id)."""
    allocation = []
    remaining = total
    for sponsor_id, available in sorted(balances.items(), key=lambda item: (-item[1], item[0])):
        if remaining == 0:
            break
        take = min(available, remaining)
        if take > 0:
            allocation.append((sponsor_id, take))
            remaining -= take
    return allocation


def _goods_shares(*, market_value: Decimal, allocation: list[tuple[int, int]], total: int) -> list[Decimal]:
    shares, assigned = [], Decimal("0.00")
    for index, (_sponsor, points) in enumerate(allocation):
        if index == len(allocation) - 1:
            share = market_value - assigned
        else:
            share = (market_value * points / total).quantize(CENT)
        shares.append(share)
        assigned += share
    return shares


def _parse_quantity(quantity) -> int:
    if isinstance(quantity, bool):
        quantity = None
    try:
        value = int(str(quantity).strip())
    except (TypeError, ValueError):
        value = None
    if value is None or str(value) != str(quantity).strip() or value < 1:
        raise ValidationFailed(_("Quantity must be a whole number of at least 1."), details={"quantity": "invalid"})
    return value


def order_place(
    *,
    doctor: User,
    item_id: int,
    quantity,
    expected_unit_price: int,
    address: dict,
    idempotency_key: str,
    device: str = "",
) -> PlaceResult:
    """Redeem points for an item. Idempotent on (doctor, key); wallet then item locks; never overdraws or oversells."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > 64:
        raise ValidationFailed(_("The order form has expired: reload the page and try again."), details={"key": "invalid"})
    quantity = _parse_quantity(quantity)
    clean_address = address_clean(address)
    now = timezone.now()
    with transaction.atomic():
        wallet_lock(doctor_id=doctor.pk)
        existing = Order.objects.filter(doctor=doctor, idempotency_key=key).first()
        if existing is not None:
            if existing.item_id != item_id or existing.quantity != quantity:
                raise Conflict(_("This order form was already used for another order."), code="key_reused")
            return PlaceResult(order=existing, created=False)
        try:
            item = catalog_item_lock(item_id=item_id)
        except CatalogItem.DoesNotExist as error:
            raise NotFound(_("No such item.")) from error
        if not item.is_active:
            raise ValidationFailed(_("“%(name)s” is no longer offered.") % {"name": item.name}, code="not_on_sale")
        if item.price_points != expected_unit_price:
            raise Conflict(
                _(
                    "The price of “%(name)s” changed from %(old)s to %(new)s points since you opened the page. "  # noqa: ISC001
                    "Check it and order again."
                )
                % {"name": item.name, "old": expected_unit_price, "new": item.price_points},
                code="price_changed",
                details={"price_points": item.price_points},
            )
        if quantity > item.max_per_order:
            raise ValidationFailed(
                _("At most %(max)s of this item per order.") % {"max": item.max_per_order}, details={"quantity": "too_many"}
            )
        if item.stock < quantity:
            raise ValidationFailed(
                _("Only %(stock)s left in stock.") % {"stock": item.stock} if item.stock else _("Out of stock."),
                code="out_of_stock",
                details={"quantity": "out_of_stock"},
            )
        total = item.price_points * quantity
        balances = sponsor_balances_of(doctor_id=doctor.pk)
        balance = sum(balances.values())
        if balance < total:
            raise ValidationFailed(
                _("Not enough points: this order needs %(total)s, you have %(balance)s.") % {"total": total, "balance": balance},
                code="insufficient_points",
            )
        allocation = _allocate(balances=balances, total=total)
        market_value = (item.market_value * quantity).quantize(CENT)
        shares = _goods_shares(market_value=market_value, allocation=allocation, total=total)
        uplifts = []
        for (sponsor_id, points), share in zip(allocation, shares, strict=True):
            policy = policy_of(sponsor_id=sponsor_id)
            sponsor = Sponsor.objects.get(pk=sponsor_id)
            if policy is None:
                raise ValidationFailed(_("%(sponsor)s has not set a value for its points.") % {"sponsor": sponsor.name})
            uplift = share - points_value(points=points, policy=policy)
            if uplift > 0:
                used = tov_used(doctor_id=doctor.pk, sponsor_id=sponsor_id, year=timezone.localdate(now).year)
                if used + uplift > policy.annual_tov_cap:
                    raise ValidationFailed(
                        _(
                            "This item is worth %(uplift)s %(currency)s more than the points from %(sponsor)s it uses; "
                            "that would cross the yearly limit on value from %(sponsor)s (%(used)s of %(cap)s used)."
                        )
                        % {
                            "uplift": uplift,
                            "currency": policy.currency,
                            "sponsor": sponsor.name,
                            "used": used,
                            "cap": policy.annual_tov_cap,
                        },
                        code="tov_cap",
                    )
                uplifts.append((sponsor, policy, points, uplift))
        address_index = _address_index(clean_address)
        device_index = blind_index(device, purpose="mall-device") if device else ""
        hold = _hold_reasons(doctor_id=doctor.pk, address_index=address_index, device_index=device_index, now=now)
        order = Order.objects.create(
            doctor=doctor,
            item=item,
            idempotency_key=key,
            quantity=quantity,
            unit_price_points=item.price_points,
            total_points=total,
            market_value=market_value,
            status=OrderStatus.HELD if hold else OrderStatus.PLACED,
            address=json.dumps(clean_address, ensure_ascii=False),
            address_index=address_index,
            device_index=device_index,
            hold_reasons=hold,
        )
        CatalogItem.objects.filter(pk=item.pk).update(stock=F("stock") - quantity)
        for sponsor_id, points in allocation:
            LedgerEntry.objects.create(
                doctor=doctor,
                kind=LedgerEntry.Kind.SPEND,
                points=-points,
                sponsor_id=sponsor_id,
                order=order,
                idempotency_key=f"order:{order.pk}:spend:{sponsor_id}",
                source_object_type="mall_order",
                source_object_id=str(order.pk),
                description=f"{item.name} × {quantity}"[:200],
                occurred_at=now,
            )
        recipient = recipient_snapshot(doctor=doctor) if uplifts else None
        for sponsor, policy, _points, uplift in uplifts:
            tov_record(
                doctor=doctor,
                sponsor=sponsor,
                policy=policy,
                idempotency_key=f"order:{order.pk}:tov:{sponsor.pk}",
                amount=uplift,
                points=0,
                nature=TransferOfValue.Nature.ITEM_ABOVE_POINTS,
                nature_detail=item.name,
                occurred_at=now,
                order=order,
                recipient=recipient,
            )
        audit_record(
            actor=doctor,
            action="points.order.placed",
            target=order,
            after={
                "item": item.pk,
                "quantity": quantity,
                "total_points": total,
                "status": order.status,
                "hold_reasons": hold,
                "spent_by_sponsor": {str(s): p for s, p in allocation},
            },
            reason=_("Doctor redeemed points"),
        )
        record_event(
            actor=doctor,
            verb="mall.order.placed",
            object_type="mall_order",
            object_id=order.pk,
            value=float(total),
            client_event_id=f"mall-order-placed:{order.pk}",
            occurred_at=now,
        )
    return PlaceResult(order=order, created=True)


_TRANSITIONS = {
    "approve": ({OrderStatus.PLACED, OrderStatus.HELD}, OrderStatus.APPROVED),
    "ship": ({OrderStatus.APPROVED}, OrderStatus.SHIPPED),
    "deliver": ({OrderStatus.SHIPPED}, OrderStatus.DELIVERED),
}


def _refuse_transition(order: Order, target: str):
    raise Conflict(
        _("Order #%(id)s is %(status)s and cannot become %(target)s.")
        % {"id": order.pk, "status": order.get_status_display(), "target": OrderStatus(target).label},
        code="bad_transition",
    )


def _transition(*, actor, order_id: int, step: str, reason: str, **changes) -> Order:
    allowed, target = _TRANSITIONS[step]
    with transaction.atomic():
        try:
            order = order_lock(order_id=order_id)
        except Order.DoesNotExist as error:
            raise NotFound(_("No such order.")) from error
        if order.status not in allowed:
            _refuse_transition(order, target)
        before = {"status": order.status}
        order.status = target
        stamp = {"approve": "approved_at", "ship": "shipped_at", "deliver": "delivered_at"}[step]
        setattr(order, stamp, timezone.now())
        for field, value in changes.items():
            setattr(order, field, value)
        order.save(update_fields=["status", stamp, *changes])
        audit_record(
            actor=actor,
            action=f"points.order.{target}",
            target=order,
            before=before,
            after={"status": target, **changes},
            reason=reason,
        )
    return order


def order_approve(*, actor, order_id: int, reason: str = "") -> Order:
    """Staff approve an order for shipping; a held order needs a reason (what the review found)."""
    order = Order.objects.filter(pk=order_id).first()
    if order is not None and order.status == OrderStatus.HELD and not reason.strip():
        raise ValidationFailed(
            _("This order was held for review (%(reasons)s): say why it may ship.") % {"reasons": ", ".join(order.hold_reasons)},
            details={"reason": "required"},
        )
    return _transition(actor=actor, order_id=order_id, step="approve", reason=reason.strip() or _("Approved for shipping"))


def order_ship(*, actor, order_id: int, tracking_number: str, carrier: str = "") -> Order:
    """Mark an approved order shipped with its tracking number."""
    tracking_number = (tracking_number or "").strip()
    if not TRACKING_RE.match(tracking_number):
        raise ValidationFailed(
            _("Enter the carrier's tracking number (6–40 letters, digits or dashes)."), details={"tracking_number": "invalid"}
        )
    return _transition(
        actor=actor,
        order_id=order_id,
        step="ship",
        reason=_("Shipped"),
        tracking_number=tracking_number,
        carrier=(carrier or "").strip()[:40],
    )


def order_deliver(*, actor, order_id: int) -> Order:
    """Mark a shipped order delivered."""
    return _transition(actor=actor, order_id=order_id, step="deliver", reason=_("Delivered"))


def order_cancel(*, actor, order_id: int, reason: str, by_doctor: bool = False) -> Order:
    """Cancel an order not yet shipped, refund every point and put the stock back. Idempotent per order.

    A doctor may cancel their own order while it is placed or held; staff also after approval.
    """
    reason = (reason or "").strip()[:200]
    if not reason:
        raise ValidationFailed(_("Say why the order is cancelled."), details={"reason": "required"})
    order = Order.objects.filter(pk=order_id).first()
    if order is None or (by_doctor and order.doctor_id != actor.pk):
        raise NotFound(_("No such order."))
    allowed = {OrderStatus.PLACED, OrderStatus.HELD} | (set() if by_doctor else {OrderStatus.APPROVED})
    with transaction.atomic():
        wallet_lock(doctor_id=order.doctor_id)
        catalog_item_lock(item_id=order.item_id)
        order = order_lock(order_id=order_id)
        if order.status == OrderStatus.CANCELLED:
            return order
        if order.status not in allowed:
            _refuse_transition(order, OrderStatus.CANCELLED)
        now = timezone.now()
        before = {"status": order.status}
        order.status = OrderStatus.CANCELLED
        order.cancelled_at = now
        order.cancel_reason = reason
        order.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        CatalogItem.objects.filter(pk=order.item_id).update(stock=F("stock") + order.quantity)
        spent = (
            LedgerEntry.objects.filter(order=order, kind=LedgerEntry.Kind.SPEND)
            .values("sponsor_id")
            .annotate(total=Sum("points"))
        )
        for row in spent:
            LedgerEntry.objects.create(
                doctor_id=order.doctor_id,
                kind=LedgerEntry.Kind.REFUND,
                points=-row["total"],
                sponsor_id=row["sponsor_id"],
                order=order,
                idempotency_key=f"order:{order.pk}:refund:{row['sponsor_id']}",
                source_object_type="mall_order",
                source_object_id=str(order.pk),
                description=_("Refund: order #%(id)s cancelled") % {"id": order.pk},
                occurred_at=now,
            )
        uplifts = TransferOfValue.objects.with_scopes_disabled().filter(
            order=order, nature=TransferOfValue.Nature.ITEM_ABOVE_POINTS
        )
        for record in uplifts:
            policy = policy_of(sponsor_id=record.sponsor_id)
            tov_record(
                doctor=order.doctor,
                sponsor=record.sponsor,
                policy=policy,
                idempotency_key=f"order:{order.pk}:tov-reversal:{record.sponsor_id}",
                amount=-record.amount,
                points=0,
                nature=TransferOfValue.Nature.REVERSAL,
                nature_detail=record.nature_detail,
                occurred_at=record.created_at,  # the reversal belongs to the year of the transfer it undoes
                order=order,
                recipient={
                    "recipient_name": record.recipient_name,
                    "recipient_licence": record.recipient_licence,
                    "recipient_institution": record.recipient_institution,
                    "recipient_specialty": record.recipient_specialty,
                },
            )
        if by_doctor:
            ae_screen_text(text=reason, reporter=actor, source_type="mall_order", source_id=order.pk)
        audit_record(
            actor=actor,
            action="points.order.cancelled",
            target=order,
            before=before,
            after={"status": OrderStatus.CANCELLED, "refunded_points": order.total_points},
            reason=reason,
        )
        record_event(
            actor=order.doctor,
            verb="mall.order.cancelled",
            object_type="mall_order",
            object_id=order.pk,
            value=float(order.total_points),
            client_event_id=f"mall-order-cancelled:{order.pk}",
            occurred_at=now,
        )
    return order


def catalog_item_save(*, actor, item: CatalogItem, changed_fields: list[str], reason: str = "") -> CatalogItem:
    """Create or edit an item (never its stock: see catalog_stock_adjust). Audited with old and new values."""
    editable = [field for field in changed_fields if field != "stock"]
    with transaction.atomic():
        if item.pk is None:
            item.full_clean()
            item.save()
            audit_record(
                actor=actor,
                action="points.catalog.created",
                target=item,
                after={"name": item.name, "price_points": item.price_points, "stock": item.stock},
                reason=reason or _("New catalogue item"),
            )
            return item
        current = catalog_item_lock(item_id=item.pk)
        item.stock = current.stock
        item.full_clean()
        before = {field: str(getattr(current, field)) for field in editable}
        if editable:
            item.save(update_fields=[*editable, "updated_at"])
            audit_record(
                actor=actor,
                action="points.catalog.changed",
                target=item,
                before=before,
                after={field: str(getattr(item, field)) for field in editable},
                reason=reason or _("Catalogue edited by staff"),
            )
    return item


def catalog_stock_adjust(*, actor, item_id: int, delta: int, reason: str) -> CatalogItem:
    """Add (or, negative, remove) stock under the item lock; never below zero. Audited."""
    if not reason.strip():
        raise ValidationFailed(_("Say why the stock changes."), details={"reason": "required"})
    with transaction.atomic():
        item = catalog_item_lock(item_id=item_id)
        if item.stock + delta < 0:
            raise ValidationFailed(
                _("Only %(stock)s in stock: cannot remove %(delta)s.") % {"stock": item.stock, "delta": -delta},
                details={"stock_change": "too_low"},
            )
        before = item.stock
        CatalogItem.objects.filter(pk=item_id).update(stock=F("stock") + delta)
        item.refresh_from_db()
        audit_record(
            actor=actor,
            action="points.catalog.stock_adjusted",
            target=item,
            before={"stock": before},
            after={"stock": item.stock},
            reason=reason,
        )
    return item


def points_balance(*, doctor: User) -> int:
    """Convenience for views and the facade (the sum of entries)."""
    return balance_of(doctor_id=doctor.pk)
