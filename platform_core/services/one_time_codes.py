"""Login by one-time code (验证码登录): rate-limited per target and per IP, hashed at rest."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core.exceptions import RateLimited, ValidationFailed
from platform_core.fields import blind_index
from platform_core.models import OneTimeCode
from platform_core.services.accounts import classify_login, user_find_by_login
from platform_core.sms import sms_backend

PURPOSE_LOGIN = "login"


def _hash(code: str, target_index: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{target_index}:{code}".encode(), hashlib.sha256).hexdigest()


def one_time_code_send(*, login: str, ip: str | None) -> None:
    """Send a 6-digit login code. Answers the same whether or not an account exists (no enumeration)."""
    kind, value = classify_login(login)
    target_index = blind_index(value, purpose=f"otc-{kind}")
    now = timezone.now()
    recent = OneTimeCode.objects.filter(target_index=target_index, purpose=PURPOSE_LOGIN)
    if recent.filter(created_at__gte=now - timedelta(seconds=settings.ONE_TIME_CODE_RESEND_SECONDS)).exists():
        raise RateLimited(_("Please wait a minute before asking for another code."))
    hour_ago = now - timedelta(hours=1)
    if recent.filter(created_at__gte=hour_ago).count() >= settings.ONE_TIME_CODE_MAX_PER_HOUR:
        raise RateLimited(_("Too many codes requested for this account. Try again in an hour."))
    from_ip = OneTimeCode.objects.filter(requested_ip=ip, created_at__gte=hour_ago)
    if ip and from_ip.count() >= 4 * settings.ONE_TIME_CODE_MAX_PER_HOUR:
        raise RateLimited(_("Too many codes requested from your network. Try again later."))
    code = f"{secrets.randbelow(1_000_000):06d}"
    OneTimeCode.objects.create(
        target_index=target_index,
        purpose=PURPOSE_LOGIN,
        code_hash=_hash(code, target_index),
        expires_at=now + timedelta(seconds=settings.ONE_TIME_CODE_TTL_SECONDS),
        requested_ip=ip,
    )
    if user_find_by_login(value) is None:
        return
    message = _("Your Xinglin login code is %(code)s. It expires in 5 minutes. Never share it.") % {"code": code}
    if kind == "email":
        transaction.on_commit(lambda: send_mail(_("Your Xinglin login code"), message, None, [value]))
    else:
        transaction.on_commit(lambda: sms_backend().send(mobile=value, message=message))


def one_time_code_verify(*, login: str, code: str):
    """Return the user for a valid unused code; a code allows a few attempts, then dies."""
    kind, value = classify_login(login)
    target_index = blind_index(value, purpose=f"otc-{kind}")
    with transaction.atomic():
        candidate = (
            OneTimeCode.objects.select_for_update()
            .filter(target_index=target_index, purpose=PURPOSE_LOGIN, used_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("-created_at")
            .first()
        )
        invalid = ValidationFailed(_("The code is wrong or has expired."), details={"code": "invalid"})
        if candidate is None or candidate.attempts >= settings.ONE_TIME_CODE_MAX_ATTEMPTS:
            raise invalid
        matches = hmac.compare_digest(candidate.code_hash, _hash(code.strip(), target_index))
        if matches:
            candidate.used_at = timezone.now()
            candidate.save(update_fields=["used_at"])
        else:
            # Counted inside the transaction and committed before the error is raised below,
            # so wrong guesses really use up the code's attempts.
            OneTimeCode.objects.filter(pk=candidate.pk).update(attempts=F("attempts") + 1)
    if not matches:
        raise invalid
    user = user_find_by_login(value)
    if user is None or not user.is_active:
        raise ValidationFailed(_("The code is wrong or has expired."), details={"code": "invalid"})
    return user
