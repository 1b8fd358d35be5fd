"""The audit trail: hash chain, append-only in the database, `manage.py audit_verify`.

The audit table is not flushed between tests (unmanaged, append-only): every assertion is about
entries this test wrote, and forged rows are only ever written inside a rolled-back test
transaction, so the chain stays intact for the next test.
"""

import threading
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from hypothesis import given
from hypothesis import strategies as st

from platform_core.exceptions import ValidationFailed
from platform_core.models import AuditEntry
from platform_core.services.audit import (
    GENESIS_HASH,
    REASON_REQUIRED_PREFIXES,
    audit_chain_verify,
    audit_record,
    entry_hash,
    hashed_fields,
)
from tests.platform_core.support import audit_entries_for

TABLE = AuditEntry._meta.db_table

pytestmark = pytest.mark.django_db


def _latest() -> AuditEntry:
    return AuditEntry.objects.order_by("-id").first()


def _forge(**overrides) -> AuditEntry:
    """Insert a row as an intruder with INSERT rights would (INSERT is what the app may do)."""
    previous = _latest()
    entry = AuditEntry(
        occurred_at=datetime.now(UTC),
        actor_id=None,
        actor_repr="intruder",
        on_behalf_of_id=None,
        action="accounts.role.granted",
        object_type="platform_core.user",
        object_id="1",
        object_repr="",
        sponsor_id=None,
        before=None,
        after={"role": "platform_admin"},
        reason="",
        request_id="",
        prev_hash=previous.entry_hash if previous else GENESIS_HASH,
    )
    for name, value in overrides.items():
        setattr(entry, name, value)
    if "entry_hash" not in overrides:
        entry.entry_hash = entry_hash(prev_hash=entry.prev_hash, fields=hashed_fields(entry))
    entry.save(force_insert=True)
    return entry


# --- The chain ------------------------------------------------------------------------------------


def test_entries_link_to_their_predecessor(doctor, verifier):
    first = audit_record(actor=verifier, action="accounts.role.granted", target=doctor, after={"role": "doctor"})
    second = audit_record(actor=verifier, action="accounts.role.revoked", target=doctor, before={"role": "doctor"})

    assert second.prev_hash == first.entry_hash
    assert second.id > first.id
    stored = AuditEntry.objects.get(pk=first.pk)
    assert entry_hash(prev_hash=stored.prev_hash, fields=hashed_fields(stored)) == stored.entry_hash


def test_an_entry_records_who_what_when_and_why(doctor, verifier, sponsor_a):
    before_call = datetime.now(UTC)
    entry = audit_record(
        actor=verifier,
        action="tov.points.adjusted",
        target=doctor,
        sponsor_id=sponsor_a.pk,
        before={"balance": 10},
        after={"balance": 20},
        reason="manual correction",
        on_behalf_of=doctor,
    )

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor_id == verifier.pk and stored.actor_repr == str(verifier)
    assert stored.on_behalf_of_id == doctor.pk
    assert (stored.object_type, stored.object_id) == ("platform_core.user", str(doctor.pk))
    assert stored.sponsor_id == sponsor_a.pk
    assert (stored.before, stored.after, stored.reason) == ({"balance": 10}, {"balance": 20}, "manual correction")
    assert before_call <= stored.occurred_at <= datetime.now(UTC)
    assert stored.occurred_at.utcoffset() == timedelta(0)


def test_system_actions_are_attributed_to_the_system(doctor):
    entry = audit_record(actor=None, action="privacy.deletion.completed", target=doctor)
    assert entry.actor_id is None and entry.actor_repr == "system"


def test_the_sponsor_is_taken_from_the_target(rep_a):
    entry = audit_record(actor=None, action="accounts.role.granted", target=rep_a)
    assert entry.sponsor_id == rep_a.sponsor_id


@pytest.mark.parametrize("field", sorted(hashed_fields(AuditEntry(occurred_at=datetime.now(UTC)))))
def test_the_hash_covers_every_field(field, doctor):
    entry = audit_record(actor=doctor, action="privacy.data.exported", target=doctor, after={"n": 1})
    altered = AuditEntry.objects.get(pk=entry.pk)
    replacement = {
        "occurred_at": altered.occurred_at + timedelta(microseconds=1),
        "actor_id": 999_999,
        "on_behalf_of_id": 999_999,
        "sponsor_id": 999_999,
        "before": {"n": 0},
        "after": {"n": 2},
    }.get(field, "altered")
    setattr(altered, field, replacement)
    assert entry_hash(prev_hash=altered.prev_hash, fields=hashed_fields(altered)) != entry.entry_hash


