"""Demo data of the points mall: sponsor point values and limits, earn rules for the demo
campaigns, a catalogue of twelve academic items with generated cover images, and some history
(earned points, an order in each state) for the demo doctor doctor@demo.xinglin.cn.

Called by `manage.py seed_demo` through PointsMallConfig.demo_seeder, after the academy seeder
(INSTALLED_APPS order), so the academy's demo campaigns exist.
"""

import datetime
import io
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from platform_core.demo.artwork import _font, has_cjk_font
from platform_core.demo.data import DEMO_EMAIL_DOMAIN
from platform_core.models import Campaign, Sponsor, User
from points_mall.models import CatalogCategory, CatalogItem, EarnAction, EarnRule, Order, SponsorPointsPolicy
from points_mall.services.earning import points_earn
from points_mall.services.orders import order_approve, order_deliver, order_place, order_ship

# (name, category, price, market value CNY, stock, colour, short title for the cover, description)
CATALOG = [
    ("《内科学》第10版", CatalogCategory.BOOK, 900, "98.00", 40, (15, 118, 110), "内科学", "人民卫生出版社，国家级规划教材。"),
    (
        "《中国心血管健康与疾病报告2025》",
        CatalogCategory.BOOK,
        600,
        "68.00",
        30,
        (153, 27, 27),
        "心血管报告",
        "年度权威数据汇编。",
    ),
    (
        "《临床诊疗指南·内分泌及代谢性疾病分册》",
        CatalogCategory.BOOK,
        700,
        "79.00",
        25,
        (180, 83, 9),
        "内分泌指南",
        "中华医学会编著。",
    ),
    ("《肿瘤学》第5版", CatalogCategory.BOOK, 1100, "128.00", 20, (88, 28, 135), "肿瘤学", "临床肿瘤学系统教材。"),
    (
        "《中华心血管病杂志》全年订阅",
        CatalogCategory.JOURNAL,
        1800,
        "216.00",
        50,
        (30, 64, 175),
        "心血管杂志",
        "12 期，邮寄到科室。",
    ),
    (
        "《中华糖尿病杂志》全年订阅",
        CatalogCategory.JOURNAL,
        1600,
        "192.00",
        50,
        (21, 128, 61),
        "糖尿病杂志",
        "12 期，邮寄到科室。",
    ),
    (
        "长城心脏病学大会 注册名额",
        CatalogCategory.CONFERENCE,
        4000,
        "800.00",
        8,
        (190, 18, 60),
        "长城会",
        "含大会注册费，不含差旅。",
    ),
    (
        "中国临床肿瘤学会年会 注册名额",
        CatalogCategory.CONFERENCE,
        4500,
        "900.00",
        6,
        (109, 40, 217),
        "CSCO 年会",
        "含大会注册费，不含差旅。",
    ),
    (
        "循证医学在线课程 年度通行证",
        CatalogCategory.COURSE_PASS,
        1200,
        "299.00",
        100,
        (2, 132, 199),
        "循证医学",
        "系统学习文献评价与 Meta 分析。",
    ),
    (
        "医学统计与 R 语言 在线课程",
        CatalogCategory.COURSE_PASS,
        1000,
        "199.00",
        100,
        (14, 116, 144),
        "医学统计",
        "面向临床研究者的统计实战。",
    ),
    (
        "临床用药参考 App 年度会员",
        CatalogCategory.REFERENCE_TOOL,
        800,
        "120.00",
        200,
        (71, 85, 105),
        "用药参考",
        "药品说明书与相互作用查询。",
    ),
    (
        "心脏解剖教学模型",
        CatalogCategory.TEACHING_MODEL,
        2600,
        "420.00",
        10,
        (185, 28, 28),
        "心脏模型",
        "1:1 可拆解教学模型，用于患者宣教。",
    ),
]


