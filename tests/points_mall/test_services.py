"""Earning, ordering, cancelling and the compliance limits, through the services."""

import time
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from platform_core.exceptions import Conflict, ValidationFailed
from platform_core.interactions import record_event
from platform_core.models import AuditEntry, DoctorProfile, Hospital
from points_mall.models import (
    CatalogItem,
    EarnRefusal,
    LedgerEntry,
    Order,
    OrderStatus,
    TransferOfValue,
)
from points_mall.services.earning import points_earn
from points_mall.services.ledger import balance_of
from points_mall.services.orders import order_approve, order_cancel, order_deliver, order_place, order_ship
from points_mall.tasks import points_earn_sweep_task
from tests.factories import DoctorFactory
from tests.points_mall.conftest import ADDRESS, give_points, make_campaign, make_item, make_policy, make_rule


def place(doctor, item, *, key="k1", quantity=1, price=None, address=None, device=""):
    return order_place(
        doctor=doctor,
        item_id=item.pk,
        quantity=quantity,
        expected_unit_price=item.price_points if price is None else price,
        address=address or ADDRESS,
        idempotency_key=key,
        device=device,
    )


# --- Earning --------------------------------------------------------------------------------


def test_earn_pays_once_per_key_and_writes_a_tov_record_with_the_recipient(doctor, rule_a, sponsor_a):
    hospital = Hospital.objects.create(name="四川大学华西医院", level="3A", province="四川", city="成都")
    profile = DoctorProfile.objects.get(user=doctor)
    profile.hospital, profile.specialty, profile.licence_number = hospital, "心血管内科", "110510000012345"
    profile.save()

    first = points_earn(doctor=doctor, rule=rule_a, idempotency_key="event:1:x")
    again = points_earn(doctor=doctor, rule=rule_a, idempotency_key="event:1:x")

    assert first.paid and first.created and not again.created
    assert again.entry.pk == first.entry.pk
    assert balance_of(doctor_id=doctor.pk) == 100
    record = TransferOfValue.objects.with_scope(sponsor=[sponsor_a.pk]).get()
    assert record.amount == Decimal("10.00") and record.currency == "CNY" and record.points == 100
    assert (record.recipient_institution, record.recipient_specialty, record.recipient_licence) == (
        "四川大学华西医院",
        "心血管内科",
        "110510000012345",
    )
    assert record.sponsor_id == sponsor_a.pk and record.programme == rule_a.campaign.name
    assert AuditEntry.objects.filter(action="points.earned", object_id=str(first.entry.pk)).count() == 1


def test_unverified_doctor_earns_nothing_and_sees_why(unverified_doctor, rule_a):
    outcome = points_earn(doctor=unverified_doctor, rule=rule_a, idempotency_key="k")
    assert not outcome.paid and outcome.refusal.reason_code == "not_verified"
    assert balance_of(doctor_id=unverified_doctor.pk) == 0


def test_daily_and_annual_caps(doctor, campaign_a):
    daily = make_rule(campaign_a, points=40, daily_cap=100)
    results = give_points(doctor, daily, times=3)
    assert [r.paid for r in results] == [True, True, False]
    assert results[2].refusal.reason_code == "daily_cap" and "100" in results[2].refusal.message

    other = make_campaign(campaign_a.sponsor)
    annual = make_rule(other, points=50, annual_cap=100)
    results = give_points(doctor, annual, times=3)
    assert [r.paid for r in results] == [True, True, False]
    assert results[2].refusal.reason_code == "annual_cap"
    assert balance_of(doctor_id=doctor.pk) == 180


def test_campaign_budget_stops_earning_with_a_clear_message(doctor, sponsor_a, policy_a):
    campaign = make_campaign(sponsor_a, budget=250)
    rule = make_rule(campaign, points=100)
    other_doctor = DoctorFactory(verified=True)
    results = give_points(doctor, rule, 2) + give_points(other_doctor, rule, 1)
    assert [r.paid for r in results] == [True, True, False]
    assert results[2].refusal.reason_code == "budget_spent"
    assert "200" in results[2].refusal.message and "250" in results[2].refusal.message


def test_yearly_tov_cap_per_sponsor_refuses_the_earn_that_would_cross_it(doctor, sponsor_a, sponsor_b):
    make_policy(sponsor_a, point_value="1.00", cap="250.00")
    make_policy(sponsor_b, point_value="1.00", cap="1000.00")
    rule_a = make_rule(make_campaign(sponsor_a), points=100)
    rule_b = make_rule(make_campaign(sponsor_b), points=100)
    results = give_points(doctor, rule_a, 3)
    assert [r.paid for r in results] == [True, True, False]
    assert results[2].refusal.reason_code == "tov_cap" and sponsor_a.name in results[2].refusal.message
    assert give_points(doctor, rule_b, 1)[0].paid  # the cap is per sponsor


