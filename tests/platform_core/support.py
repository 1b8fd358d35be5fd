"""Helpers shared by the platform_core tests (not fixtures: plain functions)."""

import importlib
import importlib.util
import io
import json
import sys
import types
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from platform_core.models import AuditEntry, InteractionEvent

BATCH_URL = "/api/v1/interactions/batch"


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def an_event(**overrides) -> dict:
    """A valid client event (a page view now) with a fresh client_event_id."""
    event = {
        "client_event_id": uuid.uuid4().hex,
        "verb": "page.viewed",
        "object_type": "page",
        "object_id": "/academy/",
        "occurred_at": iso(datetime.now(UTC) - timedelta(seconds=5)),
        "value": 12.5,
        "context": {"path": "/academy/"},
    }
    event.update(overrides)
    return event


def post_batch(client, events=None, *, body=None, **extra):
    payload = body if body is not None else json.dumps({"events": events})
    return client.post(BATCH_URL, data=payload, content_type="application/json", **extra)


def events_of(user, **filters):
    """The interaction rows of one actor (the interaction manager is sponsor-scoped)."""
    return InteractionEvent.objects.with_scopes_disabled().filter(actor_id=user.pk, **filters)


def audit_entries_for(obj, **filters):
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), **filters)


def assert_error_shape(response, *, status: int, code: str | None = None) -> dict:
    """The API's one error shape: {"error": {"code", "message", "details"}}."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict | list)
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]


def image_bytes(fmt: str = "PNG", *, size=(64, 48), exif: dict | None = None) -> bytes:
    image = Image.new("RGB", size, (200, 40, 40))
    buffer = io.BytesIO()
    kwargs = {}
    if exif:
        exif_data = Image.Exif()
        for tag, value in exif.items():
            exif_data[tag] = value
        kwargs["exif"] = exif_data
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def image_upload(name: str = "licence.png", fmt: str = "PNG", **kwargs) -> SimpleUploadedFile:
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg"}[fmt]
    return SimpleUploadedFile(name, image_bytes(fmt, **kwargs), content_type=content_type)


def raw_column(table: str, column: str, pk: int):
    """A column as stored, bypassing the ORM (e.g. to see ciphertext)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _websocket_communicator_class():
    """channels.testing.WebsocketCommunicator, without channels.testing's package __init__.

    That __init__ also imports ChannelsLiveServerTestCase, which needs daphne; the project serves
    WebSockets with uvicorn and does not install daphne. The communicator itself needs only asgiref.
    """
    try:
        # Function-local: the package import is exactly what may fail (see the docstring).
        from channels.testing import WebsocketCommunicator

        return WebsocketCommunicator
    except ModuleNotFoundError as error:
        if error.name != "daphne":
            raise
    package = types.ModuleType("channels.testing")
    package.__path__ = [str(Path(importlib.util.find_spec("channels").origin).parent / "testing")]
    sys.modules["channels.testing"] = package
    try:
        return importlib.import_module("channels.testing.websocket").WebsocketCommunicator
    finally:
        del sys.modules["channels.testing"]  # a later `import channels.testing` behaves as before


WebsocketCommunicator = _websocket_communicator_class()
