"""Celery tasks of the shared domain: thin, idempotent, each calls one service."""

from celery import shared_task
from django.utils import timezone


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5, default_retry_delay=60)
def account_erase_task(self, data_request_id: int) -> None:
    """Erase a person's data for a deletion request (idempotent)."""
    from platform_core.services.privacy import account_erase  # tasks load before models are ready

    account_erase(data_request_id=data_request_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def interaction_partitions_ensure_task() -> list[str]:
    """Keep monthly partitions three months ahead (idempotent)."""
    from platform_core.interactions.partitions import partitions_ensure

    return partitions_ensure(around=timezone.now().date(), months_ahead=3)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def audit_chain_verify_task() -> dict:
    """Nightly check that the audit chain is intact; logs loudly if not."""
    import logging

    from platform_core.services.audit import audit_chain_verify

    checked, broken, why = audit_chain_verify()
    if broken is not None:
        logging.getLogger("platform_core.audit").error("audit chain broken at entry %s: %s", broken.pk, why)
    return {"checked": checked, "broken_at": broken.pk if broken else None, "why": why}


@shared_task(acks_late=True, reject_on_worker_lost=True)
def ping_task(value: str) -> str:
    """Round-trip check used by health checks and the worker test."""
    return value


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def interactions_queue_drain_task() -> int:
    """Store the heartbeats queued on the Redis stream (beat: every second; the endpoint triggers it too).

    Idempotent: rows are acknowledged only after their commit, and stored once per
    (actor, client_event_id) however often a drain is repeated."""
    from platform_core.interactions.queue import queue_drain

    return queue_drain()
