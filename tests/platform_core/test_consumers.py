"""The notification socket, over the real ASGI application and the real Redis channel layer."""

import pytest
from asgiref.sync import async_to_sync
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.test import Client

from platform_core.asgi import application
from platform_core.consumers import user_group
from tests.platform_core.support import WebsocketCommunicator

pytestmark = pytest.mark.django_db(transaction=True)  # the socket's auth reads the session from the database

PATH = "/ws/notifications/"
ORIGIN = (b"origin", b"http://testserver")


def _session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


def _communicator(*headers) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, PATH, headers=list(headers))


def test_anonymous_visitors_are_refused(isolated_channel_layer):
    async def scenario():
        communicator = _communicator(ORIGIN)
        connected, code = await communicator.connect()
        await communicator.disconnect()
        return connected, code

    assert async_to_sync(scenario)() == (False, 4401)


def test_a_foreign_origin_is_refused(doctor, isolated_channel_layer):
    cookie = _session_cookie(doctor)

    async def scenario():
        communicator = _communicator((b"origin", b"https://evil.example"), (b"cookie", cookie))
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert async_to_sync(scenario)() is False


def test_a_signed_in_person_gets_hello_then_their_notifications_in_sequence(doctor, isolated_channel_layer):
    cookie = _session_cookie(doctor)

    async def scenario():
        communicator = _communicator(ORIGIN, (b"cookie", cookie))
        connected, _ = await communicator.connect()
        assert connected
        hello = await communicator.receive_json_from(timeout=5)
        await isolated_channel_layer.group_send(
            user_group(doctor.pk), {"type": "notify", "payload": {"type": "certificate.issued", "course": 7}}
        )
        first = await communicator.receive_json_from(timeout=5)
        await isolated_channel_layer.group_send(user_group(doctor.pk), {"type": "notify", "payload": {"type": "ping"}})
        second = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return hello, first, second

    hello, first, second = async_to_sync(scenario)()
    assert hello == {"seq": 1, "type": "hello", "user_id": doctor.pk}
    assert first == {"seq": 2, "type": "certificate.issued", "course": 7}
    assert second == {"seq": 3, "type": "ping"}


def test_a_notification_reaches_only_its_person(doctor, unverified_doctor, isolated_channel_layer):
    cookies = {user.pk: _session_cookie(user) for user in (doctor, unverified_doctor)}

    async def scenario():
        mine = _communicator(ORIGIN, (b"cookie", cookies[doctor.pk]))
        theirs = _communicator(ORIGIN, (b"cookie", cookies[unverified_doctor.pk]))
        for communicator in (mine, theirs):
            assert (await communicator.connect())[0]
            await communicator.receive_json_from(timeout=5)  # hello
        await isolated_channel_layer.group_send(user_group(doctor.pk), {"type": "notify", "payload": {"type": "x"}})
        received = await mine.receive_json_from(timeout=5)
        nothing_for_them = await theirs.receive_nothing(timeout=0.5)
        for communicator in (mine, theirs):
            await communicator.disconnect()
        return received, nothing_for_them

    received, nothing_for_them = async_to_sync(scenario)()
    assert received == {"seq": 2, "type": "x"}
    assert nothing_for_them


def test_after_disconnecting_the_group_is_left(doctor, isolated_channel_layer):
    cookie = _session_cookie(doctor)

    async def scenario():
        communicator = _communicator(ORIGIN, (b"cookie", cookie))
        assert (await communicator.connect())[0]
        await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        # Redis keeps group memberships; a discarded channel must no longer be in the group.
        group_key = isolated_channel_layer._group_key(user_group(doctor.pk))
        connection = isolated_channel_layer.connection(isolated_channel_layer.consistent_hash(user_group(doctor.pk)))
        return await connection.zcard(group_key)

    assert async_to_sync(scenario)() == 0


def test_the_channel_layer_in_tests_is_redis(isolated_channel_layer):
    assert isinstance(isolated_channel_layer, RedisChannelLayer)
