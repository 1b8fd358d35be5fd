"""The points mall's interaction verbs, and its listener on the earnable actions of other apps.

Earning is decoupled from the apps where the action happens (academy, campaigns): they record
their event through platform_core.interactions as always; this listener sees the stored rows of
earnable verbs and, once the caller's transaction commits, queues one idempotent earn task per
event (docs/points-mall.md, "How earning is triggered"). A beat sweep catches any task lost
between commit and queueing.
"""

from django.db import transaction

from platform_core.interactions import EventRow, register_listener, register_verb
from points_mall.models import EarnAction, EarnRule

register_verb("points.earned", object_types={"points_entry"}, client_allowed=False, value_unit="points")
register_verb("mall.order.placed", object_types={"mall_order"}, client_allowed=False, value_unit="points")
register_verb("mall.order.cancelled", object_types={"mall_order"}, client_allowed=False, value_unit="points")
register_verb("mall.item.viewed", object_types={"mall_item"}, client_allowed=False)


def event_payload(row: EventRow) -> dict:
    return {
        "actor_id": row.actor_id,
        "verb": row.verb,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "client_event_id": row.client_event_id,
        "sponsor_id": row.sponsor_id,
        "campaign_id": row.campaign_id,
        "occurred_at": row.occurred_at.isoformat(),
    }


def on_earnable_events(rows: list[EventRow]) -> None:
    """Queue an earn task (after commit) for each row a campaign's active rule pays for."""
    campaign_ids = {row.campaign_id for row in rows if row.campaign_id and row.sponsor_id}
    if not campaign_ids:
        return
    paying = set(
        EarnRule.objects.with_scopes_disabled()
        .filter(campaign_id__in=campaign_ids, is_active=True)
        .values_list("campaign_id", "action")
    )
    payloads = [event_payload(row) for row in rows if (row.campaign_id, row.verb) in paying]
    if not payloads:
        return
    # Function-local import: tasks import the Celery app, which loads after the app registry.
    from points_mall.tasks import points_earn_for_event_task

    def queue():
        for payload in payloads:
            points_earn_for_event_task.delay(payload)

    transaction.on_commit(queue)


register_listener(EarnAction.values, on_earnable_events)
