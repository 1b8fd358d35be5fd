"""Circles fixtures: circles built through the services (as a platform moderator would), members,
a circle moderator, and helpers to post cases and comments."""

import pytest

from academy.circles import services
from academy.circles.models import CaseImage
from platform_core.roles import Role
from tests.factories import DoctorFactory, UserFactory

CLEAN_CASE = {
    "title": "中年男性反复胸痛3天",
    "chief_complaint": "反复胸骨后压榨样疼痛3天，每次持续约10分钟。",
    "history": "患者男，56岁，高血压病史10年。3天前活动后出现胸痛，休息后缓解。",
    "examination": "BP 150/90 mmHg，心肺听诊未见明显异常。",
    "investigations": "心电图：V1-V4 导联 ST 段压低 0.1 mV。",
    "diagnosis": "不稳定型心绞痛",
    "treatment": "双联抗血小板、他汀强化治疗。",
    "outcome": "",
    "question": "是否需要尽早行冠脉造影？",
}


@pytest.fixture
def platform_moderator(db):
    return UserFactory(roles=[Role.MODERATOR], name="平台版主")


@pytest.fixture
def make_circle(platform_moderator):
    counter = iter(range(1, 1000))

    def make(*, sponsor=None, name=None, **kwargs):
        number = next(counter)
        return services.circle_create(
            actor=platform_moderator,
            slug=f"circle-{number}",
            name=name or f"测试病例圈{number}",
            sponsor=sponsor,
            **kwargs,
        )

    return make


@pytest.fixture
def circle(make_circle):
    return make_circle(name="心血管病例讨论")


@pytest.fixture
def sponsored_circle(make_circle, sponsor_a):
    return make_circle(name="糖尿病与代谢", sponsor=sponsor_a)


@pytest.fixture
def member(circle):
    """A verified doctor who joined `circle`."""
    doctor = DoctorFactory(verified=True, name="王医生")
    services.circle_join(actor=doctor, circle_id=circle.pk)
    return doctor


@pytest.fixture
def other_member(circle):
    doctor = DoctorFactory(verified=True, name="李医生")
    services.circle_join(actor=doctor, circle_id=circle.pk)
    return doctor


@pytest.fixture
def circle_moderator(circle, platform_moderator):
    doctor = DoctorFactory(verified=True, name="赵主任")
    services.circle_moderator_appoint(actor=platform_moderator, circle_id=circle.pk, user=doctor, reason="心内科主任医师")
    return doctor


@pytest.fixture
def publish_case():
    def publish(*, actor, circle, **overrides):
        result = services.post_save(actor=actor, circle_id=circle.pk, fields={**CLEAN_CASE, **overrides}, publish=True)
        assert result.published, (result.findings, result.missing)
        return result.item

    return publish


@pytest.fixture
def post(member, circle, publish_case):
    return publish_case(actor=member, circle=circle)


@pytest.fixture
def comment(other_member, post):
    result = services.comment_save(actor=other_member, post_id=post.pk, body="建议先完善肌钙蛋白动态监测。")
    assert result.published
    return result.item


@pytest.fixture
def stored_images(db):
    """Case images go to private storage on disk: remove what the test stored."""
    yield
    for image in CaseImage.objects.all():
        image.image.storage.delete(image.image.name)
