"""Ledger arithmetic shared by earning and orders: balances are sums, ToV records are snapshots.

Callers hold the doctor's wallet lock (`lock_objects.wallet_lock`) while they read a balance and
then write, so two writers never both see the same balance.
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone

from platform_core.models import Campaign, DoctorProfile, Product, Sponsor
from points_mall.models import LedgerEntry, SponsorPointsPolicy, TransferOfValue

CENT = Decimal("0.01")


def balance_of(*, doctor_id: int) -> int:
    """The doctor's points: the sum of their ledger entries."""
    return LedgerEntry.objects.filter(doctor_id=doctor_id).aggregate(total=Sum("points"))["total"] or 0


def sponsor_balances_of(*, doctor_id: int) -> dict[int, int]:
    """Points per funding sponsor (each ≥ 0: spends are charged to the sponsors that funded them)."""
    rows = LedgerEntry.objects.filter(doctor_id=doctor_id).values("sponsor_id").annotate(total=Sum("points"))
    return {row["sponsor_id"]: row["total"] for row in rows if row["total"]}


def tov_used(*, doctor_id: int, sponsor_id: int, year: int) -> Decimal:
    """Value already transferred by the sponsor to the doctor in the year (reversals subtract)."""
    total = (
        TransferOfValue.objects.with_scope(sponsor=[sponsor_id])
        .filter(doctor_id=doctor_id, year=year)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or Decimal("0.00")


def policy_of(*, sponsor_id: int) -> SponsorPointsPolicy | None:
    return SponsorPointsPolicy.objects.with_scope(sponsor=[sponsor_id]).filter(sponsor_id=sponsor_id).first()


def points_value(*, points: int, policy: SponsorPointsPolicy) -> Decimal:
    return (Decimal(points) * policy.point_value).quantize(CENT, rounding=ROUND_HALF_UP)


def recipient_snapshot(*, doctor) -> dict:
    """The recipient as the ToV record keeps them (later profile changes do not rewrite history)."""
    profile = DoctorProfile.objects.select_related("hospital").filter(user_id=doctor.pk).first()
    return {
        "recipient_name": (doctor.name or doctor.get_full_name() or doctor.get_username())[:150],
        "recipient_licence": profile.licence_number if profile else "",
        "recipient_institution": profile.hospital.name if profile and profile.hospital else "",
        "recipient_specialty": (profile.specialty or profile.get_department_display()) if profile else "",
    }


def tov_record(
    *,
    doctor,
    sponsor: Sponsor,
    policy: SponsorPointsPolicy,
    idempotency_key: str,
    amount: Decimal,
    points: int,
    nature: str,
    occurred_at: datetime,
    nature_detail: str = "",
    ledger_entry: LedgerEntry | None = None,
    order=None,
    product: Product | None = None,
    campaign: Campaign | None = None,
    recipient: dict | None = None,
) -> TransferOfValue:
    """Append one ToV record. Call under the doctor's wallet lock, inside the change's transaction."""
    day = timezone.localdate(occurred_at)
    return TransferOfValue.objects.create(
        sponsor=sponsor,
        doctor=doctor,
        ledger_entry=ledger_entry,
        order=order,
        idempotency_key=idempotency_key,
        transfer_date=day,
        year=day.year,
        amount=amount,
        currency=policy.currency,
        points=points,
        nature=nature,
        nature_detail=nature_detail[:80],
        product=product,
        product_name=str(product) if product else "",
        campaign=campaign,
        programme=campaign.name if campaign else "",
        **(recipient or recipient_snapshot(doctor=doctor)),
    )