def _cover_png(title: str, colour: tuple[int, int, int], category: str) -> bytes:
    width, height = 480, 360
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    light = tuple(min(255, c + 90) for c in colour)
    draw.rectangle((24, 24, width - 25, height - 25), outline=light, width=3)
    draw.ellipse((width - 170, -60, width + 60, 170), fill=tuple(min(255, c + 40) for c in colour))
    cjk = has_cjk_font()
    draw.text((width // 2, height // 2 - 20), title if cjk else category, fill=(255, 255, 255), font=_font(44), anchor="mm")
    draw.text((width // 2, height // 2 + 40), "杏林积分商城" if cjk else "Xinglin mall", fill=light, font=_font(20), anchor="mm")
    draw.text((width - 40, height - 40), "DEMO", fill=light, font=_font(14), anchor="rs")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _campaign_for(sponsor: Sponsor) -> Campaign:
    today = timezone.localdate()
    campaign = (
        Campaign.objects.with_scopes_disabled().filter(sponsor=sponsor, code=f"{sponsor.code}-academy-{today.year}").first()
    )
    if campaign is None:
        campaign, _ = Campaign.objects.with_scopes_disabled().get_or_create(
            sponsor=sponsor,
            code=f"{sponsor.code}-points-{today.year}",
            defaults={
                "name": f"{sponsor.name} 学术积分计划",
                "starts_on": today - datetime.timedelta(days=60),
                "ends_on": today + datetime.timedelta(days=240),
                "points_budget": 200_000,
                "status": Campaign.Status.ACTIVE,
            },
        )
    return campaign


def seed_points_mall(*, log) -> dict[str, int]:
    created = {"policies": 0, "earn_rules": 0, "catalog_items": 0, "ledger_entries": 0, "orders": 0}
    rules = {}
    for sponsor in Sponsor.objects.filter(code__in=["huakang", "ruide"]):
        _, made = SponsorPointsPolicy.objects.with_scopes_disabled().get_or_create(
            sponsor=sponsor, defaults={"point_value": Decimal("0.10"), "annual_tov_cap": Decimal("5000.00")}
        )
        created["policies"] += made
        campaign = _campaign_for(sponsor)
        for action, points, daily, annual in (
            (EarnAction.COURSE_COMPLETED, 200, 600, 6000),
            (EarnAction.WEBINAR_ATTENDED, 300, 600, 6000),
            (EarnAction.SURVEY_CLEARED, 150, 300, 3000),
            (EarnAction.CASE_ACCEPTED, 500, 500, 5000),
        ):
            rule, made = EarnRule.objects.with_scopes_disabled().get_or_create(
                sponsor=sponsor,
                campaign=campaign,
                action=action,
                is_active=True,
                defaults={"points": points, "daily_cap": daily, "annual_cap": annual},
            )
            created["earn_rules"] += made
            rules[(sponsor.code, action)] = rule
    items = []
    for sort, (name, category, price, value, stock, colour, short, description) in enumerate(CATALOG):
        item = CatalogItem.objects.filter(name=name).first()
        if item is None:
            item = CatalogItem(
                name=name,
                category=category,
                price_points=price,
                market_value=Decimal(value),
                stock=stock,
                description=description,
                sort_order=sort,
                max_per_order=2 if category in (CatalogCategory.CONFERENCE, CatalogCategory.TEACHING_MODEL) else 5,
            )
            item.image.save(f"demo-{sort:02d}.png", ContentFile(_cover_png(short, colour, category.label)), save=False)
            item.save()
            created["catalog_items"] += 1
        items.append(item)
    doctor = User.objects.filter(email=f"doctor@{DEMO_EMAIL_DOMAIN}").first()
    if doctor is None or not rules:
        log("  points mall: demo doctor or sponsors missing, no history seeded")
        return created
    now = timezone.now()
    history = [
        ("huakang", EarnAction.COURSE_COMPLETED, 55, "血脂异常管理新进展"),
        ("huakang", EarnAction.COURSE_COMPLETED, 40, "高血压合并冠心病的联合降压策略"),
        ("ruide", EarnAction.WEBINAR_ATTENDED, 28, "糖尿病肾病早期筛查线上会"),
        ("huakang", EarnAction.WEBINAR_ATTENDED, 33, "心衰管理线上学术会议"),
        ("ruide", EarnAction.COURSE_COMPLETED, 21, "2 型糖尿病胰岛素起始与调整"),
        ("ruide", EarnAction.SURVEY_CLEARED, 14, "基层糖尿病管理现状调研"),
        ("huakang", EarnAction.CASE_ACCEPTED, 9, "急性心梗 PCI 术后病例"),
        ("ruide", EarnAction.COURSE_COMPLETED, 3, "肺癌靶向治疗进展"),
    ]
    for index, (code, action, days_ago, title) in enumerate(history):
        rule = rules.get((code, action))
        if rule is None:
            continue
        outcome = points_earn(
            doctor=doctor,
            rule=rule,
            idempotency_key=f"demo:{doctor.pk}:{index}",
            occurred_at=now - datetime.timedelta(days=days_ago, hours=index),
            source_object_type="demo",
            source_object_id=str(index),
            description=title,
        )
        created["ledger_entries"] += int(outcome.paid and outcome.created)
    admin = User.objects.filter(email=f"admin@{DEMO_EMAIL_DOMAIN}").first()
    address = {
        "recipient": doctor.name or "张医生",
        "phone": "13800138000",
        "province": "浙江省",
        "city": "杭州市",
        "district": "上城区",
        "street": "庆春路 79 号 浙江大学医学院附属第一医院 心血管内科",
        "postal_code": "310003",
    }
    for key, item, steps in (("demo-1", items[0], ("approve", "ship", "deliver")), ("demo-2", items[10], ("approve", "ship"))):
        if Order.objects.filter(doctor=doctor, idempotency_key=key).exists():
            continue
        result = order_place(
            doctor=doctor,
            item_id=item.pk,
            quantity=1,
            expected_unit_price=item.price_points,
            address=address,
            idempotency_key=key,
        )
        created["orders"] += 1
        if admin is None:
            continue
        for step in steps:
            if step == "approve":
                order_approve(actor=admin, order_id=result.order.pk, reason="演示数据：审核通过")
            elif step == "ship":
                order_ship(
                    actor=admin, order_id=result.order.pk, tracking_number=f"SF{1400000000 + result.order.pk}", carrier="顺丰速运"
                )
            else:
                order_deliver(actor=admin, order_id=result.order.pk)
    log(
        f"  points mall: {created['catalog_items']} items, {created['ledger_entries']} earns, "
        f"{created['orders']} orders for the demo doctor"
    )
    return created