def test_refusal_is_idempotent_too(doctor, sponsor_a, policy_a):
    rule = make_rule(make_campaign(sponsor_a, budget=0), points=10)
    first = points_earn(doctor=doctor, rule=rule, idempotency_key="same")
    second = points_earn(doctor=doctor, rule=rule, idempotency_key="same")
    assert not first.paid and not second.created
    assert EarnRefusal.objects.filter(idempotency_key="same").count() == 1


def test_sweep_pays_course_completions_once(doctor, rule_a):
    record_event(
        actor=doctor,
        verb="course.completed",
        object_type="course",
        object_id=987654,
        sponsor_id=rule_a.sponsor_id,
        campaign_id=rule_a.campaign_id,
        client_event_id="course-completed:987654",
    )
    assert points_earn_sweep_task() == 1
    assert points_earn_sweep_task() == 0
    entry = LedgerEntry.objects.get(doctor=doctor)
    assert entry.idempotency_key == f"event:{doctor.pk}:course-completed:987654" and entry.points == 100


# --- Ledger storage ---------------------------------------------------------------------------


def test_ledger_and_tov_rows_cannot_be_changed_or_deleted_in_the_database(doctor, rule_a):
    give_points(doctor, rule_a)
    for table in ("points_mall_ledgerentry", "points_mall_transferofvalue"):
        for statement in (f"UPDATE {table} SET points = 1", f"DELETE FROM {table}"):
            with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
    assert balance_of(doctor_id=doctor.pk) == 100


def test_catalog_refuses_non_academic_categories_in_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogItem.objects.create(name="购物卡", category="voucher", price_points=10, market_value=Decimal("10"), stock=1)


# --- Orders -----------------------------------------------------------------------------------


def test_order_spends_points_takes_stock_and_a_replay_gives_the_same_order(doctor, rule_a, item):
    give_points(doctor, rule_a, 3)
    first = place(doctor, item, quantity=2)
    again = place(doctor, item, quantity=2)
    assert first.created and not again.created and again.order.pk == first.order.pk
    assert balance_of(doctor_id=doctor.pk) == 100
    item.refresh_from_db()
    assert item.stock == 8
    assert Order.objects.count() == 1
    spend = LedgerEntry.objects.get(kind="spend")
    assert spend.points == -200 and spend.sponsor_id == rule_a.sponsor_id and spend.order_id == first.order.pk
    import json

    assert json.loads(Order.objects.get().address)["phone"] == "13800138000"
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM points_mall_order")
        assert "13800138000" not in cursor.fetchone()[0]  # encrypted at rest


@pytest.mark.parametrize("quantity", ["0", "-1", "1.5", "abc", "", True])
def test_bad_quantities_are_refused(doctor, rule_a, item, quantity):
    give_points(doctor, rule_a, 3)
    with pytest.raises(ValidationFailed):
        place(doctor, item, quantity=quantity)
    assert balance_of(doctor_id=doctor.pk) == 300 and not Order.objects.exists()


def test_refusals_say_what_is_wrong(doctor, rule_a):
    give_points(doctor, rule_a, 2)
    item = make_item(price=100, stock=1)
    with pytest.raises(Conflict) as changed:
        place(doctor, item, price=80)
    assert changed.value.code == "price_changed" and "80" in changed.value.message and "100" in changed.value.message
    with pytest.raises(ValidationFailed) as stock:
        place(doctor, item, quantity=2, key="k2")
    assert stock.value.code == "out_of_stock"
    with pytest.raises(ValidationFailed) as address:
        place(doctor, item, address={**ADDRESS, "street": "", "phone": "123"}, key="k3")
    assert set(address.value.details) == {"street", "phone"}
    expensive = make_item(price=500, stock=5)
    with pytest.raises(ValidationFailed) as poor:
        place(doctor, expensive, key="k4")
    assert poor.value.code == "insufficient_points" and "500" in poor.value.message
    assert balance_of(doctor_id=doctor.pk) == 200 and not Order.objects.exists()


def test_spend_is_charged_to_sponsors_and_refunded_to_the_same_sponsors(doctor, sponsor_a, sponsor_b, policy_a):
    make_policy(sponsor_b)
    give_points(doctor, make_rule(make_campaign(sponsor_a), points=100), 1)
    give_points(doctor, make_rule(make_campaign(sponsor_b), points=150), 1)
    item = make_item(price=200, stock=3)
    order = place(doctor, item).order
    spends = dict(LedgerEntry.objects.filter(kind="spend").values_list("sponsor_id", "points"))
    assert spends == {sponsor_b.pk: -150, sponsor_a.pk: -50}

    order_cancel(actor=doctor, order_id=order.pk, reason="地址填错了", by_doctor=True)
    order_cancel(actor=doctor, order_id=order.pk, reason="again", by_doctor=True)  # idempotent
    refunds = dict(LedgerEntry.objects.filter(kind="refund").values_list("sponsor_id", "points"))
    assert refunds == {sponsor_b.pk: 150, sponsor_a.pk: 50}
    assert balance_of(doctor_id=doctor.pk) == 250
    item.refresh_from_db()
    assert item.stock == 3


