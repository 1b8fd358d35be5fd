"""Celery tasks of the points mall: thin, idempotent, take values and call one service."""

from datetime import datetime, timedelta

from celery import shared_task
from django.utils import timezone

from platform_core.models import InteractionEvent
from points_mall.models import EarnAction, EarnRefusal, EarnRule, LedgerEntry
from points_mall.services.earning import event_idempotency_key, points_earn_for_event

SWEEP_LOOKBACK = timedelta(hours=48)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(ConnectionError,), max_retries=5)
def points_earn_for_event_task(payload: dict) -> str:
    """Apply the earn rule to one interaction event; idempotent on the event's key."""
    outcome = points_earn_for_event(
        actor_id=payload["actor_id"],
        verb=payload["verb"],
        object_type=payload["object_type"],
        object_id=payload["object_id"],
        client_event_id=payload["client_event_id"],
        sponsor_id=payload["sponsor_id"],
        campaign_id=payload["campaign_id"],
        occurred_at=datetime.fromisoformat(payload["occurred_at"]),
    )
    if outcome is None:
        return "no_rule"
    return "paid" if outcome.paid else f"refused:{outcome.refusal.reason_code}"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def points_earn_sweep_task(lookback_hours: int = 48) -> int:
    """Catch-up: pay earnable events of the last hours that have neither an entry nor a refusal. Idempotent."""
    since = timezone.now() - timedelta(hours=lookback_hours)
    rules = EarnRule.objects.with_scopes_disabled().filter(is_active=True)
    sponsor_ids = set(rules.values_list("sponsor_id", flat=True))
    campaign_ids = set(rules.values_list("campaign_id", flat=True))
    if not sponsor_ids:
        return 0
    events = (
        InteractionEvent.objects.with_scope(sponsor=sorted(sponsor_ids))
        .filter(sponsor_id__in=sponsor_ids, occurred_at__gte=since, verb__in=EarnAction.values, campaign_id__in=campaign_ids)
        .values("actor_id", "verb", "object_type", "object_id", "client_event_id", "sponsor_id", "campaign_id", "occurred_at")
    )
    paid = 0
    for event in events.iterator(chunk_size=2000):
        key = event_idempotency_key(actor_id=event["actor_id"], client_event_id=event["client_event_id"])
        if LedgerEntry.objects.filter(idempotency_key=key).exists() or EarnRefusal.objects.filter(idempotency_key=key).exists():
            continue
        outcome = points_earn_for_event(**event)
        paid += 1 if outcome is not None and outcome.paid and outcome.created else 0
    return paid