def test_the_hash_covers_the_previous_hash(doctor):
    entry = audit_record(actor=doctor, action="privacy.data.exported", target=doctor)
    other_predecessor = "f" * 64 if entry.prev_hash != "f" * 64 else GENESIS_HASH
    assert entry_hash(prev_hash=other_predecessor, fields=hashed_fields(entry)) != entry.entry_hash


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=8),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@given(after=st.dictionaries(st.text(max_size=10).filter(lambda key: "\x00" not in key), _json_values, max_size=5))
def test_property_any_recorded_change_verifies_after_a_round_trip_through_the_database(after):
    """What audit_record hashed must be what the database gives back, whatever the values."""
    entry = audit_record(actor=None, action="privacy.data.exported", object_type="test", object_id="1", after=after)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert entry_hash(prev_hash=stored.prev_hash, fields=hashed_fields(stored)) == stored.entry_hash


# --- Reasons ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", REASON_REQUIRED_PREFIXES)
@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required_for_approvals_transfers_of_value_and_adverse_events(prefix, reason, doctor):
    before = AuditEntry.objects.filter(actor_id=doctor.pk).count()
    with pytest.raises(ValidationFailed) as raised:
        audit_record(actor=doctor, action=f"{prefix}thing.changed", target=doctor, reason=reason)
    assert raised.value.details == {"reason": "required"}
    assert AuditEntry.objects.filter(actor_id=doctor.pk).count() == before


@pytest.mark.parametrize("prefix", REASON_REQUIRED_PREFIXES)
def test_with_a_reason_those_changes_are_recorded(prefix, doctor):
    entry = audit_record(actor=doctor, action=f"{prefix}thing.changed", target=doctor, reason="because")
    assert audit_entries_for(doctor, action=f"{prefix}thing.changed").get().reason == "because" == entry.reason


def test_other_actions_need_no_reason(doctor):
    assert audit_record(actor=doctor, action="privacy.consent.granted", target=doctor).reason == ""


# --- Append-only in the database -----------------------------------------------------------------


@pytest.fixture
def entry(doctor):
    return audit_record(actor=doctor, action="privacy.data.exported", target=doctor, after={"n": 1})


@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE {TABLE} SET reason = 'tampered' WHERE id = %(id)s",
        f"UPDATE {TABLE} SET reason = 'tampered'",
        f"DELETE FROM {TABLE} WHERE id = %(id)s",
        f"DELETE FROM {TABLE}",
        f"TRUNCATE {TABLE}",
    ],
)
def test_the_application_role_cannot_change_or_remove_entries_with_sql(statement, entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement, {"id": entry.pk})
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.reason, stored.entry_hash) == ("", entry.entry_hash)


