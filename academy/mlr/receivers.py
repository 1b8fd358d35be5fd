"""Signal receivers: Wagtail's publication signal and platform_core's product withdrawal.

Compliance records are written by the services these call, never by the receivers themselves.
"""

from django.dispatch import receiver
from wagtail.signals import page_published

from academy.mlr.services import material_publication_check
from academy.mlr.tasks import mlr_product_materials_withdraw_task
from platform_core.services.products import product_registration_withdrawn


@receiver(page_published, dispatch_uid="academy.mlr.material_publication_check")
def _check_publication(sender, instance, revision=None, **kwargs):
    # Runs inside the publication (same transaction when there is one): every way of publishing a
    # page — admin, scheduled, workflow, code — passes here.
    material_publication_check(page=instance, revision=revision)


@receiver(product_registration_withdrawn, dispatch_uid="academy.mlr.product_materials_withdraw")
def _withdraw_product_materials(sender, product_id, actor_id=None, reason="", **kwargs):
    # Sent after commit; the task retries on failure and the daily sweep catches anything left.
    mlr_product_materials_withdraw_task.delay(product_id, actor_id, reason)
