"""No double spend and no oversell under real concurrency on PostgreSQL: 50 threads, own connections."""

import threading

import pytest
from django.db import connections

from platform_core.exceptions import ApplicationError
from points_mall.models import CatalogItem, LedgerEntry, Order
from points_mall.services.ledger import balance_of
from points_mall.services.orders import order_place
from tests.points_mall.conftest import ADDRESS, give_points, make_campaign, make_item, make_policy, make_rule

THREADS = 50
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("points-concurrency")]


def _race(doctor, item, *, keys: list[str]) -> tuple[list, list]:
    barrier = threading.Barrier(len(keys))
    successes, failures = [], []
    lock = threading.Lock()

    def redeem(key):
        try:
            barrier.wait()
            result = order_place(
                doctor=doctor,
                item_id=item.pk,
                quantity=1,
                expected_unit_price=item.price_points,
                address=ADDRESS,
                idempotency_key=key,
            )
            with lock:
                successes.append(result)
        except ApplicationError as error:
            with lock:
                failures.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=redeem, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return successes, failures


@pytest.fixture
def funded_doctor(doctor, sponsor_a):
    make_policy(sponsor_a, point_value="0.10", cap="100000.00")
    rule = make_rule(make_campaign(sponsor_a), points=100)
    give_points(doctor, rule, 10)  # 1,000 points
    return doctor


def test_fifty_redemptions_only_the_affordable_ones_succeed(funded_doctor):
    item = make_item(price=100, stock=1000, max_per_order=1)
    successes, failures = _race(funded_doctor, item, keys=[f"k{i}" for i in range(THREADS)])
    assert len(successes) == 10
    assert failures == ["insufficient_points"] * (THREADS - 10)
    assert balance_of(doctor_id=funded_doctor.pk) == 0
    assert Order.objects.count() == 10
    assert CatalogItem.objects.get(pk=item.pk).stock == 990
    assert LedgerEntry.objects.filter(kind="spend").count() == 10


def test_fifty_redemptions_never_oversell_the_stock(funded_doctor):
    item = make_item(price=10, stock=7, max_per_order=1)
    successes, failures = _race(funded_doctor, item, keys=[f"k{i}" for i in range(THREADS)])
    assert len(successes) == 7 and set(failures) == {"out_of_stock"}
    assert CatalogItem.objects.get(pk=item.pk).stock == 0
    assert balance_of(doctor_id=funded_doctor.pk) == 1000 - 70


def test_fifty_replays_of_one_key_make_one_order(funded_doctor):
    item = make_item(price=100, stock=1000, max_per_order=1)
    successes, failures = _race(funded_doctor, item, keys=["same-key"] * THREADS)
    assert failures == [] and len(successes) == THREADS
    assert len({result.order.pk for result in successes}) == 1
    assert sum(result.created for result in successes) == 1
    assert balance_of(doctor_id=funded_doctor.pk) == 900
    assert CatalogItem.objects.get(pk=item.pk).stock == 999
