"""Earning points: an earn rule pays a verified doctor for an academic action, within every cap.

Idempotent on the key (for an interaction, `event:<actor id>:<client event id>` — the event's own
idempotency key), so a replayed event, a retried task and the catch-up sweep never pay twice.
An earn that cannot be paid is recorded as an `EarnRefusal` with the reason, also once per key.
Rules read only the action that happened: never prescribing or sales data (compliance rule 4).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from platform_core.interactions import record_event
from platform_core.models import DoctorProfile, User, VerificationStatus
from platform_core.services.audit import audit_record
from points_mall.lock_objects import campaign_lock, wallet_lock
from points_mall.models import EarnRefusal, EarnRule, LedgerEntry, TransferOfValue
from points_mall.services.ledger import points_value, policy_of, recipient_snapshot, tov_record, tov_used


@dataclass(frozen=True)
class EarnOutcome:
    entry: LedgerEntry | None
    refusal: EarnRefusal | None
    created: bool  # False when the key had been seen before (a replay)

    @property
    def paid(self) -> bool:
        return self.entry is not None


class _Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _day_bounds(moment: datetime) -> tuple[datetime, datetime]:
    day = timezone.localdate(moment)
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def _year_bounds(moment: datetime) -> tuple[datetime, datetime]:
    year = timezone.localdate(moment).year
    start = timezone.make_aware(datetime(year, 1, 1))
    return start, timezone.make_aware(datetime(year + 1, 1, 1))


def _earned_by_rule(*, rule: EarnRule, doctor_id: int, start: datetime, end: datetime) -> int:
    return (
        LedgerEntry.objects.filter(rule=rule, doctor_id=doctor_id, occurred_at__gte=start, occurred_at__lt=end).aggregate(
            total=Sum("points")
        )["total"]
        or 0
    )


def _check_earn(*, doctor, rule: EarnRule, campaign, occurred_at: datetime):
    """Raise _Refused with the first reason the earn cannot be paid; return the sponsor's policy otherwise."""
    if not rule.is_active:
        raise _Refused("rule_inactive", _("This activity no longer earns points."))
    day = timezone.localdate(occurred_at)
    if campaign.status != campaign.Status.ACTIVE or not (campaign.starts_on <= day <= campaign.ends_on):
        raise _Refused("campaign_inactive", _("The programme “%(name)s” is not running.") % {"name": campaign.name})
    verified = DoctorProfile.objects.filter(user_id=doctor.pk, verification_status=VerificationStatus.VERIFIED).exists()
    if not verified:
        raise _Refused("not_verified", _("Points are paid to verified healthcare professionals only."))
    policy = policy_of(sponsor_id=rule.sponsor_id)
    if policy is None:
        raise _Refused("no_policy", _("The sponsor has not set a value for its points yet."))
    if rule.daily_cap is not None:
        earned = _earned_by_rule(
            rule=rule, doctor_id=doctor.pk, start=_day_bounds(occurred_at)[0], end=_day_bounds(occurred_at)[1]
        )
        if earned + rule.points > rule.daily_cap:
            raise _Refused(
                "daily_cap",
                _("Daily limit reached: this activity pays at most %(cap)s points a day (%(earned)s earned today).")
                % {"cap": rule.daily_cap, "earned": earned},
            )
    if rule.annual_cap is not None:
        start, end = _year_bounds(occurred_at)
        earned = _earned_by_rule(rule=rule, doctor_id=doctor.pk, start=start, end=end)
        if earned + rule.points > rule.annual_cap:
            raise _Refused(
                "annual_cap",
                _("Annual limit reached: this activity pays at most %(cap)s points a year (%(earned)s earned this year).")
                % {"cap": rule.annual_cap, "earned": earned},
            )
    spent = LedgerEntry.objects.filter(campaign=campaign, kind=LedgerEntry.Kind.EARN).aggregate(total=Sum("points"))["total"] or 0
    if spent + rule.points > campaign.points_budget:
        raise _Refused(
            "budget_spent",
            _("The points budget of “%(name)s” is spent (%(spent)s of %(budget)s points paid).")
            % {"name": campaign.name, "spent": spent, "budget": campaign.points_budget},
        )
    value = points_value(points=rule.points, policy=policy)
    used = tov_used(doctor_id=doctor.pk, sponsor_id=rule.sponsor_id, year=day.year)
    if used + value > policy.annual_tov_cap:
        raise _Refused(
            "tov_cap",
            _(
                "This would cross the yearly limit on value from %(sponsor)s: %(used)s of %(cap)s %(currency)s "
                "received in %(year)s, this earn is worth %(value)s."
            )
            % {
                "sponsor": rule.sponsor.name,
                "used": used,
                "cap": policy.annual_tov_cap,
                "currency": policy.currency,
                "year": day.year,
                "value": value,
            },
        )
    return policy, value


