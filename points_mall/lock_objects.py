"""Every row lock the points mall takes, in one place (as in Saleor's `order/lock_objects.py`).

Lock order, always: campaign → wallet → catalogue item → order. Earning takes campaign then
wallet; placing an order takes wallet then item; cancelling takes wallet, item, then the order;
approving, shipping and delivering take only the order. No path takes them in another order, so
no two transactions can wait on each other in a cycle.
"""

from platform_core.models import Campaign
from points_mall.models import CatalogItem, Order, Wallet


def campaign_lock(*, campaign_id: int) -> Campaign:
    """Serialises spending of one campaign's points budget. Call inside transaction.atomic()."""
    return Campaign.objects.with_scopes_disabled().select_for_update().get(pk=campaign_id)


def wallet_lock(*, doctor_id: int) -> Wallet:
    """Serialises every balance change of one doctor (earn, spend, refund). Creates the row once."""
    Wallet.objects.get_or_create(doctor_id=doctor_id)
    return Wallet.objects.select_for_update().get(pk=doctor_id)


def catalog_item_lock(*, item_id: int) -> CatalogItem:
    """Serialises stock changes of one item. Call under the wallet lock when both are needed."""
    return CatalogItem.objects.select_for_update().get(pk=item_id)


def order_lock(*, order_id: int) -> Order:
    return Order.objects.select_for_update().get(pk=order_id)
