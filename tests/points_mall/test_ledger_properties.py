"""Property test of the ledger: any sequence of earns, spends (orders), refunds (cancellations),
replays and refused operations keeps balance = sum of entries ≥ 0, stock ≥ 0, and never crosses
the daily, annual, budget or transfer-of-value caps."""

from decimal import Decimal

from django.db.models import Sum
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from platform_core.exceptions import ApplicationError
from points_mall.models import CatalogItem, EarnRule, LedgerEntry, Order, OrderStatus, TransferOfValue
from points_mall.services.earning import points_earn
from points_mall.services.ledger import balance_of, sponsor_balances_of
from points_mall.services.orders import order_cancel, order_place
from tests.factories import AdminFactory, DoctorFactory, SponsorFactory
from tests.points_mall.conftest import ADDRESS, make_campaign, make_item, make_policy, make_rule

operations = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), st.integers(0, 2), st.integers(0, 5)),  # rule, source key
        st.tuples(st.just("order"), st.integers(0, 1), st.integers(0, 6)),  # item, order key (replays collide)
        st.tuples(st.just("cancel"), st.integers(0, 10), st.booleans()),  # which order, by the doctor?
    ),
    max_size=25,
)


class LedgerPropertyTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.sponsor_a = SponsorFactory()
        cls.sponsor_b = SponsorFactory()
        make_policy(cls.sponsor_a, point_value="1.00", cap="400.00")
        make_policy(cls.sponsor_b, point_value="0.50", cap="1000.00")
        cls.rules = [
            make_rule(make_campaign(cls.sponsor_a, budget=600), points=100, daily_cap=300),
            make_rule(make_campaign(cls.sponsor_b, budget=5000), points=70, annual_cap=350),
            make_rule(make_campaign(cls.sponsor_b, budget=200), points=90),
        ]
        cls.staff = AdminFactory()

    @given(operations)
    def test_balance_is_the_sum_and_never_negative_and_caps_hold(self, ops):
        doctor = DoctorFactory(verified=True)
        items = [make_item(price=120, stock=3, market_value="30.00"), make_item(price=50, stock=2, market_value="200.00")]
        for op in ops:
            try:
                if op[0] == "earn":
                    points_earn(doctor=doctor, rule=self.rules[op[1]], idempotency_key=f"{doctor.pk}:{op[1]}:{op[2]}")
                elif op[0] == "order":
                    order_place(
                        doctor=doctor,
                        item_id=items[op[1]].pk,
                        quantity=1,
                        expected_unit_price=items[op[1]].price_points,
                        address=ADDRESS,
                        idempotency_key=f"o{op[2]}",
                    )
                else:
                    orders = list(Order.objects.filter(doctor=doctor).order_by("pk"))
                    if orders:
                        order = orders[op[1] % len(orders)]
                        order_cancel(actor=doctor if op[2] else self.staff, order_id=order.pk, reason="测试", by_doctor=op[2])
            except ApplicationError:
                pass
            self._check(doctor, items)

    def _check(self, doctor, items):
        entries = LedgerEntry.objects.filter(doctor=doctor)
        total = entries.aggregate(total=Sum("points"))["total"] or 0
        assert balance_of(doctor_id=doctor.pk) == total >= 0
        assert all(points >= 0 for points in sponsor_balances_of(doctor_id=doctor.pk).values())
        for item in items:
            live = Order.objects.filter(item=item).exclude(status=OrderStatus.CANCELLED).count()
            stock = CatalogItem.objects.get(pk=item.pk).stock
            initial = 3 if item is items[0] else 2
            assert stock >= 0 and stock + live == initial
        for order in Order.objects.filter(doctor=doctor):
            spent = -(order.entries.filter(kind="spend").aggregate(s=Sum("points"))["s"] or 0)
            refunded = order.entries.filter(kind="refund").aggregate(s=Sum("points"))["s"] or 0
            assert spent == order.total_points
            assert refunded == (order.total_points if order.status == OrderStatus.CANCELLED else 0)
        for rule in EarnRule.objects.with_scopes_disabled().all():
            paid = entries.filter(rule=rule).aggregate(s=Sum("points"))["s"] or 0
            assert rule.annual_cap is None or paid <= rule.annual_cap
            assert rule.daily_cap is None or paid <= rule.daily_cap  # all of a test run is one day
            campaign_total = LedgerEntry.objects.filter(rule=rule).aggregate(s=Sum("points"))["s"] or 0
            assert campaign_total <= rule.campaign.points_budget
        for sponsor in (self.sponsor_a, self.sponsor_b):
            used = TransferOfValue.objects.with_scope(sponsor=[sponsor.pk]).filter(doctor=doctor).aggregate(s=Sum("amount"))["s"]
            assert (used or Decimal(0)) <= sponsor.points_policy.annual_tov_cap
