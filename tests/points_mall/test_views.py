"""Pages: catalogue, order form (kept input, price change, double submit), my points, orders,
cancellation, and the ToV report's tenant isolation and audit."""

import re

import pytest
from django.urls import reverse

from platform_core.models import AuditEntry
from points_mall.models import CatalogItem, Order, OrderStatus
from points_mall.services.ledger import balance_of
from tests.factories import DoctorFactory
from tests.points_mall.conftest import ADDRESS, give_points, make_campaign, make_policy, make_rule


def _form_key(html: str) -> str:
    return re.search(r'name="key" value="([0-9a-f]+)"', html).group(1)


def _post_order(client, item, key, **overrides):
    data = {"quantity": "1", "key": key, "expected_price": item.price_points, **ADDRESS, **overrides}
    return client.post(reverse("points_mall:item", args=[item.pk]), data)


def test_doctor_orders_sees_balance_drop_and_a_double_submit_makes_one_order(client_for, doctor, rule_a, item):
    give_points(doctor, rule_a, 2)
    client = client_for(doctor)
    index = client.get(reverse("points_mall:index"))
    assert index.status_code == 200 and item.name in index.content.decode()
    page = client.get(reverse("points_mall:item", args=[item.pk]))
    key = _form_key(page.content.decode())
    first = _post_order(client, item, key)
    second = _post_order(client, item, key)
    order = Order.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("points_mall:order", args=[order.pk])
    assert balance_of(doctor_id=doctor.pk) == 100
    points = client.get(reverse("points_mall:points")).content.decode()
    assert "-100" in points and rule_a.sponsor.name in points


def test_rejected_form_keeps_what_was_typed(client_for, doctor, rule_a, item):
    give_points(doctor, rule_a, 1)
    client = client_for(doctor)
    response = _post_order(client, item, "k1", street="", phone="12345")
    html = response.content.decode()
    assert response.status_code == 400
    assert ADDRESS["recipient"] in html and ADDRESS["province"] in html and 'value="12345"' in html
    assert not Order.objects.exists()


def test_price_changed_since_page_load_is_refused_and_shows_the_new_price(client_for, doctor, rule_a, item):
    give_points(doctor, rule_a, 3)
    client = client_for(doctor)
    key = _form_key(client.get(reverse("points_mall:item", args=[item.pk])).content.decode())
    CatalogItem.objects.filter(pk=item.pk).update(price_points=150)
    response = _post_order(client, item, key)
    assert response.status_code == 409 and "150" in response.content.decode()
    assert not Order.objects.exists()
    assert 'name="expected_price" value="150"' in response.content.decode()


def test_doctor_cancels_own_order_but_not_someone_elses(client_for, doctor, rule_a, item):
    give_points(doctor, rule_a, 1)
    client = client_for(doctor)
    _post_order(client, item, "k1")
    order = Order.objects.get()
    stranger = DoctorFactory(verified=True)
    foreign = client_for(stranger)
    assert foreign.get(reverse("points_mall:order", args=[order.pk])).status_code == 404
    assert foreign.post(reverse("points_mall:order_cancel", args=[order.pk]), {"reason": "x"}).status_code == 404
    assert Order.objects.get().status == OrderStatus.PLACED
    response = client.post(reverse("points_mall:order_cancel", args=[order.pk]), {"reason": "地址写错"})
    assert response.status_code == 302
    assert Order.objects.get().status == OrderStatus.CANCELLED and balance_of(doctor_id=doctor.pk) == 100


@pytest.mark.parametrize("role", ["anonymous", "rep_a", "manager_a", "unverified_doctor"])
def test_mall_pages_are_for_doctors(client_for, request, role, item):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    response = client_for(user).get(reverse("points_mall:index"))
    assert response.status_code == (302 if role == "anonymous" else 200 if role == "unverified_doctor" else 404)


def test_tov_report_is_scoped_to_the_managers_sponsor(client_for, doctor, manager_a, manager_b, sponsor_a, sponsor_b):
    make_policy(sponsor_a)
    make_policy(sponsor_b)
    give_points(doctor, make_rule(make_campaign(sponsor_a), points=100))
    give_points(doctor, make_rule(make_campaign(sponsor_b), points=30))
    a = client_for(manager_a)
    csv = a.get(reverse("points_mall:tov_download"), {"sponsor": sponsor_a.pk, "format": "csv"})
    assert csv.status_code == 200 and "10.00" in csv.content.decode("utf-8-sig")
    assert doctor.name in csv.content.decode("utf-8-sig") and sponsor_b.name not in csv.content.decode("utf-8-sig")
    before = AuditEntry.objects.filter(action="points.tov.exported").count()
    assert a.get(reverse("points_mall:tov_download"), {"sponsor": sponsor_b.pk, "format": "csv"}).status_code == 404
    assert a.get(reverse("points_mall:tov_report"), {"sponsor": sponsor_b.pk}).status_code == 404
    assert AuditEntry.objects.filter(action="points.tov.exported").count() == before
    xlsx = client_for(manager_b).get(reverse("points_mall:tov_download"), {"sponsor": sponsor_b.pk, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert AuditEntry.objects.filter(action="points.tov.exported", sponsor_id=sponsor_b.pk).count() == 1


def test_platform_admin_reads_any_sponsors_report_and_doctors_none(client_for, platform_admin, doctor, sponsor_b):
    assert client_for(platform_admin).get(reverse("points_mall:tov_report"), {"sponsor": sponsor_b.pk}).status_code == 200
    assert client_for(doctor).get(reverse("points_mall:tov_report")).status_code == 404
