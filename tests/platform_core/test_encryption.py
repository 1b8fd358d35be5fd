"""Personal data at rest: Fernet-encrypted fields with key rotation, and blind indexes for lookups."""

import pytest
from cryptography.fernet import Fernet

from platform_core.fields import blind_index, decrypt_text, encrypt_text
from platform_core.models import DoctorProfile, User
from tests.factories import DoctorFactory
from tests.platform_core.support import raw_column

pytestmark = pytest.mark.django_db


def test_encrypted_text_round_trips_and_is_not_deterministic():
    first, second = encrypt_text("11033000012345"), encrypt_text("11033000012345")
    assert first != second  # a random IV: equal values are not visible as equal ciphertexts
    assert decrypt_text(first) == decrypt_text(second) == "11033000012345"
    assert "11033000012345" not in first


def test_encrypted_fields_hold_ciphertext_in_the_database():
    doctor = DoctorFactory(mobile_number="13912345678")
    DoctorProfile.objects.filter(user=doctor).update(licence_number="330100000000099")  # goes through the field
    profile = DoctorProfile.objects.get(user=doctor)

    assert raw_column("platform_core_user", "mobile", doctor.pk) != "13912345678"
    assert "330100000000099" not in raw_column("platform_core_doctorprofile", "licence_number", profile.pk)
    assert profile.licence_number == "330100000000099"
    assert User.objects.get(pk=doctor.pk).mobile == "13912345678"


def test_empty_values_stay_empty():
    doctor = DoctorFactory()
    assert raw_column("platform_core_user", "mobile", doctor.pk) == ""
    assert User.objects.get(pk=doctor.pk).mobile == ""


def test_key_rotation_reads_old_ciphertexts_and_writes_with_the_new_key(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    doctor = DoctorFactory(mobile_number="13700000001")
    old_ciphertext = raw_column("platform_core_user", "mobile", doctor.pk)

    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert User.objects.get(pk=doctor.pk).mobile == "13700000001"

    user = User.objects.get(pk=doctor.pk)
    user.save(update_fields=["mobile"])
    rewritten = raw_column("platform_core_user", "mobile", doctor.pk)
    assert rewritten != old_ciphertext
    assert Fernet(new_key.encode()).decrypt(rewritten.encode()).decode() == "13700000001"


def test_a_ciphertext_under_an_unknown_key_is_an_error_not_garbage(settings):
    doctor = DoctorFactory(mobile_number="13700000002")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError):
        User.objects.get(pk=doctor.pk)


def test_blind_indexes_match_equal_values_whatever_the_spacing_and_case():
    assert blind_index("ab 12 cd", purpose="licence") == blind_index("AB12CD", purpose="licence")
    assert blind_index("AB12CD", purpose="licence") != blind_index("AB12CE", purpose="licence")
    # Per purpose: a licence index cannot be matched against a mobile index.
    assert blind_index("13800000000", purpose="licence") != blind_index("13800000000", purpose="mobile")


def test_blind_indexes_depend_on_the_key(settings):
    before = blind_index("13800000000", purpose="mobile")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert blind_index("13800000000", purpose="mobile") != before


def test_blind_indexes_survive_adding_a_new_key(settings):
    """Rotation puts the new key first; indexes keep using the oldest so lookups keep working."""
    before = blind_index("13800000000", purpose="mobile")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.FIELD_ENCRYPTION_KEYS]
    assert blind_index("13800000000", purpose="mobile") == before
