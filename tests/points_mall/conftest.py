"""Fixtures of the points-mall tests: a sponsor policy, a campaign with earn rules, catalogue items."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from platform_core.models import Campaign
from points_mall.models import CatalogCategory, CatalogItem, EarnAction, EarnRule, SponsorPointsPolicy
from points_mall.services.earning import points_earn

ADDRESS = {
    "recipient": "张伟",
    "phone": "13800138000",
    "province": "浙江省",
    "city": "杭州市",
    "district": "上城区",
    "street": "解放路 88 号 浙江大学医学院附属第一医院 心内科",
    "postal_code": "310003",
}
_keys = itertools.count(1)


def make_campaign(sponsor, *, budget=1_000_000, code=None) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign(
        sponsor=sponsor,
        code=code or f"c{next(_keys)}",
        name=f"{sponsor.name} 学术季",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=300),
        points_budget=budget,
        status=Campaign.Status.ACTIVE,
    )
    campaign.save()
    return campaign


def make_policy(sponsor, *, point_value="0.10", cap="5000.00") -> SponsorPointsPolicy:
    policy = SponsorPointsPolicy(sponsor=sponsor, point_value=Decimal(point_value), annual_tov_cap=Decimal(cap))
    policy.save()
    return policy


def make_rule(campaign, *, points=100, action=EarnAction.COURSE_COMPLETED, **caps) -> EarnRule:
    rule = EarnRule(sponsor=campaign.sponsor, campaign=campaign, action=action, points=points, **caps)
    rule.save()
    return rule


def make_item(*, price=100, stock=10, market_value="10.00", **fields) -> CatalogItem:
    return CatalogItem.objects.create(
        name=fields.pop("name", f"内科学（第10版）{next(_keys)}"),
        category=fields.pop("category", CatalogCategory.BOOK),
        price_points=price,
        market_value=Decimal(market_value),
        stock=stock,
        **fields,
    )


def give_points(doctor, rule, times=1):
    """Earn `times` × the rule's points for the doctor (each a distinct source)."""
    return [points_earn(doctor=doctor, rule=rule, idempotency_key=f"test:{next(_keys)}") for _ in range(times)]


@pytest.fixture
def policy_a(sponsor_a):
    return make_policy(sponsor_a)


@pytest.fixture
def campaign_a(sponsor_a, policy_a):
    return make_campaign(sponsor_a)


@pytest.fixture
def rule_a(campaign_a):
    return make_rule(campaign_a, points=100)


@pytest.fixture
def item():
    return make_item(price=100, stock=10)
