"""Writes on sponsors' products.

Withdrawing a product's registration must withdraw every material that depends on it (DESIGN.md,
compliance rule 2). The apps that own such material (academy today; campaigns and reps later)
subscribe to `product_registration_withdrawn`, sent after the withdrawal commits: platform_core
never imports them. Subscribers must be idempotent (a repeated withdrawal sends the signal again,
so a cascade that failed half-way can be completed by withdrawing once more).
"""

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from platform_core.exceptions import NotFound, ValidationFailed
from platform_core.models import Product
from platform_core.services.audit import audit_record

# Sent after commit with: product_id, sponsor_id, actor_id (None: the system), reason.
product_registration_withdrawn = Signal()


def product_registration_withdraw(*, actor, product: Product, reason: str) -> Product:
    """Mark the product's registration withdrawn (audited, reason required) and tell dependants after commit.

    Idempotent: a product already withdrawn is not changed again, but dependants are told again.
    Sponsor staff may act only on their own sponsor's products (another sponsor's answers NotFound);
    which roles may call this at all is decided by the calling view through platform_core.permissions.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Give the reason the registration is withdrawn."), details={"reason": "required"})
    actor_sponsor_id = getattr(actor, "sponsor_id", None)
    if actor_sponsor_id is not None and actor_sponsor_id != product.sponsor_id:
        raise NotFound("no such product")
    with transaction.atomic(), scopes_disabled():
        locked = Product.objects.select_for_update().get(pk=product.pk)
        if locked.registration_status != Product.RegistrationStatus.WITHDRAWN:
            before = locked.registration_status
            locked.registration_status = Product.RegistrationStatus.WITHDRAWN
            locked.save(update_fields=["registration_status"])
            audit_record(
                actor=actor,
                action="product.registration.withdrawn",
                target=locked,
                sponsor_id=locked.sponsor_id,
                before={"registration_status": before},
                after={"registration_status": locked.registration_status},
                reason=reason,
            )
        payload = {
            "product_id": locked.pk,
            "sponsor_id": locked.sponsor_id,
            "actor_id": getattr(actor, "pk", None),
            "reason": reason,
        }
        transaction.on_commit(lambda: product_registration_withdrawn.send(sender=Product, **payload))
    product.registration_status = locked.registration_status
    return locked
