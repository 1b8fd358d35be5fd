"""Demo content for the academy: series, courses (public and sponsored), lessons with locally generated
videos, quizzes, speakers, two campaigns, and some learning history for the demo doctor.

Idempotent: pages are found by slug, speakers by name, progress through the same services a browser
uses (heartbeats with fixed session keys, so a re-run credits nothing twice).
"""

import datetime
import random
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from wagtail.models import Page, Site

from academy.circles.demo import seed_circles
from academy.demo.video import lesson_video
from academy.mlr.demo import approve_for_demo, setup_mlr_workflow
from academy.models import (
    AcademyIndexPage,
    AccessLevel,
    CampaignReference,
    CoursePage,
    CourseSeriesPage,
    CourseSpeaker,
    LessonPage,
    PrescribingInformationReference,
    ProductReference,
    QuizPage,
    Speaker,
)
from academy.services.learning import HeartbeatInput, heartbeat_record, quiz_attempt_submit
from platform_core.demo.data import DEMO_EMAIL_DOMAIN
from platform_core.models import Campaign, Product, Sponsor, TherapeuticArea, User
from platform_core.roles import Role

VIDEO_SECONDS = (60, 90, 120)

SPEAKERS = [
    ("陈志远", "主任医师、教授", "华东医科大学附属第一医院", "心血管内科"),
    ("刘婉清", "主任医师", "江南市人民医院", "内分泌科"),
    ("赵明哲", "副主任医师", "西川大学华西临床医学院附属医院", "肿瘤科"),
    ("周雅琴", "主任医师、博士生导师", "北江医科大学第二医院", "心血管内科"),
    ("黄立新", "主治医师", "岭南市第一人民医院", "全科"),
]

QUIZ_HTN = [
    (
        "single_choice",
        "根据《中国高血压防治指南》，诊室血压诊断高血压的阈值是？",
        [("≥140/90 mmHg", True), ("≥130/80 mmHg", False), ("≥160/100 mmHg", False)],
        "我国指南以非同日 3 次诊室血压 ≥140/90 mmHg 诊断高血压。",
    ),
    (
        "multiple_choice",
        "以下哪些属于常用的一线降压药物？",
        [("ACEI/ARB", True), ("二氢吡啶类 CCB", True), ("噻嗪类利尿剂", True), ("α 受体阻滞剂", False)],
        "α 受体阻滞剂一般不作为一线用药，多用于合并前列腺增生等情况。",
    ),
    (
        "single_choice",
        "高血压合并糖尿病患者的血压控制目标一般为？",
        [("<130/80 mmHg", True), ("<150/90 mmHg", False), ("<120/70 mmHg", False)],
        "合并糖尿病者一般建议控制在 <130/80 mmHg。",
    ),
]
QUIZ_LIPID = [
    (
        "single_choice",
        "ASCVD 极高危患者的 LDL-C 目标值是？",
        [("<1.4 mmol/L 且较基线降幅 ≥50%", True), ("<2.6 mmol/L", False), ("<3.4 mmol/L", False)],
        "极高危人群 LDL-C 目标 <1.4 mmol/L，且较基线降低幅度 ≥50%。",
    ),
    (
        "multiple_choice",
        "他汀治疗期间需要监测的指标包括？",
        [("肝酶（ALT/AST）", True), ("肌酸激酶（有肌肉症状时）", True), ("血脂谱", True), ("血钾", False)],
        "用药前及用药后 4–12 周复查血脂和肝酶；出现肌痛等症状时检测 CK。",
    ),
]
QUIZ_T2DM = [
    (
        "single_choice",
        "大多数非妊娠成人 2 型糖尿病患者的 HbA1c 控制目标为？",
        [("<7.0%", True), ("<6.0%", False), ("<8.5%", False)],
        "一般成人 HbA1c 目标 <7.0%，应个体化调整。",
    ),
    (
        "multiple_choice",
        "具有心血管获益证据的降糖药物类别包括？",
        [("SGLT2 抑制剂", True), ("GLP-1 受体激动剂", True), ("磺脲类", False)],
        "SGLT2i 与 GLP-1RA 在心血管结局试验中显示获益。",
    ),
]

