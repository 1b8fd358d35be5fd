"""The interaction spine: record_event, the batch endpoint, the COPY store and its partitions."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from platform_core.interactions import record_event, record_events, server_event_row
from platform_core.interactions.partitions import partition_name, partitions_ensure
from platform_core.interactions.store import TABLE, _write, store_events
from platform_core.interactions.validation import MAX_CONTEXT_BYTES
from tests.factories import DoctorFactory, ProductFactory, UserFactory
from tests.platform_core.support import an_event, assert_error_shape, events_of, iso, post_batch

pytestmark = pytest.mark.django_db


# --- record_event (in-process callers) -----------------------------------------------------------


def test_record_event_is_idempotent_on_actor_and_client_event_id(doctor):
    first = record_event(actor=doctor, verb="page.viewed", object_type="page", object_id="/x", client_event_id="k-1")
    again = record_event(actor=doctor, verb="page.viewed", object_type="page", object_id="/x", client_event_id="k-1")
    # A retry carries a different clock reading: still the same event.
    later = record_event(
        actor=doctor,
        verb="page.viewed",
        object_type="page",
        object_id="/x",
        client_event_id="k-1",
        occurred_at=timezone.now() + timedelta(seconds=3),
    )

    assert (first, again, later) == (True, False, False)
    assert events_of(doctor, client_event_id="k-1").count() == 1


def test_the_same_client_event_id_of_two_actors_is_two_events(doctor, unverified_doctor):
    for actor in (doctor, unverified_doctor):
        assert record_event(actor=actor, verb="page.viewed", object_type="page", object_id="/x", client_event_id="k")

    assert events_of(doctor).filter(client_event_id="k").count() == 1
    assert events_of(unverified_doctor).filter(client_event_id="k").count() == 1


def test_record_event_stores_what_it_was_given(doctor, product_a):
    occurred = timezone.now() - timedelta(minutes=3)
    record_event(
        actor=doctor,
        verb="product.viewed",
        target=product_a,
        object_type="product",
        sponsor_id=product_a.sponsor_id,
        value=42.0,
        context={"from": "test"},
        client_event_id="detail-1",
        occurred_at=occurred,
    )

    stored = events_of(doctor).get(client_event_id="detail-1")
    assert (stored.verb, stored.object_type, stored.object_id) == ("product.viewed", "product", str(product_a.pk))
    assert stored.sponsor_id == product_a.sponsor_id
    assert stored.value == 42.0 and stored.context == {"from": "test"}
    assert stored.occurred_at == occurred and stored.received_at >= occurred
    assert stored.source == "server"


@pytest.mark.parametrize(
    ("verb", "object_type"), [("no.such.verb", "page"), ("page.viewed", "product"), ("product.viewed", "page")]
)
def test_record_event_refuses_unregistered_verbs_and_foreign_object_types(doctor, verb, object_type):
    with pytest.raises(ValueError):
        record_event(actor=doctor, verb=verb, object_type=object_type, object_id="1", client_event_id="bad")
    assert not events_of(doctor).exists()


def test_record_events_stores_a_bulk_once_and_counts_duplicates(doctor):
    now = timezone.now()
    rows = [
        server_event_row(
            actor_id=doctor.pk,
            verb="page.viewed",
            object_type="page",
            object_id=str(n),
            client_event_id=f"bulk-{n}",
            occurred_at=now,
        )
        for n in range(30)
    ]
    assert record_events(rows=rows) == (30, 0)
    assert record_events(rows=rows + rows[:5]) == (0, 35)
    assert events_of(doctor).count() == 30


# --- The store: COPY, monthly partitions, the concurrent-replay fallback --------------------------


def _partition_rows(actor) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text, count(*) FROM {TABLE} WHERE actor_id = %s GROUP BY 1", [actor.pk])
        return dict(cursor.fetchall())


def _month_of(moment: datetime):
    # Partition bounds are UTC midnights (the migration's session time zone is UTC).
    return moment.astimezone(UTC).date().replace(day=1)


def test_rows_land_in_the_partition_of_their_month(doctor, token_client_for):
    assert connection.vendor == "postgresql"
    now = datetime.now(UTC)
    moments = [now - timedelta(minutes=1), now - timedelta(days=settings.INTERACTIONS_MAX_AGE_DAYS - 2)]
    response = post_batch(token_client_for(doctor), [an_event(occurred_at=iso(moment)) for moment in moments])
    assert response.status_code == 200, response.content

    expected: dict[str, int] = {}
    for moment in moments:
        name = partition_name(_month_of(moment))
        expected[name] = expected.get(name, 0) + 1
    assert _partition_rows(doctor) == expected
    assert f"{TABLE}_default" not in _partition_rows(doctor)


def test_table_is_partitioned_by_month_with_partitions_ahead():
    with connection.cursor() as cursor:
        cursor.execute("SELECT partstrat FROM pg_partitioned_table WHERE partrelid = %s::regclass", [TABLE])
        assert cursor.fetchone() == ("r",)
        cursor.execute("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass", [TABLE])
        partitions = {name for (name,) in cursor.fetchall()}
    this_month = _month_of(timezone.now())
    next_month = (this_month + timedelta(days=32)).replace(day=1)
    assert {partition_name(this_month), partition_name(next_month)} <= partitions


def test_partitions_ensure_creates_missing_months_once_and_rows_use_them(doctor):
    far = datetime(2031, 5, 17, tzinfo=UTC).date()
    created = partitions_ensure(around=far, months_back=1, months_ahead=1)
    assert created == [partition_name(datetime(2031, month, 1).date()) for month in (4, 5, 6)]
    assert partitions_ensure(around=far, months_back=1, months_ahead=1) == []

    record_event(
        actor=doctor,
        verb="page.viewed",
        object_type="page",
        object_id="/",
        client_event_id="future",
        occurred_at=datetime(2031, 5, 20, 12, tzinfo=UTC),
    )
    assert _partition_rows(doctor) == {partition_name(datetime(2031, 5, 1).date()): 1}


def _rows(actor, count, *, prefix="r"):
    now = timezone.now()
    return [
        server_event_row(
            actor_id=actor.pk,
            verb="page.viewed",
            object_type="page",
            object_id=str(n),
            client_event_id=f"{prefix}-{n}",
            occurred_at=now - timedelta(seconds=n),
        )
        for n in range(count)
    ]


def test_store_events_twice_stores_once(doctor):
    rows = _rows(doctor, 20)
    assert store_events(rows) == (20, 0)
    assert store_events(rows) == (0, 20)
    assert events_of(doctor).count() == 20


def test_concurrent_replay_fallback_stores_nothing_twice_and_raises_nothing(doctor):
    """A replay that slipped past the pre-check (another process stored the rows in between) must
    fall back to INSERT ... ON CONFLICT DO NOTHING: `_write` is what runs after the pre-check."""
    stored_already = _rows(doctor, 5, prefix="old")
    store_events(stored_already)
    fresh = _rows(doctor, 3, prefix="new")

    written = _write(stored_already + fresh)

    assert written == len(fresh)
    assert events_of(doctor).count() == len(stored_already) + len(fresh)
    assert sorted(events_of(doctor).values_list("client_event_id", flat=True)) == sorted(
        row.client_event_id for row in stored_already + fresh
    )


def test_concurrent_replay_fallback_leaves_the_transaction_usable(doctor):
    rows = _rows(doctor, 2)
    store_events(rows)
    _write(rows)
    # The failed COPY was rolled back to its savepoint: the connection still works.
    assert record_event(actor=doctor, verb="page.viewed", object_type="page", object_id="/", client_event_id="after")
    assert events_of(doctor).count() == 3


# --- The batch endpoint: authentication -----------------------------------------------------------


def test_batch_with_token_auth_stores_events_for_the_token_owner(doctor, product_b, token_client_for):
    events = [an_event(), an_event(verb="product.viewed", object_type="product", object_id=product_b.pk)]

    response = post_batch(token_client_for(doctor), events)

    assert response.status_code == 200, response.content
    assert response.json() == {"accepted": 2, "duplicates": 0}
    stored = {row.client_event_id: row for row in events_of(doctor)}
    assert set(stored) == {event["client_event_id"] for event in events}
    product_view = stored[events[1]["client_event_id"]]
    # The sponsor comes from the server's data, not from the client.
    assert product_view.sponsor_id == product_b.sponsor_id
    assert product_view.object_id == str(product_b.pk)
    assert all(row.source == "client" for row in stored.values())


def test_batch_with_session_auth_needs_the_csrf_token(doctor, client_for):
    client = client_for(doctor, enforce_csrf_checks=True)
    events = [an_event()]

    refused = post_batch(client, events)

    assert_error_shape(refused, status=403, code="csrf_failed")
    assert not events_of(doctor, source="client").exists()

    secret = "a1b2c3d4" * 4  # a CSRF secret: 32 alphanumerics, sent as cookie and header
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    accepted = post_batch(client, events, HTTP_X_CSRFTOKEN=secret)
    assert accepted.status_code == 200, accepted.content
    assert events_of(doctor, source="client").count() == 1


def test_batch_with_a_wrong_csrf_token_is_refused(doctor, client_for):
    client = client_for(doctor, enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = "a1b2c3d4" * 4
    assert_error_shape(post_batch(client, [an_event()], HTTP_X_CSRFTOKEN="z9y8x7w6" * 4), status=403)
    assert not events_of(doctor, source="client").exists()


def test_token_auth_does_not_need_csrf(doctor, token_client_for):
    client = token_client_for(doctor)
    client.handler.enforce_csrf_checks = True
    assert post_batch(client, [an_event()]).status_code == 200


@pytest.mark.parametrize("header", [None, "Token not-a-real-token", "Token "])
def test_batch_without_valid_credentials_answers_401(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    assert_error_shape(post_batch(client, [an_event()], **extra), status=401, code="not_authenticated")


def test_batch_of_an_inactive_user_answers_401(doctor, token_client_for):
    client = token_client_for(doctor)
    doctor.is_active = False
    doctor.save(update_fields=["is_active"])
    assert_error_shape(post_batch(client, [an_event()]), status=401)
    assert not events_of(doctor).exists()


def test_batch_only_accepts_post(doctor, token_client_for):
    assert token_client_for(doctor).get("/api/v1/interactions/batch").status_code == 405


# --- The batch endpoint: replays and per-event rejection ------------------------------------------


def test_replaying_a_batch_stores_nothing_twice(doctor, token_client_for):
    client = token_client_for(doctor)
    events = [an_event() for _ in range(25)]

    first = post_batch(client, events)
    replay = post_batch(client, events)

    assert first.json() == {"accepted": 25, "duplicates": 0}
    assert replay.status_code == 200
    assert replay.json() == {"accepted": 0, "duplicates": 25}
    assert events_of(doctor).count() == 25


def test_duplicates_inside_one_batch_are_stored_once(doctor, token_client_for):
    event = an_event()
    response = post_batch(token_client_for(doctor), [event, event, dict(event, value=99.0)])
    assert response.json() == {"accepted": 1, "duplicates": 2}
    assert events_of(doctor).count() == 1


def _bad_events(*, actor, other_user, sponsor_a, sponsor_b, product_a, product_b):
    """(case name, bad event, field the error names). Built per test: ids come from fixtures."""
    now = datetime.now(UTC)
    return {
        "value of the wrong type": (an_event(value="twelve"), "event"),
        "object id of the wrong type": (an_event(object_id=[1, 2]), "event"),
        "context of the wrong type": (an_event(context="not an object"), "event"),
        "missing field": ({k: v for k, v in an_event().items() if k != "verb"}, "event"),
        "unknown field": (an_event(colour="red"), "event"),
        "unknown verb": (an_event(verb="page.teleported"), "verb"),
        "server-only verb": (an_event(verb="account.signed_up", object_type="user", object_id=actor.pk), "verb"),
        "object type the verb does not take": (an_event(object_type="product", object_id=product_a.pk), "object_type"),
        "empty client event id": (an_event(client_event_id=""), "client_event_id"),
        "client event id too long": (an_event(client_event_id="x" * 65), "client_event_id"),
        "timestamp in the future": (an_event(occurred_at=iso(now + timedelta(hours=1))), "occurred_at"),
        "timestamp too old": (
            an_event(occurred_at=iso(now - timedelta(days=settings.INTERACTIONS_MAX_AGE_DAYS + 1))),
            "occurred_at",
        ),
        "naive timestamp": (an_event(occurred_at=now.replace(tzinfo=None).isoformat()), "occurred_at"),
        "negative value": (an_event(value=-1), "value"),
        "actor id of another user": (an_event(actor_id=other_user.pk), "actor_id"),
        "sponsor id on an object of no sponsor": (an_event(sponsor_id=sponsor_b.pk), "sponsor_id"),
        "product of another sponsor with a conflicting sponsor id": (
            an_event(verb="product.viewed", object_type="product", object_id=product_b.pk, sponsor_id=sponsor_a.pk),
            "sponsor_id",
        ),
        "unknown product id": (an_event(verb="product.viewed", object_type="product", object_id=987654321), "object_id"),
        "non-numeric product id": (an_event(verb="product.viewed", object_type="product", object_id="abc"), "object_id"),
        "unknown campaign": (an_event(campaign_id=987654321), "campaign_id"),
        "oversized context": (an_event(context={"blob": "x" * (MAX_CONTEXT_BYTES + 1)}), "context"),
    }


BAD_CASES = [
    "value of the wrong type",
    "object id of the wrong type",
    "context of the wrong type",
    "missing field",
    "unknown field",
    "unknown verb",
    "server-only verb",
    "object type the verb does not take",
    "empty client event id",
    "client event id too long",
    "timestamp in the future",
    "timestamp too old",
    "naive timestamp",
    "negative value",
    "actor id of another user",
    "sponsor id on an object of no sponsor",
    "product of another sponsor with a conflicting sponsor id",
    "unknown product id",
    "non-numeric product id",
    "unknown campaign",
    "oversized context",
]


@pytest.mark.parametrize("case", BAD_CASES)
def test_a_bad_event_is_rejected_with_reasons_and_the_good_ones_are_stored_once(
    case, doctor, unverified_doctor, sponsor_a, sponsor_b, product_a, product_b, token_client_for
):
    bad, field = _bad_events(
        actor=doctor,
        other_user=unverified_doctor,
        sponsor_a=sponsor_a,
        sponsor_b=sponsor_b,
        product_a=product_a,
        product_b=product_b,
    )[case]
    good = [an_event(), an_event(verb="product.viewed", object_type="product", object_id=product_a.pk)]
    batch = [good[0], bad, good[1]]
    client = token_client_for(doctor)

    response = post_batch(client, batch)

    error = assert_error_shape(response, status=422, code="events_rejected")
    assert error["details"]["accepted"] == 2
    [rejected] = error["details"]["rejected"]
    assert rejected["index"] == 1
    assert set(rejected) == {"index", "client_event_id", "errors"}
    assert field in rejected["errors"], rejected
    assert all(isinstance(reason, str) and reason for reason in rejected["errors"].values())
    if isinstance(bad.get("client_event_id"), str) and 0 < len(bad["client_event_id"]) <= 64:
        assert rejected["client_event_id"] == bad["client_event_id"]
    stored_ids = set(events_of(doctor).values_list("client_event_id", flat=True))
    assert stored_ids == {event["client_event_id"] for event in good}

    replay = post_batch(client, batch)
    assert assert_error_shape(replay, status=422)["details"]["duplicates"] == 2
    assert events_of(doctor).count() == 2


def test_a_rep_may_not_claim_another_sponsor(rep_a, sponsor_a, sponsor_b, token_client_for):
    client = token_client_for(rep_a)
    own, foreign = an_event(sponsor_id=sponsor_a.pk), an_event(sponsor_id=sponsor_b.pk)

    response = post_batch(client, [own, foreign])

    [rejected] = assert_error_shape(response, status=422)["details"]["rejected"]
    assert rejected["client_event_id"] == foreign["client_event_id"] and "sponsor_id" in rejected["errors"]
    assert list(events_of(rep_a).values_list("client_event_id", "sponsor_id")) == [(own["client_event_id"], sponsor_a.pk)]


def test_a_rep_of_sponsor_a_cannot_file_events_against_a_product_of_sponsor_b_as_a(rep_a, sponsor_a, product_b, token_client_for):
    response = post_batch(
        token_client_for(rep_a),
        [an_event(verb="product.viewed", object_type="product", object_id=product_b.pk, sponsor_id=sponsor_a.pk)],
    )
    assert "sponsor_id" in assert_error_shape(response, status=422)["details"]["rejected"][0]["errors"]
    assert not events_of(rep_a).exists()


def test_a_doctor_may_not_attach_a_sponsor_to_an_unowned_object(doctor, sponsor_a, token_client_for):
    response = post_batch(token_client_for(doctor), [an_event(sponsor_id=sponsor_a.pk)])
    assert "sponsor_id" in assert_error_shape(response, status=422)["details"]["rejected"][0]["errors"]
    assert not events_of(doctor).exists()


def test_an_actor_id_equal_to_the_caller_is_accepted(doctor, token_client_for):
    assert post_batch(token_client_for(doctor), [an_event(actor_id=doctor.pk)]).status_code == 200
    assert events_of(doctor).count() == 1


def test_every_event_of_a_batch_can_be_rejected(doctor, token_client_for):
    response = post_batch(token_client_for(doctor), [an_event(verb="nope"), an_event(value="x")])
    details = assert_error_shape(response, status=422)["details"]
    assert [item["index"] for item in details["rejected"]] == [0, 1]
    assert details["accepted"] == 0
    assert not events_of(doctor).exists()


FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(
    "object_id",
    ["superscript-two", "fullwidth-digits-of-a-real-id", "9" * 30, "0x10", " 7", "-3", "1.0"],
)
def test_odd_product_ids_are_rejected_not_crashed_on(object_id, doctor, product_a, token_client_for):
    """Only an ASCII decimal id inside the primary key's range names a product (and is stored as such)."""
    object_id = {"superscript-two": "²", "fullwidth-digits-of-a-real-id": str(product_a.pk).translate(FULLWIDTH)}.get(
        object_id, object_id
    )
    response = post_batch(token_client_for(doctor), [an_event(verb="product.viewed", object_type="product", object_id=object_id)])
    rejected = assert_error_shape(response, status=422)["details"]["rejected"]
    assert "object_id" in rejected[0]["errors"]
    assert not events_of(doctor).exists()


