"""Staff run orders from the Django admin: each step goes through the order services (audited)."""

import pytest

from points_mall.models import Order, OrderStatus
from points_mall.services.ledger import balance_of
from tests.points_mall.conftest import give_points
from tests.points_mall.test_services import place

pytestmark = pytest.mark.django_db


def change(client, order, **data):
    return client.post(f"/django-admin/points_mall/order/{order.pk}/change/", data, follow=True)


def test_staff_approve_ship_and_cancel_from_the_admin(client, platform_admin, doctor, rule_a, item):
    give_points(doctor, rule_a, times=3)
    before = balance_of(doctor_id=doctor.pk)
    place(doctor, item)
    order = Order.objects.get(doctor=doctor)
    assert balance_of(doctor_id=doctor.pk) == before - item.price_points
    client.force_login(platform_admin)
    assert client.get(f"/django-admin/points_mall/order/{order.pk}/change/").status_code == 200

    change(client, order, step="approve")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.APPROVED
    refused = change(client, order, step="ship")  # no tracking number: refused with the reason, nothing changes
    assert Order.objects.get(pk=order.pk).status == OrderStatus.APPROVED
    assert refused.status_code == 200
    change(client, order, step="cancel", step_reason="地址无法送达，已与医生确认取消")
    cancelled = Order.objects.get(pk=order.pk)
    assert cancelled.status == OrderStatus.CANCELLED
    assert balance_of(doctor_id=doctor.pk) == before  # refunded


def test_doctor_and_manager_cannot_open_the_order_admin(client_for, doctor, manager_a, rule_a, item):
    give_points(doctor, rule_a, times=3)
    place(doctor, item)
    order = Order.objects.get(doctor=doctor)
    for user in (doctor, manager_a):
        response = client_for(user).get(f"/django-admin/points_mall/order/{order.pk}/change/")
        assert response.status_code in (302, 403, 404)
    assert Order.objects.get(pk=order.pk).status != OrderStatus.CANCELLED
