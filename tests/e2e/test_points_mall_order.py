"""A doctor with points orders an academic item in the real browser and sees the balance drop; a staff
cancel refunds it and the doctor sees the balance restored (issue 7's real-browser test)."""

import re

import pytest
from playwright.sync_api import expect

from points_mall.models import LedgerEntry, Order, OrderStatus
from points_mall.services.ledger import balance_of
from points_mall.services.orders import order_approve, order_cancel
from tests.e2e.test_signup_verification_consent import log_in
from tests.factories import AdminFactory
from tests.factories.accounts import DEFAULT_PASSWORD, DoctorFactory
from tests.points_mall.conftest import give_points, make_campaign, make_item, make_policy, make_rule


@pytest.mark.e2e
def test_doctor_orders_an_item_and_a_staff_cancel_refunds_it(page, live_server, sponsor_a):
    doctor = DoctorFactory(verified=True, email="lina@example.cn", name="李娜")
    make_policy(sponsor_a)
    rule = make_rule(make_campaign(sponsor_a), points=100)
    give_points(doctor, rule, times=5)  # 500 points
    item = make_item(name="内科学（第10版）", price=180, stock=3, market_value="15.00")

    log_in(page, doctor.email, DEFAULT_PASSWORD)
    page.goto("/mall/")
    expect(page.get_by_role("heading", name="积分商城")).to_be_visible()
    expect(page.get_by_test_id("balance").locator("strong")).to_have_text("500")
    page.get_by_role("link", name=re.compile("内科学（第10版）")).click()
    expect(page.get_by_test_id("price")).to_have_text("180 积分")

    # A missing field is named and what was typed stays in the form.
    page.get_by_label("收件人").fill("李娜")
    page.get_by_label("手机号").fill("13912345678")
    page.get_by_label("省份").fill("四川省")
    page.get_by_label("城市").fill("成都市")
    page.get_by_role("button", name="兑换").click()
    expect(page.get_by_test_id("order-error")).to_be_visible()
    expect(page.get_by_label("收件人")).to_have_value("李娜")
    assert not Order.objects.exists() and balance_of(doctor_id=doctor.pk) == 500
    # The refused form answers 400 by design; the browser logs that response and nothing else.
    assert len(page.console_errors) == 1 and "400" in page.console_errors[0]
    page.console_errors.clear()

    page.get_by_label("区/县").fill("武侯区")
    page.get_by_label("详细地址").fill("国学巷 37 号 四川大学华西医院 心内科")
    page.get_by_label("邮政编码").fill("610041")
    page.get_by_role("button", name="兑换").click()

    expect(page.get_by_text("您的订单已提交。")).to_be_visible()
    order = Order.objects.get(doctor=doctor)
    expect(page.get_by_role("heading", name=f"订单 #{order.pk}")).to_be_visible()
    expect(page.get_by_test_id("order-status")).to_have_text("已下单")
    assert order.total_points == 180 and order.status == OrderStatus.PLACED

    page.goto("/mall/points/")
    expect(page.get_by_test_id("balance")).to_have_text("320")
    expect(page.locator("td.points-minus")).to_have_text(["-180"])

    # Staff approve, then cancel with a reason (after approval only staff may): every point comes back.
    staff = AdminFactory()
    order_approve(actor=staff, order_id=order.pk, reason="")
    order_cancel(actor=staff, order_id=order.pk, reason="该书已停印，无法配送")

    page.goto(f"/mall/orders/{order.pk}/")
    expect(page.get_by_test_id("order-status")).to_have_text("已取消（积分已退还）")
    expect(page.get_by_text("该书已停印，无法配送")).to_be_visible()
    page.goto("/mall/points/")
    expect(page.get_by_test_id("balance")).to_have_text("500")
    expect(page.locator("td.points-plus").first).to_have_text("+180")
    page.goto("/mall/")
    expect(page.get_by_test_id("balance").locator("strong")).to_have_text("500")

    kinds = list(LedgerEntry.objects.filter(doctor=doctor).order_by("id").values_list("kind", "points"))
    assert kinds[-2:] == [(LedgerEntry.Kind.SPEND, -180), (LedgerEntry.Kind.REFUND, 180)]
    item.refresh_from_db()
    assert item.stock == 3
    assert page.console_errors == []