def points_earn(
    *,
    doctor: User,
    rule: EarnRule,
    idempotency_key: str,
    occurred_at: datetime | None = None,
    source_object_type: str = "",
    source_object_id: str = "",
    description: str = "",
) -> EarnOutcome:
    """Pay the rule's points or record why not. Idempotent on key; takes the campaign and wallet locks."""
    occurred_at = occurred_at or timezone.now()
    with transaction.atomic():
        campaign = campaign_lock(campaign_id=rule.campaign_id)
        wallet_lock(doctor_id=doctor.pk)
        existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return EarnOutcome(entry=existing, refusal=None, created=False)
        refused = EarnRefusal.objects.filter(idempotency_key=idempotency_key).first()
        if refused is not None:
            return EarnOutcome(entry=None, refusal=refused, created=False)
        rule = EarnRule.objects.with_scopes_disabled().select_related("sponsor", "product").get(pk=rule.pk)
        try:
            policy, value = _check_earn(doctor=doctor, rule=rule, campaign=campaign, occurred_at=occurred_at)
        except _Refused as refusal:
            row = EarnRefusal.objects.create(
                doctor=doctor,
                rule=rule,
                sponsor_id=rule.sponsor_id,
                idempotency_key=idempotency_key,
                reason_code=refusal.code,
                message=refusal.message[:300],
                description=description[:200],
                occurred_at=occurred_at,
            )
            return EarnOutcome(entry=None, refusal=row, created=True)
        entry = LedgerEntry.objects.create(
            doctor=doctor,
            kind=LedgerEntry.Kind.EARN,
            points=rule.points,
            sponsor_id=rule.sponsor_id,
            campaign=campaign,
            rule=rule,
            idempotency_key=idempotency_key,
            source_object_type=source_object_type[:48],
            source_object_id=str(source_object_id)[:64],
            description=description[:200],
            occurred_at=occurred_at,
        )
        tov_record(
            doctor=doctor,
            sponsor=rule.sponsor,
            policy=policy,
            idempotency_key=f"tov:{idempotency_key}",
            amount=value,
            points=rule.points,
            nature=TransferOfValue.Nature.POINTS,
            nature_detail=rule.nature,
            occurred_at=occurred_at,
            ledger_entry=entry,
            product=rule.product,
            campaign=campaign,
            recipient=recipient_snapshot(doctor=doctor),
        )
        audit_record(
            actor=None,
            action="points.earned",
            target=entry,
            sponsor_id=rule.sponsor_id,
            after={"doctor": doctor.pk, "points": rule.points, "value": str(value), "rule": rule.pk, "key": idempotency_key},
            reason=f"earn rule #{rule.pk} ({rule.action}) for {source_object_type}:{source_object_id}",
        )
        record_event(
            actor=doctor,
            verb="points.earned",
            object_type="points_entry",
            object_id=entry.pk,
            sponsor_id=rule.sponsor_id,
            campaign_id=campaign.pk,
            value=float(rule.points),
            client_event_id=f"points-earned:{entry.pk}",
            occurred_at=occurred_at,
        )
    return EarnOutcome(entry=entry, refusal=None, created=True)


def event_idempotency_key(*, actor_id: int, client_event_id: str) -> str:
    """The earn key of an interaction event: the event's own idempotency key."""
    return f"event:{actor_id}:{client_event_id}"


def _describe(object_type: str, object_id: str) -> str:
    # Courses, lessons and webinars pages are Wagtail pages: their title names the activity
    # without importing the app that owns them (import-linter layers).
    if object_id.isdigit() and len(object_id) < 18:
        title = Page.objects.filter(pk=int(object_id)).values_list("title", flat=True).first()
        if title:
            return title
    return f"{object_type} {object_id}".strip()


def points_earn_for_event(
    *,
    actor_id: int,
    verb: str,
    object_type: str,
    object_id: str,
    client_event_id: str,
    sponsor_id: int | None,
    campaign_id: int | None,
    occurred_at: datetime,
) -> EarnOutcome | None:
    """Apply the campaign's active earn rule for this event's verb (None when no rule pays for it). Idempotent."""
    if not campaign_id or not sponsor_id:
        return None
    rule = (
        EarnRule.objects.with_scope(sponsor=[sponsor_id])
        .filter(campaign_id=campaign_id, action=verb, is_active=True)
        .select_related("sponsor")
        .first()
    )
    if rule is None:
        return None
    doctor = User.objects.filter(pk=actor_id).first()
    if doctor is None:
        return None
    return points_earn(
        doctor=doctor,
        rule=rule,
        idempotency_key=event_idempotency_key(actor_id=actor_id, client_event_id=client_event_id),
        occurred_at=occurred_at,
        source_object_type=object_type,
        source_object_id=object_id,
        description=_describe(object_type, object_id),
    )