@pytest.mark.parametrize("where", ["client_event_id", "object_id", "context value", "context key"])
def test_nul_characters_are_rejected_not_crashed_on(where, doctor, token_client_for):
    """PostgreSQL cannot store U+0000 in text or jsonb: such an event must be rejected, the rest stored."""
    bad = {
        "client_event_id": an_event(client_event_id="a\u0000b"),
        "object_id": an_event(object_id="/a\u0000b"),
        "context value": an_event(context={"note": "a\u0000b"}),
        "context key": an_event(context={"a\u0000b": 1}),
    }[where]
    good = an_event()

    response = post_batch(token_client_for(doctor), [good, bad])

    assert assert_error_shape(response, status=422)["details"]["rejected"][0]["index"] == 1
    assert list(events_of(doctor).values_list("client_event_id", flat=True)) == [good["client_event_id"]]


# --- The batch endpoint: the body as a whole --------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{not json", "malformed_json"),
        ("", "malformed_json"),
        (b"\xff\xfe\x00", "malformed_json"),
        ("[]", "invalid_batch"),
        ('"events"', "invalid_batch"),
        ("null", "invalid_batch"),
        ('{"events": 3}', "invalid_batch"),
        ('{"events": null}', "invalid_batch"),
        ("{}", "invalid_batch"),
        ('{"events": []}', "empty_batch"),
    ],
)
def test_a_body_that_is_not_a_batch_answers_400(body, code, doctor, token_client_for):
    assert_error_shape(post_batch(token_client_for(doctor), body=body), status=400, code=code)
    assert not events_of(doctor).exists()


