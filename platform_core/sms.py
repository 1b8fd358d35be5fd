"""SMS delivery adapters. The embedded default writes to the console and to var/sms/ (one file per
message) so a person or a test can read the code; a real provider subclasses SmsBackend."""

import json
import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend:
    def send(self, *, mobile: str, message: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    def send(self, *, mobile: str, message: str) -> None:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
        (folder / f"{stamp}-{mobile}.json").write_text(json.dumps({"to": mobile, "message": message}, ensure_ascii=False))
        logger.warning("SMS to %s: %s", mobile, message)


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()
