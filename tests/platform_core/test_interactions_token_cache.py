"""The ingestion endpoint's per-process token cache: fewer queries, bounded revocation delay."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from platform_core.interactions import views
from platform_core.models import User
from tests.platform_core.support import an_event, assert_error_shape, events_of, post_batch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    views._token_cache.clear()
    yield
    views._token_cache.clear()


def _token_queries(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if Token._meta.db_table in query["sql"]]


def test_a_token_is_looked_up_once_then_served_from_the_cache(doctor, token_client_for):
    client = token_client_for(doctor)
    with CaptureQueriesContext(connection) as first:
        assert post_batch(client, [an_event()]).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert post_batch(client, [an_event()]).status_code == 200

    assert len(_token_queries(first)) == 1
    assert _token_queries(second) == []
    assert events_of(doctor).count() == 2


def test_a_deleted_token_is_refused_at_once(doctor, token_client_for):
    client = token_client_for(doctor)
    assert post_batch(client, [an_event()]).status_code == 200

    Token.objects.filter(user=doctor).delete()

    assert_error_shape(post_batch(client, [an_event()]), status=401, code="not_authenticated")
    assert events_of(doctor).count() == 1


def test_a_deactivated_user_is_refused_at_once(doctor, token_client_for):
    client = token_client_for(doctor)
    assert post_batch(client, [an_event()]).status_code == 200

    doctor.is_active = False
    doctor.save(update_fields=["is_active"])

    assert_error_shape(post_batch(client, [an_event()]), status=401)
    assert events_of(doctor).count() == 1


def test_a_user_moved_to_another_sponsor_is_checked_against_the_new_one(rep_a, sponsor_a, sponsor_b, token_client_for):
    client = token_client_for(rep_a)
    assert post_batch(client, [an_event(sponsor_id=sponsor_a.pk)]).status_code == 200

    rep_a.sponsor = sponsor_b
    rep_a.save(update_fields=["sponsor"])

    assert_error_shape(post_batch(client, [an_event(sponsor_id=sponsor_a.pk)]), status=422, code="events_rejected")
    assert post_batch(client, [an_event(sponsor_id=sponsor_b.pk)]).status_code == 200


def test_a_change_no_signal_announces_is_seen_after_the_time_to_live(doctor, token_client_for, settings):
    settings.INTERACTIONS_TOKEN_CACHE_SECONDS = 1
    client = token_client_for(doctor)
    assert post_batch(client, [an_event()]).status_code == 200

    # A bulk update sends no signal (as would a change made by another process): the cached
    # answer stands until it expires. This is the documented revocation delay.
    User.objects.filter(pk=doctor.pk).update(is_active=False)
    assert post_batch(client, [an_event()]).status_code == 200
    time.sleep(1.1)

    assert_error_shape(post_batch(client, [an_event()]), status=401)
    assert events_of(doctor).count() == 2


def test_invalid_tokens_are_not_cached(client):
    for _ in range(2):
        assert_error_shape(post_batch(client, [an_event()], HTTP_AUTHORIZATION="Token nope"), status=401)
    assert views._token_cache == {}


def test_the_cache_can_be_turned_off(doctor, token_client_for, settings):
    settings.INTERACTIONS_TOKEN_CACHE_SECONDS = 0
    client = token_client_for(doctor)
    post_batch(client, [an_event()])
    with CaptureQueriesContext(connection) as second:
        assert post_batch(client, [an_event()]).status_code == 200
    assert len(_token_queries(second)) == 1
