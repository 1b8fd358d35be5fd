"""Login by one-time code: delivery by e-mail or SMS, rate limits, attempts, expiry."""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import F
from django.utils import timezone

from platform_core.exceptions import RateLimited, ValidationFailed
from platform_core.models import OneTimeCode
from platform_core.services.one_time_codes import one_time_code_send, one_time_code_verify
from tests.factories import DoctorFactory

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
def sms_folder(settings, tmp_path):
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.SMS_BACKEND = "platform_core.sms.ConsoleSmsBackend"
    return settings.SMS_FILE_PATH


@pytest.fixture
def email_doctor(db):
    return DoctorFactory(email="code.login@example.com")


@pytest.fixture
def mobile_doctor(db):
    return DoctorFactory(mobile_number="13512345678")


def _send_by_email(login: str, captured, ip="10.1.0.1") -> str:
    with captured(execute=True):
        one_time_code_send(login=login, ip=ip)
    [message] = mail.outbox[-1:]
    return CODE.search(message.body).group(1)


def _age_codes(*, by: timedelta) -> None:
    """Move every code back in time (the clock cannot be; rows can)."""
    OneTimeCode.objects.update(created_at=F("created_at") - by)


def test_code_by_email_logs_the_person_in(email_doctor, django_capture_on_commit_callbacks):
    code = _send_by_email("Code.Login@example.com", django_capture_on_commit_callbacks)

    assert mail.outbox[-1].to == ["code.login@example.com"]
    assert one_time_code_verify(login="code.login@example.com", code=code) == email_doctor