@pytest.mark.parametrize(
    "change",
    [
        lambda pk: AuditEntry.objects.filter(pk=pk).update(reason="tampered"),
        lambda pk: AuditEntry.objects.all().update(reason="tampered"),
        lambda pk: AuditEntry.objects.filter(pk=pk).delete(),
        lambda pk: AuditEntry.objects.all().delete(),
        lambda pk: AuditEntry.objects.get(pk=pk).delete(),
        lambda pk: AuditEntry.objects.bulk_update([AuditEntry(pk=pk, reason="tampered")], ["reason"]),
        lambda pk: _save_altered(pk),
    ],
    ids=["update-one", "update-all", "delete-one", "delete-all", "instance-delete", "bulk-update", "instance-save"],
)
def test_the_orm_cannot_change_or_remove_entries(change, entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        change(entry.pk)
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def _save_altered(pk):
    stored = AuditEntry.objects.get(pk=pk)
    stored.reason = "tampered"
    stored.save()


def test_the_application_role_cannot_lift_the_protection(entry):
    """DESIGN rule 7: the application's role cannot update or delete audit entries. Owning the
    table, it could grant itself the privileges back and disable the trigger: it must not own it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableowner = current_user FROM pg_tables WHERE tablename = %s", [TABLE])
        (app_role_owns_table,) = cursor.fetchone()
    lifted = False
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"GRANT UPDATE ON {TABLE} TO CURRENT_USER")
                cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_no_update_delete")
                cursor.execute(f"UPDATE {TABLE} SET reason = 'tampered' WHERE id = %s", [entry.pk])
                lifted = True
                raise RuntimeError("roll back the experiment")
    except DatabaseError:
        pass
    except RuntimeError:
        pass
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""
    assert not lifted, "the application role re-granted itself UPDATE and disabled the trigger"
    assert not app_role_owns_table


# --- Verification: the service and the management command -----------------------------------------


def test_an_intact_chain_verifies(doctor):
    written = [audit_record(actor=doctor, action="privacy.data.exported", target=doctor) for _ in range(3)]
    checked, broken, why = audit_chain_verify()
    assert (broken, why) == (None, "")
    assert checked == AuditEntry.objects.count() and checked >= len(written)


def test_verification_walks_the_chain_in_batches(doctor):
    for _ in range(7):
        audit_record(actor=doctor, action="privacy.data.exported", target=doctor)
    assert audit_chain_verify(batch_size=2) == audit_chain_verify()


def test_audit_verify_command_reports_an_intact_chain(doctor):
    audit_record(actor=doctor, action="privacy.data.exported", target=doctor)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert f"OK: {AuditEntry.objects.count()} entries verified" in out.getvalue()


def test_a_row_with_a_broken_link_is_found(doctor):
    audit_record(actor=doctor, action="privacy.data.exported", target=doctor)
    older = AuditEntry.objects.order_by("-id")[1] if AuditEntry.objects.count() > 1 else None
    # Links to an older entry than the latest: as if the rows in between had been removed.
    forged = _forge(prev_hash=older.entry_hash if older else "f" * 64)

    checked, broken, why = audit_chain_verify()

    assert broken.pk == forged.pk and "previous-hash" in why
    assert checked == AuditEntry.objects.filter(id__lt=forged.pk).count()


def test_a_row_whose_content_does_not_match_its_hash_is_found(doctor):
    audit_record(actor=doctor, action="privacy.data.exported", target=doctor)
    forged = _forge(entry_hash="e" * 64)

    checked, broken, why = audit_chain_verify()

    assert broken.pk == forged.pk and "content" in why


def test_an_altered_copy_of_a_real_entry_is_found(doctor):
    real = audit_record(actor=doctor, action="privacy.data.exported", target=doctor, after={"rows": 3})
    # Same prev/hash as a genuine next entry would carry, but a changed payload.
    genuine_next = AuditEntry(**{f.name: getattr(real, f.name) for f in AuditEntry._meta.fields if f.name != "id"})
    genuine_next.prev_hash = real.entry_hash
    genuine_next.entry_hash = entry_hash(prev_hash=real.entry_hash, fields=hashed_fields(genuine_next))
    forged = _forge(
        **{f.name: getattr(genuine_next, f.name) for f in AuditEntry._meta.fields if f.name != "id"} | {"after": {"rows": 300}}
    )

    assert audit_chain_verify()[1].pk == forged.pk


def test_only_the_first_break_is_reported(doctor):
    audit_record(actor=doctor, action="privacy.data.exported", target=doctor)
    first = _forge(entry_hash="1" * 64)
    _forge(prev_hash="2" * 64, entry_hash="3" * 64)
    assert audit_chain_verify()[1].pk == first.pk


def test_audit_verify_command_fails_at_the_first_broken_entry(doctor):
    audit_record(actor=doctor, action="privacy.data.exported", target=doctor)
    forged = _forge(entry_hash="d" * 64)

    with pytest.raises(CommandError) as raised:
        call_command("audit_verify", stdout=StringIO())

    assert f"#{forged.pk}" in str(raised.value)


# --- Appends under concurrency ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain():
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            for n in range(10):
                with transaction.atomic():
                    audit_record(actor=None, action="test.concurrent.append", object_type="test", object_id=f"{worker}-{n}")
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    mine = AuditEntry.objects.filter(action="test.concurrent.append", object_id__contains="-")
    assert mine.count() >= 40
    hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(hashes) == len(set(hashes)), "two entries claim the same predecessor: the chain forked"
    assert audit_chain_verify()[1] is None


def test_entries_carry_the_request_id_of_the_request_that_made_them(doctor, sponsor_a, client_for):
    response = client_for(doctor).post(
        "/api/v1/me/consents",
        {"purpose": "sponsor_contact", "sponsor_id": sponsor_a.pk, "granted": True},
        content_type="application/json",
        HTTP_X_REQUEST_ID="req-test-0001",
    )
    assert response.status_code == 200, response.content
    assert response["X-Request-ID"] == "req-test-0001"
    entry = AuditEntry.objects.get(actor_id=doctor.pk, action="privacy.consent.granted", sponsor_id=sponsor_a.pk)
    assert entry.request_id == "req-test-0001"


@pytest.mark.parametrize("incoming", ["", "short", "has spaces in it", "x" * 65, "<script>alert(1)</script>"])
def test_an_unusable_request_id_is_replaced(incoming, doctor, client_for):
    response = client_for(doctor).get("/api/v1/me", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32