def test_more_than_the_limit_answers_413_and_stores_nothing(doctor, token_client_for):
    events = [an_event() for _ in range(settings.INTERACTIONS_MAX_BATCH + 1)]
    error = assert_error_shape(post_batch(token_client_for(doctor), events), status=413, code="batch_too_large")
    assert error["details"]["max_events"] == settings.INTERACTIONS_MAX_BATCH
    assert not events_of(doctor).exists()


def test_a_batch_at_the_limit_is_accepted(doctor, token_client_for):
    events = [an_event() for _ in range(settings.INTERACTIONS_MAX_BATCH)]
    response = post_batch(token_client_for(doctor), events)
    assert response.json() == {"accepted": settings.INTERACTIONS_MAX_BATCH, "duplicates": 0}
    assert events_of(doctor).count() == settings.INTERACTIONS_MAX_BATCH


# --- Property: whatever the mix, each valid client_event_id is stored exactly once ---------------

_json_scalars = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=8)


def _json_of(scalars):
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=8,
    )


_any_json = _json_of(_json_scalars)  # NaN and infinities too: json.dumps writes them, and they are not JSON
_valid_json = _json_of(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)


@st.composite
def _event_spec(draw):
    """(client id, kind): kind says which valid or invalid event to build."""
    client_id = draw(st.sampled_from([f"cid-{n}" for n in range(12)]))
    kind = draw(
        st.sampled_from(
            [
                "valid_page",
                "valid_product",
                "valid_old",
                "unknown_verb",
                "server_verb",
                "future",
                "too_old",
                "naive",
                "wrong_type",
                "foreign_actor",
                "unknown_product",
                "big_context",
                "garbage",
            ]
        )
    )
    garbage = draw(_valid_json) if kind == "garbage" else None  # a JSON value that is not an event
    return client_id, kind, garbage


