"""WebSocket routes of every app, collected here (ASGI serves only /ws/ in production)."""

from django.urls import path

from platform_core.consumers import NotificationsConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationsConsumer.as_asgi()),
]
