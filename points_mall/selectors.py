"""Reads of the points mall. A doctor reads only their own points and orders; ToV reports are
scoped to the acting manager's sponsor (a foreign sponsor answers exactly like a missing one)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from platform_core.exceptions import NotFound
from platform_core.models import Sponsor
from platform_core.permissions import has_capability
from points_mall.models import CatalogItem, EarnRefusal, LedgerEntry, Order, SponsorPointsPolicy, TransferOfValue
from points_mall.services.ledger import balance_of, sponsor_balances_of


@dataclass(frozen=True)
class SponsorLimit:
    sponsor: Sponsor
    points: int
    cap: Decimal
    used: Decimal
    currency: str

    @property
    def left(self) -> Decimal:
        return max(self.cap - self.used, Decimal("0.00"))

    @property
    def used_percent(self) -> int:
        return min(100, int(self.used * 100 / self.cap)) if self.cap else 100


@dataclass(frozen=True)
class WalletSummary:
    balance: int
    year: int
    limits: list[SponsorLimit]


def wallet_summary_for(*, doctor) -> WalletSummary:
    """Balance, points per funding sponsor and this year's transfer-of-value limit left per sponsor."""
    year = timezone.localdate().year
    balances = sponsor_balances_of(doctor_id=doctor.pk)
    used_rows = (
        TransferOfValue.objects.with_scopes_disabled().filter(doctor_id=doctor.pk, year=year).values_list("sponsor_id", "amount")
    )
    used: dict[int, Decimal] = {}
    for sponsor_id, amount in used_rows:
        used[sponsor_id] = used.get(sponsor_id, Decimal("0.00")) + amount
    sponsor_ids = set(balances) | set(used)
    policies = {
        policy.sponsor_id: policy
        for policy in SponsorPointsPolicy.objects.with_scopes_disabled()
        .filter(sponsor_id__in=sponsor_ids)
        .select_related("sponsor")
    }
    limits = [
        SponsorLimit(
            sponsor=policy.sponsor,
            points=balances.get(sponsor_id, 0),
            cap=policy.annual_tov_cap,
            used=used.get(sponsor_id, Decimal("0.00")),
            currency=policy.currency,
        )
        for sponsor_id, policy in sorted(policies.items())
    ]
    return WalletSummary(balance=sum(balances.values()), year=year, limits=limits)


def points_balance_for(*, doctor) -> int:
    return balance_of(doctor_id=doctor.pk)


def ledger_history_for(*, doctor) -> QuerySet[LedgerEntry]:
    """The doctor's entries, newest first, with who funded each and what it was for."""
    return LedgerEntry.objects.filter(doctor=doctor).select_related("sponsor", "campaign", "order__item").order_by("-id")


def earn_refusals_for(*, doctor) -> QuerySet[EarnRefusal]:
    return EarnRefusal.objects.filter(doctor=doctor).select_related("sponsor").order_by("-occurred_at")


def catalog_list() -> QuerySet[CatalogItem]:
    return CatalogItem.objects.filter(is_active=True).order_by("sort_order", "id")


def catalog_item_get(*, item_id: int) -> CatalogItem:
    item = catalog_list().filter(pk=item_id).first()
    if item is None:
        raise NotFound("no such item")
    return item


def orders_for(*, doctor) -> QuerySet[Order]:
    return Order.objects.filter(doctor=doctor).select_related("item").order_by("-placed_at", "-id")


def order_get_for(*, actor, order_id: int) -> Order:
    """The actor's own order; anyone else's answers NotFound."""
    order = orders_for(doctor=actor).filter(pk=order_id).first()
    if order is None:
        raise NotFound("no such order")
    return order


def tov_sponsors_for(*, actor) -> QuerySet[Sponsor]:
    """Sponsors whose ToV report the actor may read: all for platform staff, else their own."""
    if has_capability(actor, "points.view_all_tov_reports"):
        return Sponsor.objects.order_by("code")
    if has_capability(actor, "points.view_tov_report") and actor.sponsor_id:
        return Sponsor.objects.filter(pk=actor.sponsor_id)
    return Sponsor.objects.none()


def tov_records_for(*, actor, sponsor_id: int, year: int) -> QuerySet[TransferOfValue]:
    """The sponsor's ToV records of the year, if the actor may read them (else NotFound)."""
    if not tov_sponsors_for(actor=actor).filter(pk=sponsor_id).exists():
        raise NotFound("no such sponsor")
    return (
        TransferOfValue.objects.with_scope(sponsor=[sponsor_id])
        .filter(year=year)
        .select_related("sponsor", "campaign", "product")
        .order_by("transfer_date", "id")
    )