# (series slug, series title, area code, [(course slug, title, summary, sponsor code or "", brand or "",
#   access, credits, cme class, lesson titles, quiz)])
CATALOG = [
    (
        "cardiology",
        "心血管疾病规范化诊疗",
        "cardiology",
        [
            (
                "hypertension-guideline-2024",
                "高血压诊疗指南解读（2024版）",
                "从诊断标准、危险分层到起始治疗与随访，一次讲清基层高血压管理要点。",
                "",
                "",
                AccessLevel.PUBLIC,
                "2.0",
                "II",
                ["诊断标准与血压测量", "危险分层与治疗目标", "药物选择与联合用药"],
                QUIZ_HTN,
            ),
            (
                "lipid-management-statins",
                "血脂管理与他汀类药物合理应用",
                "LDL-C 目标值、他汀强度选择与安全性监测，结合典型病例讨论。",
                "huakang",
                "康立脂",
                AccessLevel.VERIFIED_HCP,
                "1.5",
                "",
                ["ASCVD 风险评估", "他汀治疗的强度与目标", "安全性监测与特殊人群"],
                QUIZ_LIPID,
            ),
            (
                "hfref-arni",
                "射血分数降低心衰的药物治疗新进展",
                "从“新四联”到 ARNI 的起始与滴定，关注真实世界的用药难点。",
                "huakang",
                "康心衡",
                AccessLevel.VERIFIED_HCP,
                "1.0",
                "",
                ["HFrEF 治疗框架", "ARNI 起始与剂量滴定"],
                None,
            ),
        ],
    ),
    (
        "diabetes",
        "糖尿病与代谢",
        "endocrinology",
        [
            (
                "t2dm-comprehensive",
                "2 型糖尿病的综合管理",
                "血糖、血压、血脂与体重的综合达标策略。",
                "",
                "",
                AccessLevel.PUBLIC,
                "1.5",
                "",
                ["综合控制目标", "生活方式干预", "降糖药物的选择"],
                QUIZ_T2DM,
            ),
            (
                "glp1-ra-practice",
                "GLP-1 受体激动剂的临床应用",
                "适应证、起始剂量、胃肠道反应管理与心血管获益证据。",
                "ruide",
                "瑞格泰",
                AccessLevel.VERIFIED_HCP,
                "1.0",
                "",
                ["作用机制与循证证据", "起始、滴定与不良反应管理"],
                None,
            ),
        ],
    ),
    (
        "oncology",
        "肿瘤精准治疗",
        "oncology",
        [
            (
                "egfr-nsclc",
                "EGFR 突变非小细胞肺癌的靶向治疗",
                "基因检测规范、一线靶向治疗选择与耐药后的策略。",
                "ruide",
                "瑞肺宁",
                AccessLevel.VERIFIED_HCP,
                "2.0",
                "",
                ["基因检测与结果解读", "一线治疗选择", "耐药机制与后续治疗"],
                None,
            ),
        ],
    ),
]


