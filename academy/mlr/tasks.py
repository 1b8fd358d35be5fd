"""Celery tasks of MLR review: thin, idempotent, each calls one service."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def mlr_expired_materials_withdraw_task() -> dict:
    """Daily: unpublish material whose approval expired, and material of withdrawn products (idempotent)."""
    # Function-local import: tasks are discovered before the app registry is ready.
    from academy.mlr.services import expired_materials_withdraw, withdrawn_products_sweep

    return {"expired": expired_materials_withdraw(), "product_withdrawn": withdrawn_products_sweep()}


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5, default_retry_delay=60)
def mlr_product_materials_withdraw_task(self, product_id: int, actor_id: int | None = None, reason: str = "") -> int:
    """Withdraw every course listing a product whose registration was withdrawn (idempotent)."""
    from academy.mlr.services import product_materials_withdraw

    try:
        return product_materials_withdraw(product_id=product_id, actor_id=actor_id, reason=reason)
    except Exception as error:  # noqa: BLE001 - any failure is retried; the daily sweep is the last resort
        raise self.retry(exc=error) from error