def _build(kind, client_id, garbage, *, actor, other, product):
    now = datetime.now(UTC)
    base = an_event(client_event_id=client_id)
    return {
        "valid_page": lambda: base,
        "valid_product": lambda: dict(base, verb="product.viewed", object_type="product", object_id=product.pk),
        "valid_old": lambda: dict(base, occurred_at=iso(now - timedelta(days=20))),
        "unknown_verb": lambda: dict(base, verb="page.eaten"),
        "server_verb": lambda: dict(base, verb="account.logged_in", object_type="user", object_id=actor.pk),
        "future": lambda: dict(base, occurred_at=iso(now + timedelta(days=1))),
        "too_old": lambda: dict(base, occurred_at=iso(now - timedelta(days=400))),
        "naive": lambda: dict(base, occurred_at=now.replace(tzinfo=None).isoformat()),
        "wrong_type": lambda: dict(base, value="a lot"),
        "foreign_actor": lambda: dict(base, actor_id=other.pk),
        "unknown_product": lambda: dict(base, verb="product.viewed", object_type="product", object_id=10**12),
        "big_context": lambda: dict(base, context={"x": "y" * 5000}),
        "garbage": lambda: garbage,
    }[kind]()


VALID_KINDS = {"valid_page", "valid_product", "valid_old"}