def test_order_lifecycle_and_refused_steps(doctor, platform_admin, rule_a, item):
    give_points(doctor, rule_a, 2)
    order = place(doctor, item).order
    with pytest.raises(Conflict):
        order_ship(actor=platform_admin, order_id=order.pk, tracking_number="SF1234567")  # not approved yet
    order_approve(actor=platform_admin, order_id=order.pk)
    with pytest.raises(ValidationFailed):
        order_ship(actor=platform_admin, order_id=order.pk, tracking_number="x")
    order_ship(actor=platform_admin, order_id=order.pk, tracking_number="SF1234567890", carrier="顺丰")
    with pytest.raises(Conflict):
        order_cancel(actor=platform_admin, order_id=order.pk, reason="too late")
    order = order_deliver(actor=platform_admin, order_id=order.pk)
    assert order.status == OrderStatus.DELIVERED and order.tracking_number == "SF1234567890"
    actions = list(
        AuditEntry.objects.filter(object_id=str(order.pk), action__startswith="points.order").values_list("action", flat=True)
    )
    assert actions == ["points.order.placed", "points.order.approved", "points.order.shipped", "points.order.delivered"]


def test_doctor_cannot_cancel_after_approval_but_staff_can(doctor, platform_admin, rule_a, item):
    give_points(doctor, rule_a, 1)
    order = place(doctor, item).order
    order_approve(actor=platform_admin, order_id=order.pk)
    with pytest.raises(Conflict):
        order_cancel(actor=doctor, order_id=order.pk, reason="不要了", by_doctor=True)
    order_cancel(actor=platform_admin, order_id=order.pk, reason="库存损坏")
    assert balance_of(doctor_id=doctor.pk) == 100


def test_many_accounts_to_one_address_hold_the_order(rule_a, platform_admin):
    item = make_item(price=10, stock=50)
    doctors = [DoctorFactory(verified=True) for _ in range(3)]
    statuses = []
    for doctor in doctors:
        give_points(doctor, rule_a, 1)
        statuses.append(place(doctor, item, address={**ADDRESS, "recipient": doctor.name}).order.status)
    assert statuses == [OrderStatus.PLACED, OrderStatus.PLACED, OrderStatus.HELD]
    held = Order.objects.get(status=OrderStatus.HELD)
    assert held.hold_reasons == ["address_shared"]
    with pytest.raises(ValidationFailed):
        order_approve(actor=platform_admin, order_id=held.pk)  # a held order needs a reason
    assert order_approve(actor=platform_admin, order_id=held.pk, reason="核实为同一科室集体收件").status == OrderStatus.APPROVED


def test_a_burst_of_earns_holds_the_order(doctor, campaign_a):
    rule = make_rule(campaign_a, points=5)
    give_points(doctor, rule, 10)
    order = place(doctor, make_item(price=10)).order
    assert order.status == OrderStatus.HELD and "earn_burst" in order.hold_reasons


def test_item_worth_more_than_its_points_counts_against_the_tov_cap(doctor, sponsor_a):
    make_policy(sponsor_a, point_value="0.10", cap="30.00")
    rule = make_rule(make_campaign(sponsor_a), points=100)
    give_points(doctor, rule, 2)  # 20.00 of 30.00 used
    pricey = make_item(price=100, market_value="25.00")  # 15.00 above the points' value
    with pytest.raises(ValidationFailed) as refused:
        place(doctor, pricey)
    assert refused.value.code == "tov_cap"
    fair = make_item(price=100, market_value="18.00")  # 8.00 above: fits
    order = place(doctor, fair, key="k2").order
    uplift = TransferOfValue.objects.with_scope(sponsor=[sponsor_a.pk]).get(nature="item_above_points")
    assert uplift.amount == Decimal("8.00")
    order_cancel(actor=doctor, order_id=order.pk, reason="改主意了", by_doctor=True)
    total = sum(t.amount for t in TransferOfValue.objects.with_scope(sponsor=[sponsor_a.pk]).filter(order=order))
    assert total == 0


def test_earn_refused_earns_are_listed_for_the_doctor_in_time_order(doctor, rule_a):
    # Sanity for the selector behind "activities that earned no points".
    from points_mall.selectors import earn_refusals_for

    rule_a.daily_cap = 100
    rule_a.save()
    give_points(doctor, rule_a, 2)
    time.sleep(0.01)
    assert [r.reason_code for r in earn_refusals_for(doctor=doctor)] == ["daily_cap"]
    assert timezone.now() > earn_refusals_for(doctor=doctor)[0].occurred_at