def test_the_email_is_sent_only_after_commit(email_doctor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        one_time_code_send(login="code.login@example.com", ip=None)
    assert mail.outbox == [] and len(callbacks) == 1


def test_code_by_sms_logs_the_person_in(mobile_doctor, sms_folder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        one_time_code_send(login="+86 135 1234 5678", ip="10.1.0.2")

    [sent] = list(sms_folder.iterdir())
    message = json.loads(sent.read_text())
    assert message["to"] == "13512345678"
    code = CODE.search(message["message"]).group(1)
    assert one_time_code_verify(login="13512345678", code=code) == mobile_doctor
    assert mail.outbox == []


def test_a_code_works_once(email_doctor, django_capture_on_commit_callbacks):
    code = _send_by_email("code.login@example.com", django_capture_on_commit_callbacks)
    one_time_code_verify(login="code.login@example.com", code=code)
    with pytest.raises(ValidationFailed):
        one_time_code_verify(login="code.login@example.com", code=code)


def test_codes_are_stored_hashed(email_doctor, django_capture_on_commit_callbacks):
    code = _send_by_email("code.login@example.com", django_capture_on_commit_callbacks)
    stored = OneTimeCode.objects.get()
    assert code not in stored.code_hash and code not in stored.target_index
    assert "code.login" not in stored.target_index


def test_asking_again_within_the_resend_interval_is_rate_limited(email_doctor, settings, django_capture_on_commit_callbacks):
    _send_by_email("code.login@example.com", django_capture_on_commit_callbacks)
    with pytest.raises(RateLimited):
        one_time_code_send(login="code.login@example.com", ip="10.1.0.1")
    assert OneTimeCode.objects.count() == 1

    _age_codes(by=timedelta(seconds=settings.ONE_TIME_CODE_RESEND_SECONDS + 1))
    _send_by_email("code.login@example.com", django_capture_on_commit_callbacks)
    assert OneTimeCode.objects.count() == 2


def test_at_most_five_codes_an_hour(email_doctor, settings, django_capture_on_commit_callbacks):
    for _ in range(settings.ONE_TIME_CODE_MAX_PER_HOUR):
        _send_by_email("code.login@example.com", django_capture_on_commit_callbacks)
        _age_codes(by=timedelta(seconds=settings.ONE_TIME_CODE_RESEND_SECONDS + 1))
    sent_before = len(mail.outbox)

    with pytest.raises(RateLimited):
        one_time_code_send(login="code.login@example.com", ip="10.1.0.1")
    assert len(mail.outbox) == sent_before

    _age_codes(by=timedelta(hours=1))
    _send_by_email("code.login@example.com", django_capture_on_commit_callbacks)


def test_one_network_cannot_spray_codes_at_many_accounts(settings):
    limit = 4 * settings.ONE_TIME_CODE_MAX_PER_HOUR
    for n in range(limit):
        one_time_code_send(login=f"spray{n}@example.com", ip="10.9.9.9")
    with pytest.raises(RateLimited):
        one_time_code_send(login="spray-last@example.com", ip="10.9.9.9")
    one_time_code_send(login="spray-last@example.com", ip="10.9.9.10")


def test_wrong_codes_use_up_the_attempts_then_even_the_right_code_fails(
    email_doctor, settings, django_capture_on_commit_callbacks
):
    code = _send_by_email("code.login@example.com", django_capture_on_commit_callbacks)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(settings.ONE_TIME_CODE_MAX_ATTEMPTS):
        with pytest.raises(ValidationFailed):
            one_time_code_verify(login="code.login@example.com", code=wrong)

    with pytest.raises(ValidationFailed):
        one_time_code_verify(login="code.login@example.com", code=code)


def test_a_wrong_code_is_counted(email_doctor, django_capture_on_commit_callbacks):
    code = _send_by_email("code.login@example.com", django_capture_on_commit_callbacks)
    with pytest.raises(ValidationFailed):
        one_time_code_verify(login="code.login@example.com", code=f"{(int(code) + 1) % 1_000_000:06d}")
    assert OneTimeCode.objects.get().attempts == 1


def test_a_wrong_code_short_of_the_limit_still_lets_the_right_one_in(email_doctor, settings, django_capture_on_commit_callbacks):
    code = _send_by_email("code.login@example.com", django_capture_on_commit_callbacks)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(settings.ONE_TIME_CODE_MAX_ATTEMPTS - 1):
        with pytest.raises(ValidationFailed):
            one_time_code_verify(login="code.login@example.com", code=wrong)
    assert one_time_code_verify(login="code.login@example.com", code=f" {code} ") == email_doctor


def test_an_expired_code_fails(email_doctor, django_capture_on_commit_callbacks):
    code = _send_by_email("code.login@example.com", django_capture_on_commit_callbacks)
    OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationFailed):
        one_time_code_verify(login="code.login@example.com", code=code)


def test_a_code_for_one_address_does_not_open_another(email_doctor, django_capture_on_commit_callbacks):
    DoctorFactory(email="other@example.com")
    code = _send_by_email("code.login@example.com", django_capture_on_commit_callbacks)
    with pytest.raises(ValidationFailed):
        one_time_code_verify(login="other@example.com", code=code)


def test_unknown_accounts_get_the_same_answer_and_no_message(django_capture_on_commit_callbacks, sms_folder):
    with django_capture_on_commit_callbacks(execute=True):
        one_time_code_send(login="nobody@example.com", ip=None)
        one_time_code_send(login="13000000000", ip=None)
    assert mail.outbox == []
    assert not sms_folder.exists() or not list(sms_folder.iterdir())
    with pytest.raises(RateLimited):
        one_time_code_send(login="nobody@example.com", ip=None)


def test_a_deactivated_account_cannot_log_in_by_code(email_doctor, django_capture_on_commit_callbacks):
    code = _send_by_email("code.login@example.com", django_capture_on_commit_callbacks)
    email_doctor.is_active = False
    email_doctor.save(update_fields=["is_active"])
    with pytest.raises(ValidationFailed):
        one_time_code_verify(login="code.login@example.com", code=code)


@pytest.mark.parametrize("login", ["", "not-a-login", "12345"])
def test_a_login_that_is_neither_email_nor_mobile_is_refused(login):
    with pytest.raises(ValidationFailed):
        one_time_code_send(login=login, ip=None)