def seed_academy(*, log: Callable[[str], None]) -> dict[str, int]:
    """Build the academy demo; returns counts of what it created."""
    created = {"courses": 0, "lessons": 0}
    videos = _videos(log)
    index = _academy_index()
    speakers = [_speaker(*row) for row in SPEAKERS]
    campaigns = {code: _campaign(code) for code in ("huakang", "ruide")}
    setup_mlr_workflow()
    for number, (slug, title, area_code, courses) in enumerate(CATALOG):
        area = TherapeuticArea.objects.get(code=area_code)
        series = _child(index, CourseSeriesPage, slug, title=title, therapeutic_area=area, intro=f"<p>{title}系列课程。</p>")
        for position, row in enumerate(courses):
            course_slug, course_title, summary, sponsor_code, brand, access, credits, cme, lesson_titles, quiz = row
            existed = CoursePage.objects.filter(slug=course_slug).exists()
            course = _course(series, row, area, campaigns, speakers[(number + position) % len(speakers) :][:2] or speakers[:2])
            for lesson_number, lesson_title in enumerate(lesson_titles):
                seconds = VIDEO_SECONDS[(lesson_number + position) % len(VIDEO_SECONDS)]
                _child(
                    course,
                    LessonPage,
                    f"lesson-{lesson_number + 1}",
                    title=lesson_title,
                    summary=f"{course_title}：{lesson_title}",
                    video_url=videos[seconds],
                    duration_seconds=seconds,
                    chapters=[
                        {"type": "chapter", "value": {"start_seconds": 0, "title": "导入"}},
                        {"type": "chapter", "value": {"start_seconds": seconds // 2, "title": "要点"}},
                    ],
                    transcript=f"<p>本讲围绕“{lesson_title}”展开。</p>",
                )
                created["lessons"] += 0 if existed else 1
            if quiz:
                _child(
                    course,
                    QuizPage,
                    "quiz",
                    title="课后测验",
                    intro="<p>完成全部课时后参加测验，80 分及格。</p>",
                    questions=_questions(quiz),
                )
            _approve(course)
            created["courses"] += 0 if existed else 1
    _learning_history(log)
    for key, count in seed_circles(_LogWriter(log), random.Random(2026)).items():
        created[f"circles.{key}"] = count
    log(f"  academy: {CoursePage.objects.count()} courses, {LessonPage.objects.count()} lessons")
    return created


def _videos(log) -> dict[int, str]:
    folder = Path(settings.MEDIA_ROOT) / "academy" / "demo"
    urls = {}
    for tint, seconds in enumerate(VIDEO_SECONDS):
        path = folder / f"lesson-{seconds}s.webm"
        if not path.exists():
            log(f"  generating demo lesson video {path.name} …")
        lesson_video(path, seconds=seconds, tint=tint)
        urls[seconds] = f"{settings.MEDIA_URL}academy/demo/{path.name}"
    return urls


def _academy_index() -> AcademyIndexPage:
    index = AcademyIndexPage.objects.first()
    if index is None:
        root = Site.objects.get(is_default_site=True).root_page
        index = AcademyIndexPage(
            title="杏林学院", slug="academy", intro="<p>面向医生的学术课程：指南解读、病例精讲与前沿进展。</p>"
        )
        root.add_child(instance=index)
        index.save_revision().publish()
    return index


def _child(parent: Page, model, slug: str, **fields):
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _speaker(name, title, hospital, department) -> Speaker:
    speaker, _ = Speaker.objects.get_or_create(
        name=name, defaults={"title": title, "hospital": hospital, "department": department}
    )
    return speaker


def _campaign(code: str) -> CampaignReference:
    sponsor = Sponsor.objects.get(code=code)
    today = timezone.localdate()
    name = {"huakang": "华康心血管学术季", "ruide": "瑞德代谢与肿瘤学术年"}[code]
    campaign, _ = Campaign.objects.with_scopes_disabled().get_or_create(
        sponsor=sponsor,
        code=f"{code}-academy-{today.year}",
        defaults={
            "name": name,
            "starts_on": today - datetime.timedelta(days=60),
            "ends_on": today + datetime.timedelta(days=240),
            "points_budget": 200_000,
            "status": Campaign.Status.ACTIVE,
        },
    )
    return CampaignReference.objects.get(pk=campaign.pk)


def _course(series, row, area, campaigns, speakers) -> CoursePage:
    slug, title, summary, sponsor_code, brand, access, credits, cme, _lessons, _quiz = row
    existing = CoursePage.objects.child_of(series).filter(slug=slug).first()
    if existing is not None:
        return existing
    sponsor = Sponsor.objects.get(code=sponsor_code) if sponsor_code else None
    course = CoursePage(
        slug=slug,
        title=title,
        summary=summary,
        body=f"<p>{summary}</p><p>本课程面向临床医生，内容依据现行指南与说明书编写。</p>",
        therapeutic_area=area,
        access_level=access,
        platform_credits=credits,
        cme_class=cme,
        cme_credits="1.0" if cme else None,
        cme_project_code="2026-03-01-088 (国)" if cme else "",
        sponsor=sponsor,
        campaign=campaigns.get(sponsor_code),
    )
    if sponsor is not None:
        product = Product.objects.with_scopes_disabled().get(sponsor=sponsor, brand_name=brand)
        course.products = [ProductReference.objects.get(pk=product.pk)]
        course.prescribing_information = list(PrescribingInformationReference.objects.filter(product=product, is_current=True))
    course.course_speakers = [
        CourseSpeaker(speaker=speaker, role="主讲" if i == 0 else "点评") for i, speaker in enumerate(speakers)
    ]
    series.add_child(instance=course)
    course.save_revision().publish()
    course.refresh_from_db()
    return course


def _approve(course: CoursePage) -> None:
    """Run a sponsored course, its lessons and quiz through the real MLR workflow (the sponsor's demo reviewer signs)."""
    if course.sponsor_id is None:
        return
    reviewer = User.objects.filter(sponsor_id=course.sponsor_id, role_assignments__role=Role.MLR_REVIEWER).order_by("pk").first()
    expires_on = timezone.localdate() + datetime.timedelta(days=365)
    for page in [course, *LessonPage.objects.child_of(course), *QuizPage.objects.child_of(course)]:
        if not page.specific.approval_is_current():
            approve_for_demo(page, reviewer, expires_on=expires_on)


def _questions(rows) -> list[dict]:
    return [
        {
            "type": kind,
            "value": {
                "prompt": prompt,
                "choices": [{"text": text, "correct": correct} for text, correct in choices],
                "explanation": why,
            },
        }
        for kind, prompt, choices, why in rows
    ]


def _learning_history(log) -> None:
    """The demo doctor finished the diabetes course (certificate) and is half-way through the hypertension one."""
    doctor = User.objects.filter(email=f"doctor@{DEMO_EMAIL_DOMAIN}").first()
    if doctor is None:
        return
    finished = CoursePage.objects.filter(slug="t2dm-comprehensive").first()
    started = CoursePage.objects.filter(slug="hypertension-guideline-2024").first()
    anchor = timezone.now() - datetime.timedelta(days=3)
    for course, lessons_to_watch in ((finished, None), (started, 1)):
        if course is None:
            continue
        lessons = list(LessonPage.objects.child_of(course).live().order_by("path"))[:lessons_to_watch]
        for number, lesson in enumerate(lessons):
            _watch(
                doctor, lesson, session=f"demo-{course.pk}-{lesson.pk}", start=anchor + datetime.timedelta(minutes=10 * number)
            )
        quiz = QuizPage.objects.child_of(course).live().first()
        if quiz is not None and lessons_to_watch is None:
            answers = {b.id: [i for i, c in enumerate(b.value["choices"]) if c["correct"]] for b in quiz.questions}
            quiz_attempt_submit(user=doctor, quiz=quiz, answers=answers, attempt_key=f"demo-{quiz.pk}")
    log("  academy: demo doctor has one completed course (certificate) and one in progress")


def _watch(user, lesson, *, session: str, start) -> None:
    for seq, wall in enumerate(range(0, lesson.duration_seconds + 15, 15)):
        beat = HeartbeatInput(session, seq, float(min(wall, lesson.duration_seconds)), True, 1.0, True)
        heartbeat_record(user=user, lesson=lesson, beat=beat, now=start + datetime.timedelta(seconds=wall))


class _LogWriter:
    """Adapts the seeders' log function to the stdout-like object seed_circles writes to."""

    def __init__(self, log: Callable[[str], None]):
        self.log = log

    def write(self, message: str) -> None:
        self.log(message.rstrip("\n"))
