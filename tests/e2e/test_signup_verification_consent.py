"""A doctor's first day, in a real browser and in Chinese: sign up → submit credentials with an
evidence photo → a verifier approves → the doctor is 已认证 → gives, then withdraws, data-sharing
consent to a sponsor (HTMX row swap) → the database and the audit trail agree."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from platform_core.models import AuditEntry, Consent, ConsentPurpose, InteractionEvent, Sponsor, VerificationRequest
from platform_core.roles import Role
from platform_core.services.accounts import role_grant

DOCTOR_EMAIL = "wang.fang@example.cn"
DOCTOR_PASSWORD = "Xinglin-E2E-2026!"
VERIFIER_EMAIL = "shenhe@xinglin.example"
VERIFIER_PASSWORD = "Verifier-E2E-2026!"
LICENCE_NUMBER = "110330000123456"


@pytest.fixture
def sponsor(transactional_db):
    return Sponsor.objects.create(code="hengkang", name="恒康制药有限公司", name_en="Hengkang Pharma")


@pytest.fixture
def verifier(transactional_db):
    user = get_user_model().objects.create_user(
        username="verifier-e2e", email=VERIFIER_EMAIL, password=VERIFIER_PASSWORD, name="审核员陈静"
    )
    role_grant(actor=None, user=user, role=Role.VERIFIER, reason="e2e set-up")
    return user


@pytest.fixture
def evidence_png(tmp_path):
    path = tmp_path / "licence.png"
    image = Image.new("RGB", (480, 320), (240, 248, 247))
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 16, 464, 304), outline=(15, 118, 110), width=6)
    draw.rectangle((40, 60, 160, 200), fill=(204, 251, 241))
    for row in range(5):
        draw.line((190, 80 + row * 32, 430, 80 + row * 32), fill=(59, 82, 84), width=4)
    image.save(path, format="PNG")
    return path


def log_out(page):
    page.locator("details.user-menu summary").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def log_in(page, login, password):
    page.goto("/accounts/login/")
    page.get_by_label("邮箱或手机号").fill(login)
    page.get_by_label("密码", exact=True).fill(password)
    page.locator("form").get_by_role("button", name="登录").click()


@pytest.mark.e2e
def test_doctor_signs_up_is_verified_and_controls_consent(page, live_server, sponsor, verifier, evidence_png):
    # --- Sign up (the UI is Chinese by default) --------------------------------------------
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.get_by_role("link", name="医生注册").first.click()
    expect(page.get_by_role("heading", name="医生注册")).to_be_visible()
    expect(page.locator(".terms-box")).to_contain_text("杏林平台用户协议")
    page.get_by_label("真实姓名").fill("王芳")
    page.get_by_label("邮箱或手机号").fill(DOCTOR_EMAIL)
    page.get_by_label("密码").fill(DOCTOR_PASSWORD)
    page.get_by_label("我已阅读并同意平台用户协议与隐私政策").check()
    page.get_by_role("button", name="创建账号").click()

    # --- Submit credentials with an evidence photo --------------------------------------------
    expect(page).to_have_url(re.compile(r"/me/verification/$"))
    expect(page.locator(".badge-verification")).to_have_text("未认证")
    page.get_by_label("医院", exact=True).fill("浙江大学医学院附属第一医院")
    page.get_by_label("医院等级").select_option("3A")
    page.get_by_label("省份").select_option("浙江")
    page.get_by_label("城市").fill("杭州")
    page.get_by_label("科室").select_option("cardiology")
    page.get_by_label("职称").select_option("attending")
    page.get_by_label("专业方向").fill("心力衰竭")
    page.get_by_label("医师执业证书编号").fill(LICENCE_NUMBER)
    page.get_by_label("执业证书或工牌照片").set_input_files(str(evidence_png))
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".alert-success")).to_contain_text("提交成功")
    expect(page.locator(".badge-verification")).to_have_text("审核中")
    log_out(page)

    # --- The verifier approves ---------------------------------------------------------------
    log_in(page, VERIFIER_EMAIL, VERIFIER_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/verifier/$"))
    page.get_by_role("link", name="王芳").click()
    expect(page.get_by_test_id("licence-number")).to_have_text(LICENCE_NUMBER)
    evidence = page.locator("img.evidence")
    expect(evidence).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth === 480", arg=evidence.element_handle())
    page.get_by_role("button", name="通过").click()
    expect(page.locator(".alert-success")).to_contain_text("已通过")
    log_out(page)

    # --- The doctor is verified -----------------------------------------------------------------
    log_in(page, DOCTOR_EMAIL, DOCTOR_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/doctor/$"))
    expect(page.locator(".badge-verification")).to_have_text("已认证")
    expect(page.get_by_role("heading", name="王芳 医生，您好")).to_be_visible()
    page.screenshot(path="/tmp/xinglin-doctor-home.png", full_page=True)

    # --- Give, then withdraw, data-sharing consent to the sponsor (HTMX swaps the row) --------------
    page.locator("details.user-menu summary").click()
    page.locator("details.user-menu").get_by_role("link", name="知情同意管理").click()
    expect(page.get_by_role("heading", name="知情同意管理", exact=True)).to_be_visible()
    row = page.locator(f"#consent-{ConsentPurpose.SPONSOR_DATA_SHARING.value}-{sponsor.pk}")
    expect(row).to_have_attribute("data-state", "none")
    expect(row).to_contain_text("向该申办方共享我的学习与参会数据")
    row.get_by_text("查看条款全文").click()
    expect(row.locator(".consent-text")).to_contain_text("撤回后该申办方立即不可再查看")
    row.get_by_role("button", name="同意").click()
    expect(row).to_have_attribute("data-state", "given")
    expect(row.locator(".row-notice")).to_have_text("已同意。")
    page.screenshot(path="/tmp/xinglin-consents.png", full_page=True)

    row.get_by_role("button", name="撤回同意").click()
    expect(row).to_have_attribute("data-state", "withdrawn")
    expect(row.locator(".row-notice")).to_contain_text("已撤回同意")
    # The history below was swapped out of band in the same response.
    expect(page.locator("#consent-history tbody tr")).to_have_count(3)  # platform terms, given, withdrawn

    # --- The database and the audit trail agree -----------------------------------------------------
    doctor = get_user_model().objects.get(email=DOCTOR_EMAIL)
    consent = Consent.objects.get(user=doctor, purpose=ConsentPurpose.SPONSOR_DATA_SHARING, sponsor=sponsor)
    assert consent.granted is False
    assert AuditEntry.objects.filter(action="privacy.consent.withdrawn", actor_id=doctor.pk, sponsor_id=sponsor.pk).exists()
    assert AuditEntry.objects.filter(action="verification.request.approved", actor_id=verifier.pk).exists()
    assert VerificationRequest.objects.get(doctor=doctor).status == VerificationRequest.Status.APPROVED

    # --- The interactions client recorded page views (posted on pagehide / visibilitychange) ------
    page.goto("/me/privacy/")
    consent_page_views = InteractionEvent.objects.with_scopes_disabled().filter(
        actor_id=doctor.pk, verb="page.viewed", object_type="page", object_id="/me/consents/"
    )
    deadline = time.monotonic() + 15
    while not consent_page_views.exists() and time.monotonic() < deadline:
        time.sleep(0.25)
    assert consent_page_views.count() == 1
    assert consent_page_views.get().value > 0

    assert page.console_errors == []