@given(batches=st.lists(st.lists(_event_spec(), min_size=1, max_size=15), min_size=1, max_size=3))
def test_property_each_valid_client_event_id_is_stored_exactly_once(batches, token_client_for):
    actor, other = DoctorFactory(verified=True), UserFactory()
    product = ProductFactory()
    client = token_client_for(actor)
    accepted = 0
    for batch in batches:
        events = [_build(kind, cid, garbage, actor=actor, other=other, product=product) for cid, kind, garbage in batch]
        response = post_batch(client, events)
        assert response.status_code in (200, 422), response.content
        body = response.json()
        accepted += body["accepted"] if response.status_code == 200 else body["error"]["details"]["accepted"]

    valid_ids = {cid for batch in batches for cid, kind, _ in batch if kind in VALID_KINDS}
    stored = list(events_of(actor).values_list("client_event_id", flat=True))
    assert sorted(stored) == sorted(valid_ids)
    assert accepted == len(valid_ids)


@given(
    body=st.one_of(
        st.binary(max_size=64),
        _any_json.map(json.dumps),
        st.lists(_any_json, max_size=4).map(lambda events: json.dumps({"events": events})),
        st.dictionaries(
            st.sampled_from(
                [
                    "client_event_id",
                    "verb",
                    "object_type",
                    "object_id",
                    "occurred_at",
                    "value",
                    "sponsor_id",
                    "campaign_id",
                    "actor_id",
                    "context",
                ]
            ),
            _any_json,
        ).map(lambda event: json.dumps({"events": [event]})),
    )
)
def test_property_no_body_makes_the_endpoint_fail(body, token_client_for):
    actor = UserFactory()
    response = post_batch(token_client_for(actor), body=body)
    assert response.status_code in (200, 400, 413, 422)
    if response.status_code != 200:
        assert_error_shape(response, status=response.status_code)


def test_events_posted_by_one_user_never_appear_under_another(doctor, unverified_doctor, token_client_for):
    post_batch(token_client_for(doctor), [an_event(client_event_id="mine")])
    assert not events_of(unverified_doctor).exists()
    assert events_of(doctor).get().client_event_id == "mine"


def test_unique_client_ids_are_scoped_per_user_over_http(doctor, unverified_doctor, token_client_for):
    shared = uuid.uuid4().hex
    for user in (doctor, unverified_doctor):
        assert post_batch(token_client_for(user), [an_event(client_event_id=shared)]).json()["accepted"] == 1
