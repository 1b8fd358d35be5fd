"""The per-user notification socket: authenticated, one group per user, sequence-numbered messages.

Later issues publish to it (webinar reminders, certificates, order updates); the foundation
proves the path end to end with a hello message.
"""

from channels.generic.websocket import AsyncJsonWebsocketConsumer


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


class NotificationsConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.group = user_group(user.pk)
        self.sequence = 0
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._send({"type": "hello", "user_id": user.pk})

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def notify(self, event):
        await self._send(event["payload"])

    async def _send(self, payload: dict) -> None:
        self.sequence += 1
        await self.send_json({"seq": self.sequence, **payload})
