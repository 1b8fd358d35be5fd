"""Every page of the shared domain through the whole Django stack (middleware, templates, i18n,
CSP), per role, with the Django test client: the fast companion of the browser test."""

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from platform_core.models import AuditEntry, Consent, ConsentPurpose, DataRequest, VerificationRequest
from platform_core.roles import Role
from platform_core.services.verification import verification_submit
from tests.factories import (
    AdverseEventReportFactory,
    DoctorFactory,
    PrescribingInformationFactory,
    RepFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def png_upload(name="licence.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (15, 118, 110)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_landing_page_for_anonymous_visitors_is_chinese(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "医生注册" in body and "登录" in body
    assert 'lang="zh-hans"' in body
    assert "interactions.js" not in body  # the tracker is for logged-in users only


def test_language_switcher_switches_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert "Sign up as a doctor" in response.content.decode()


@pytest.mark.parametrize(
    ("user_fixture", "home_name", "marker"),
    [
        ("unverified_doctor", "home_doctor", "立即认证"),
        ("rep_a", "home_rep", "我的备案"),
        ("manager_a", "home_manager", "Alphastatin"),
        ("mlr_a", "home_mlr", "现行说明书"),
        ("pv_officer", "home_pv", "待分诊"),
        ("verifier", "home_verifier", "待审核"),
        ("platform_admin", "home_admin", "审计日志"),
    ],
)
def test_home_redirects_each_role_to_its_own_home(request, client_for, product_a, user_fixture, home_name, marker):
    user = request.getfixturevalue(user_fixture)
    PrescribingInformationFactory(product=product_a)
    client = client_for(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse(home_name)
    page = client.get(reverse(home_name))
    assert page.status_code == 200
    body = page.content.decode()
    assert marker in body
    assert "interactions.js" in body


def test_role_homes_of_other_roles_answer_404(client_for, unverified_doctor):
    client = client_for(unverified_doctor)
    for name in (
        "home_rep",
        "home_manager",
        "home_pv",
        "home_verifier",
        "home_admin",
        "verification_queue",
        "pv_queue",
        "audit_log",
    ):
        assert client.get(reverse(name)).status_code == 404, name


def test_person_with_two_roles_lands_on_the_first_and_sees_the_other_in_nav(client_for):
    user = UserFactory(roles=[Role.VERIFIER, Role.PV_OFFICER])
    client = client_for(user)
    assert client.get(reverse("home"))["Location"] == reverse("home_pv")
    body = client.get(reverse("home_pv")).content.decode()
    assert reverse("home_verifier") in body


def test_rep_without_active_registration_sees_promotion_off_banner(client_for, sponsor_a):
    rep = RepFactory(sponsor=sponsor_a, registration__status="suspended")
    body = client_for(rep).get(reverse("home_rep")).content.decode()
    assert "学术推广功能已关闭" in body and "已暂停" in body


def test_signup_keeps_typed_values_and_shows_field_errors(client, sponsor_a):
    response = client.post(reverse("signup"), {"name": "王医生", "login": "not-a-login", "password": "short"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="王医生"' in body and 'value="not-a-login"' in body
    assert "请输入电子邮箱或 11 位中国大陆手机号。" in body
    assert "创建账号前须同意平台用户协议与隐私政策。" in body


def test_signup_logs_in_and_goes_to_verification(client):
    response = client.post(
        reverse("signup"),
        {"name": "李华", "login": "13812345678", "password": "Xl-Strong-Pass-1", "accept_terms": "on"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("verification")
    page = client.get(reverse("verification")).content.decode()
    assert "未认证" in page and "提交审核" in page


def test_verification_errors_keep_values_and_ask_for_the_file_again(client_for, unverified_doctor):
    client = client_for(unverified_doctor)
    response = client.post(
        reverse("verification"),
        {
            "hospital_name": "浙江大学医学院附属第一医院",
            "hospital_level": "3A",
            "province": "浙江",
            "city": "杭州",
            "department": "cardiology",
            "title": "attending",
            "licence_number": "12",
            "evidence": png_upload(),
        },
    )
    body = response.content.decode()
    assert 'value="浙江大学医学院附属第一医院"' in body
    assert "医师执业证书编号应为 10 至 30 位字母或数字。" in body
    assert "请重新选择文件" in body


def test_verifier_sees_licence_and_evidence_and_approves(client_for, unverified_doctor, verifier, client):
    item = verification_submit(
        doctor=unverified_doctor,
        hospital_name="四川大学华西医院",
        hospital_level="3A",
        province="四川",
        city="成都",
        department="oncology",
        title="chief",
        licence_number="110510000123456",
        evidence=png_upload(),
    )
    reviewer = client_for(verifier)
    detail = reviewer.get(reverse("verification_detail", kwargs={"request_id": item.pk})).content.decode()
    assert "110510000123456" in detail
    evidence = reviewer.get(reverse("verification_evidence", kwargs={"request_id": item.pk}))
    assert evidence.status_code == 200
    assert evidence["Content-Type"] == "image/png"
    assert evidence["X-Content-Type-Options"] == "nosniff"
    assert evidence["Content-Disposition"].startswith("attachment")
    assert "sandbox" in evidence["Content-Security-Policy"]
    assert b"".join(evidence.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    # Nobody else gets the file, not even the doctor who sent it.
    assert client_for(unverified_doctor).get(reverse("verification_evidence", kwargs={"request_id": item.pk})).status_code == 404
    assert client.get(reverse("verification_evidence", kwargs={"request_id": item.pk})).status_code == 302

    rejected = reviewer.post(reverse("verification_detail", kwargs={"request_id": item.pk}), {"decision": "reject"})
    assert "请填写驳回理由" in rejected.content.decode() or "此项为必填项" in rejected.content.decode()
    approved = reviewer.post(
        reverse("verification_detail", kwargs={"request_id": item.pk}), {"decision": "approve", "reason": ""}
    )
    assert approved.status_code == 302
    item.refresh_from_db()
    assert item.status == VerificationRequest.Status.APPROVED
    assert "已认证" in client_for(unverified_doctor).get(reverse("home_doctor")).content.decode()


def test_consent_give_and_withdraw_without_javascript_and_with_htmx(client_for, doctor, sponsor_a):
    client = client_for(doctor)
    page = client.get(reverse("consents")).content.decode()
    assert sponsor_a.name in page and "同意" in page
    data = {"purpose": ConsentPurpose.SPONSOR_DATA_SHARING, "sponsor_id": sponsor_a.pk, "action": "give"}
    assert client.post(reverse("consents"), data).status_code == 302
    assert Consent.objects.get(user=doctor, sponsor=sponsor_a).granted is True
    swapped = client.post(reverse("consents"), {**data, "action": "withdraw"}, HTTP_HX_REQUEST="true")
    body = swapped.content.decode()
    assert swapped.status_code == 200
    assert body.lstrip().startswith("<tr") and 'hx-swap-oob="true"' in body and "已撤回" in body
    assert Consent.objects.get(user=doctor, sponsor=sponsor_a).granted is False


def test_withdrawing_platform_terms_points_to_account_deletion(client_for):
    doctor = DoctorFactory()
    client = client_for(doctor)
    response = client.post(reverse("consents"), {"purpose": "platform_terms", "action": "withdraw"}, HTTP_HX_REQUEST="true")
    assert "注销账号" in response.content.decode()


def test_privacy_export_is_a_json_attachment(client_for, doctor):
    response = client_for(doctor).post(reverse("privacy_export"))
    assert response["Content-Disposition"] == 'attachment; filename="xinglin-my-data.json"'
    assert json.loads(response.content)["account"]["id"] == doctor.pk


def test_deletion_needs_confirmation_then_logs_out(client_for, doctor, django_capture_on_commit_callbacks):
    client = client_for(doctor)
    refused = client.post(reverse("privacy_delete"), {"reason": "不再使用"})
    assert "请勾选确认框" in refused.content.decode()
    assert not DataRequest.objects.filter(user=doctor, kind="deletion").exists()
    with django_capture_on_commit_callbacks(execute=False):
        done = client.post(reverse("privacy_delete"), {"reason": "不再使用", "confirm": "on"})
    assert done["Location"] == reverse("privacy_deleted")
    assert DataRequest.objects.filter(user=doctor, kind="deletion").exists()
    assert client.get(reverse("consents")).status_code == 302  # logged out


def test_pv_officer_triages_and_forwards(client_for, pv_officer, product_a):
    report = AdverseEventReportFactory(sponsor=product_a.sponsor, product=product_a)
    client = client_for(pv_officer)
    assert "AE-" in client.get(reverse("pv_queue")).content.decode()
    url = reverse("pv_detail", kwargs={"report_id": report.pk})
    incomplete = client.post(url, {"step": "triage", "is_adverse_event": "yes", "reason": "皮疹", "reaction": "皮疹"})
    assert "此项为必填项" in incomplete.content.decode()
    client.post(
        url,
        {
            "step": "triage",
            "is_adverse_event": "yes",
            "reason": "符合不良事件",
            "patient_descriptor": "男，65 岁",
            "reaction": "皮疹",
            "suspect_product": "Alphastatin",
            "reporter_description": "主治医师",
            "seriousness": "non_serious",
        },
    )
    forwarded = client.post(url, {"step": "forward", "reason": "邮件发送至申办方 PV"})
    assert forwarded.status_code == 302
    report.refresh_from_db()
    assert report.status == "forwarded"


def test_audit_log_lists_entries_for_admins(client_for, platform_admin, unverified_doctor):
    verification_submit(
        doctor=unverified_doctor,
        hospital_name="武汉协和医院",
        hospital_level="3A",
        province="湖北",
        department="neurology",
        title="resident",
        licence_number="110420000999999",
        evidence=png_upload(),
    )
    assert AuditEntry.objects.filter(action="verification.request.submitted").exists()
    body = client_for(platform_admin).get(reverse("audit_log")).content.decode()
    assert "verification.request.submitted" in body


def test_login_page_and_wrong_password(client, doctor):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"login": doctor.email, "password": "wrong-password"})
    body = response.content.decode()
    assert "邮箱/手机号或密码错误。" in body and f'value="{doctor.email}"' in body


def test_lockout_after_five_failures_is_a_429_page(client, doctor):
    for _ in range(5):
        client.post(reverse("login"), {"login": doctor.email, "password": "wrong-password"})
    response = client.post(reverse("login"), {"login": doctor.email, "password": "wrong-password"})
    assert response.status_code == 429
    assert "15 分钟" in response.content.decode()


def test_one_time_code_login(client, doctor, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("login_code"), {"login": doctor.email, "action": "send"})
    assert "6 位验证码已发送" in sent.content.decode()
    code = re.search(r"\b(\d{6})\b", mailoutbox[-1].body, flags=re.ASCII).group(1)
    wrong_code = "000000" if code != "000000" else "111111"
    wrong = client.post(reverse("login_code"), {"login": doctor.email, "code": wrong_code, "action": "verify"})
    assert "验证码错误或已过期。" in wrong.content.decode()
    done = client.post(reverse("login_code"), {"login": doctor.email, "code": code, "action": "verify"})
    assert done.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("home_doctor")
