"""Encrypted model fields and blind indexes for personal data at rest.

Hand-written because the maintained options either pin old Django versions or do not offer
a keyed lookup index; this is a thin layer over `cryptography`'s MultiFernet (key rotation:
FIELD_ENCRYPTION_KEY lists keys newest first; old ciphertexts still decrypt).
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=1)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _cipher() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_text(value: str) -> str:
    return _cipher().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return _cipher().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("encrypted field cannot be decrypted with the configured keys") from error


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash for equality lookups on encrypted values (e.g. login by mobile)."""
    key = hashlib.sha256(("blind-index:" + settings.FIELD_ENCRYPTION_KEYS[-1]).encode()).digest()
    normalised = "".join(value.split()).upper()
    return hmac.new(key, f"{purpose}:{normalised}".encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; Python code sees plain text. Not searchable: pair with a blind index."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(value)
