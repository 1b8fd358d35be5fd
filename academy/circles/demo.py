"""Demo case circles: six circles (one sponsor-supported) with de-identified cases, threads, expert
answers, likes, an open report for the moderation queue and one draft held by the guard.

Everything goes through the services (guard, AE screening, audit, events), as a doctor's actions would.
Idempotent: circles are keyed by slug, and a circle that exists is left as it is. `seed_demo` calls
`seed_circles(stdout, rng)` after the people exist.
"""

import random
from datetime import timedelta

from django.utils import timezone

from academy.circles import services
from academy.circles.models import CaseComment, CasePost, Circle, Status
from platform_core.models import DoctorProfile, Sponsor, TherapeuticArea, User, VerificationStatus
from platform_core.roles import Role

SEED_REASON = "演示数据初始化（seed_demo）"
NAMED_DOCTOR_LOGINS = {"cardiology": "demo.doctor", "endocrinology": "demo.doctor.mobile"}

# slug, name, kind, department, therapeutic area, sponsor code, description
CIRCLES = [
    (
        "cardiology-cases",
        "心血管病例讨论",
        Circle.Kind.SPECIALTY,
        "cardiology",
        "cardiology",
        None,
        "冠心病、心衰、心律失常与血脂管理的疑难及典型病例交流，欢迎心内科及相关科室同道参与。",
    ),
    (
        "diabetes-metabolism",
        "糖尿病与代谢",
        Circle.Kind.DISEASE,
        "endocrinology",
        "endocrinology",
        "huakang",
        "2 型糖尿病综合管理、降糖方案调整、并发症筛查与心肾保护的病例讨论。",
    ),
    (
        "oncology-mdt",
        "肿瘤MDT",
        Circle.Kind.SPECIALTY,
        "oncology",
        "oncology",
        None,
        "以多学科诊疗（MDT）视角讨论肺癌、消化道肿瘤等病例的诊断、分期与治疗决策。",
    ),
    (
        "respiratory-critical-care",
        "呼吸与危重症",
        Circle.Kind.SPECIALTY,
        "respiratory",
        "respiratory",
        None,
        "慢阻肺、哮喘、重症肺炎及呼吸衰竭的诊治经验分享。",
    ),
    (
        "neurology-difficult",
        "神经内科疑难病例",
        Circle.Kind.SPECIALTY,
        "neurology",
        "neurology",
        None,
        "脑血管病、癫痫、周围神经病等疑难病例的定位定性诊断讨论。",
    ),
    (
        "primary-care",
        "基层全科病例交流",
        Circle.Kind.SPECIALTY,
        "general_practice",
        None,
        None,
        "面向社区卫生服务中心与基层医疗机构，交流慢病管理与转诊时机。",
    ),
]

# circle slug -> cases: (title, fields, [comments as (text, [replies]), ...], expert comment index or None)
CASES = {
    "cardiology-cases": [
        (
            "中年男性反复胸痛3天，心电图动态改变",
            {
                "chief_complaint": "反复胸骨后压榨样疼痛3天，加重6小时。",
                "history": "患者男，56岁，高血压病史10年，吸烟30年。3天前活动后出现胸骨后疼痛，每次持续5-10分钟，休息可缓解；"
                "6小时前静息状态下再发，持续约20分钟，伴大汗。",
                "examination": "BP 152/94 mmHg，HR 88次/分，双肺呼吸音清，心律齐，未闻及杂音。",
                "investigations": "心电图：V2-V5 导联 ST 段压低 0.1-0.2 mV；高敏肌钙蛋白 I 首次 0.08 ng/mL，3小时后 0.31 ng/mL。"
                "LDL-C 3.9 mmol/L。",
                "diagnosis": "急性非 ST 段抬高型心肌梗死（NSTEMI），GRACE 评分 142 分。",
                "treatment": "阿司匹林+替格瑞洛双联抗血小板，低分子肝素抗凝，阿托伐他汀 40 mg 强化降脂，24小时内行冠脉造影。",
                "outcome": "造影示前降支近段 90% 狭窄，植入支架 1 枚，术后胸痛缓解。",
                "question": "GRACE 评分 140 以上的 NSTEMI，早期侵入策略的时间窗大家一般如何把握？",
            },
            [
                (
                    "指南推荐 GRACE >140 为高危，建议 24 小时内早期侵入治疗，本例处理很规范。",
                    ["同意，我们中心也是 24 小时内完成造影。"],
                ),
                ("LDL-C 目标值建议 <1.4 mmol/L，出院后 4-6 周复查，必要时联合依折麦布。", []),
                ("术后双抗疗程建议 12 个月，注意评估出血风险（PRECISE-DAPT）。", []),
            ],
            0,
        ),
        (
            "射血分数降低的心衰患者反复住院，如何优化药物治疗？",
            {
                "chief_complaint": "活动后气促 2 年，加重伴双下肢水肿 1 周。",
                "history": "患者女，68岁，扩张型心肌病病史 2 年，LVEF 32%。近一年因心衰加重住院 3 次。"
                "目前服用呋塞米、螺内酯、美托洛尔缓释片 47.5 mg qd。",
                "examination": "BP 108/70 mmHg，HR 92次/分，双肺底湿啰音，双下肢凹陷性水肿。",
                "investigations": "NT-proBNP 4860 pg/mL；血肌酐 98 μmol/L，血钾 4.6 mmol/L；超声心动图 LVEF 30%。",
                "diagnosis": "慢性心力衰竭急性加重（HFrEF），NYHA III 级。",
                "treatment": "静脉利尿减轻容量负荷，评估后启动 ARNI，并加用 SGLT2 抑制剂。",
                "outcome": "",
                "question": "血压偏低（SBP 105-110 mmHg）时，四联药物的启动顺序和剂量滴定大家有什么经验？",
            },
            [
                ("可先在容量纠正后从小剂量 ARNI 开始，SGLT2i 对血压影响小，可同期启动。", ["谢谢，准备先用最小剂量试试。"]),
                ("心率仍偏快，β 受体阻滞剂可以继续上调，注意与利尿剂的平衡。", []),
            ],
            0,
        ),
    ],
    "diabetes-metabolism": [
        (
            "2 型糖尿病合并肥胖，二甲双胍单药控制不佳",
            {
                "chief_complaint": "发现血糖升高 5 年，近 3 个月空腹血糖 9-10 mmol/L。",
                "history": "患者男，47岁，BMI 31.2 kg/m²，2 型糖尿病 5 年，规律服用二甲双胍 1.0 g bid。"
                "合并高血压、脂肪肝，无心血管事件史。",
                "examination": "BP 138/86 mmHg，腰围 104 cm。",
                "investigations": "HbA1c 8.6%；eGFR 92 mL/min/1.73m²；尿白蛋白/肌酐比 45 mg/g。",
                "diagnosis": "2 型糖尿病，肥胖，早期糖尿病肾病（A2）。",
                "treatment": "在生活方式干预基础上，考虑加用 GLP-1 受体激动剂或 SGLT2 抑制剂。",
                "outcome": "",
                "question": "合并蛋白尿和肥胖时，优先选择 GLP-1RA 还是 SGLT2i？能否联合？",
            },
            [
                ("有蛋白尿首选具有肾脏获益证据的 SGLT2i，体重管理需求大可再联合 GLP-1RA。", []),
                (
                    "两者机制互补，联合使用在指南中也有推荐，注意胃肠道反应和生殖道感染的宣教。",
                    ["宣教很重要，我们会发放患者随访手册。"],
                ),
            ],
            0,
        ),
        (
            "老年糖尿病患者反复低血糖，如何调整方案？",
            {
                "chief_complaint": "夜间心慌、出汗 2 周。",
                "history": "患者女，76岁，2 型糖尿病 15 年，使用预混胰岛素 bid，近期进食减少。独居，认知功能轻度下降。",
                "examination": "神清，BMI 21 kg/m²。",
                "investigations": "动态血糖监测示夜间 2-4 点血糖 3.1-3.6 mmol/L；HbA1c 6.4%；eGFR 48 mL/min/1.73m²。",
                "diagnosis": "2 型糖尿病，反复低血糖，慢性肾脏病 3a 期。",
                "treatment": "停用预混胰岛素，改为基础胰岛素小剂量联合 DPP-4 抑制剂。",
                "outcome": "调整 2 周后未再发生低血糖，空腹血糖 6-8 mmol/L。",
                "question": "老年、独居、认知下降的患者，HbA1c 目标大家一般定在多少？",
            },
            [
                ("此类患者可放宽至 <8.0%，首要目标是避免低血糖。", []),
                ("建议家属或社区医生参与随访，必要时使用连续血糖监测。", []),
            ],
            0,
        ),
    ],
    "oncology-mdt": [
        (
            "肺腺癌 EGFR 19 外显子缺失，一线治疗选择",
            {
                "chief_complaint": "咳嗽 2 个月，发现肺部占位 2 周。",
                "history": "患者女，58岁，不吸烟。2 个月前出现刺激性干咳，胸部 CT 示右肺上叶占位。",
                "examination": "ECOG 评分 1 分，浅表淋巴结未触及肿大。",
                "investigations": "CT 引导下穿刺病理：浸润性腺癌；基因检测 EGFR 19 外显子缺失；头颅 MRI 见 2 处小转移灶，无症状。"
                "分期 cT2aN2M1b，IVA 期。",
                "diagnosis": "右肺腺癌 IVA 期，EGFR 19del，脑转移。",
                "treatment": "拟一线使用第三代 EGFR-TKI。",
                "outcome": "",
                "question": "无症状脑转移灶是否需要同期局部放疗？还是先观察 TKI 颅内疗效？",
            },
            [
                ("三代 TKI 颅内控制率高，无症状小病灶可先观察，6-8 周复查 MRI。", ["同意，放疗可留作进展后的选择。"]),
                ("建议 MDT 中请放疗科评估，若病灶靠近功能区也可考虑 SRS。", []),
            ],
            0,
        ),
        (
            "晚期结肠癌一线治疗后进展，二线方案讨论",
            {
                "chief_complaint": "结肠癌术后 2 年，CEA 进行性升高。",
                "history": "患者男，63岁，乙状结肠癌根治术后，RAS 野生型，BRAF 野生型，MSS。"
                "一线 FOLFOX 联合靶向治疗 8 个月后进展。",
                "examination": "ECOG 1 分。",
                "investigations": "CEA 86 ng/mL；增强 CT 示肝内多发转移，最大 3.2 cm。",
                "diagnosis": "乙状结肠癌术后肝转移，一线治疗后进展。",
                "treatment": "拟二线 FOLFIRI 联合抗血管生成治疗。",
                "outcome": "",
                "question": "肝转移灶潜在可切除吗？二线治疗后是否有转化手术机会？",
            },
            [("建议肝胆外科共同阅片，若转移灶局限于单叶，转化治疗后有手术机会。", [])],
            None,
        ),
    ],
    "respiratory-critical-care": [
        (
            "慢阻肺急性加重合并 II 型呼吸衰竭",
            {
                "chief_complaint": "反复咳嗽咳痰 10 年，气促加重 3 天。",
                "history": "患者男，72岁，慢阻肺病史 10 年，GOLD 3 级，长期吸入 LAMA/LABA。3 天前受凉后痰量增多、呈脓性。",
                "examination": "嗜睡，口唇发绀，桶状胸，双肺哮鸣音及湿啰音。",
                "investigations": "血气：pH 7.28，PaCO2 72 mmHg，PaO2 52 mmHg；血常规 WBC 13.2×10^9/L；胸片未见新发浸润影。",
                "diagnosis": "慢阻肺急性加重，II 型呼吸衰竭。",
                "treatment": "无创正压通气（NPPV），雾化支气管舒张剂，全身糖皮质激素，经验性抗感染。",
                "outcome": "NPPV 4 小时后 pH 7.34，意识好转，7 天后出院。",
                "question": "NPPV 失败的早期预警指标大家关注哪些？何时果断插管？",
            },
            [
                ("1-2 小时内 pH、呼吸频率无改善，或意识障碍加重，应尽早插管。", ["补充：痰多无法自主排出也是重要指征。"]),
                ("出院后建议评估家庭无创通气，可降低再入院率。", []),
            ],
            0,
        ),
    ],
    "neurology-difficult": [
        (
            "急性缺血性卒中，发病 5 小时，溶栓后神经功能恶化",
            {
                "chief_complaint": "突发右侧肢体无力伴言语不清 5 小时。",
                "history": "患者男，65岁，房颤病史，未规律抗凝。",
                "examination": "NIHSS 14 分，右侧中枢性面舌瘫，右侧肢体肌力 2 级，混合性失语。",
                "investigations": "头颅 CT 未见出血；CTA 示左侧大脑中动脉 M1 段闭塞。",
                "diagnosis": "急性缺血性卒中（心源性栓塞），左 MCA M1 闭塞。",
                "treatment": "静脉溶栓后桥接血管内取栓，TICI 2b 再通。",
                "outcome": "术后 24 小时 NIHSS 8 分，复查 CT 少量出血转化（HI1）。",
                "question": "出血转化 HI1 型，房颤抗凝的启动时机如何选择？",
            },
            [("按 1-3-6-12 天原则，中度卒中伴 HI1 可在 6 天左右复查影像后启动 NOAC。", [])],
            0,
        ),
    ],
    "primary-care": [
        (
            "社区高血压患者血压控制不佳，何时转诊？",
            {
                "chief_complaint": "高血压 8 年，近 1 个月家庭自测血压 160-170/95-100 mmHg。",
                "history": "患者女，59岁，服用氨氯地平 5 mg qd，依从性良好。近期睡眠差，夜尿增多。",
                "examination": "BP 166/98 mmHg，BMI 27 kg/m²。",
                "investigations": "血钾 3.3 mmol/L；血肌酐 76 μmol/L；尿常规蛋白阴性。",
                "diagnosis": "高血压 2 级，低钾血症原因待查。",
                "treatment": "加用 ARB，建议完善醛固酮/肾素比值筛查。",
                "outcome": "",
                "question": "低钾合并难治性高血压，基层能先做哪些检查？什么情况必须转诊？",
            },
            [
                ("基层可先查 ARR，注意检查前纠正低钾并停用影响药物；阳性者转上级医院确诊。", []),
                ("血压 ≥180/110 或有靶器官急性损害时应立即转诊。", []),
            ],
            0,
        ),
    ],
}

AE_CASE = (
    "cardiology-cases",
    "他汀加量后肌痛伴 CK 升高",
    {
        "chief_complaint": "双下肢肌肉酸痛 1 周。",
        "history": "患者男，61岁，冠心病 PCI 术后。1 个月前阿托伐他汀钙片由 20 mg 加量至 40 mg，1 周前出现双下肢肌痛、乏力。",
        "examination": "双侧股四头肌压痛，肌力 5-。",
        "investigations": "CK 1260 U/L（约 6 倍正常上限），肝功能正常，TSH 正常。",
        "diagnosis": "他汀相关肌病。",
        "treatment": "暂停他汀，监测 CK；恢复后改为低剂量他汀联合依折麦布。",
        "outcome": "停药 2 周后肌痛缓解，CK 降至 210 U/L。",
        "question": "他汀相关肌病恢复后，再挑战的方案大家如何选择？",
    },
)

HELD_DRAFT = (
    "cardiology-cases",
    "房颤射频消融术后复发（草稿）",
    {
        "chief_complaint": "阵发性心悸 3 个月。",
        "history": "患者王建国，男，63岁，联系电话 139 1234 5678，住院号：2025031842。房颤射频消融术后 6 个月复发。",
        "question": "消融术后复发，再次消融还是药物维持？",
    },
)


def _doctors_by_department(rng: random.Random) -> dict[str, list[User]]:
    profiles = DoctorProfile.objects.filter(verification_status=VerificationStatus.VERIFIED).select_related("user")
    grouped: dict[str, list[User]] = {}
    for profile in profiles.order_by("user_id"):
        grouped.setdefault(profile.department or "general_practice", []).append(profile.user)
    for doctors in grouped.values():
        rng.shuffle(doctors)
    return grouped


def _named(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def seed_circles(stdout, rng: random.Random) -> dict[str, int]:
    """Create the demo circles with members, cases, threads, likes, a report and a held draft. Idempotent."""
    moderator = User.objects.filter(role_assignments__role=Role.MODERATOR).order_by("pk").first()
    if moderator is None:
        stdout.write("  circles: no platform moderator in the demo data; skipped")
        return {}
    existing = set(Circle.objects.filter(slug__in=[spec[0] for spec in CIRCLES]).values_list("slug", flat=True))
    by_department = _doctors_by_department(rng)
    everyone = [doctor for doctors in by_department.values() for doctor in doctors]
    counts = {"circles": 0, "members": 0, "cases": 0, "comments": 0}
    now = timezone.now()
    for slug, name, kind, department, area_code, sponsor_code, description in CIRCLES:
        if slug in existing:
            continue
        circle = services.circle_create(
            actor=moderator,
            slug=slug,
            name=name,
            description=description,
            kind=kind,
            department=department,
            therapeutic_area=TherapeuticArea.objects.filter(code=area_code).first() if area_code else None,
            sponsor=Sponsor.objects.filter(code=sponsor_code).first() if sponsor_code else None,
        )
        counts["circles"] += 1
        members = list(by_department.get(department, [])[:24]) + rng.sample(everyone, min(6, len(everyone)))
        named = _named(NAMED_DOCTOR_LOGINS.get(department, ""))
        if named is not None:
            members.insert(0, named)
        members = list(dict.fromkeys(members))
        if len(members) < 4:
            stdout.write(f"  circles: too few verified doctors for {name}; left empty")
            continue
        for doctor in members:
            services.circle_join(actor=doctor, circle_id=circle.pk)
        counts["members"] += len(members)
        chief = next((doctor for doctor in members[1:] if doctor != named), members[1])
        services.circle_moderator_appoint(actor=moderator, circle_id=circle.pk, user=chief, reason=SEED_REASON)

        for position, (title, fields, comments, expert_index) in enumerate(CASES.get(slug, [])):
            author = members[0] if position == 0 and named is not None else rng.choice(members[2:])
            post = services.post_save(actor=author, circle_id=circle.pk, fields={"title": title, **fields}, publish=True).item
            counts["cases"] += 1
            commenters = [doctor for doctor in members if doctor != author]
            created = []
            for text, replies in comments:
                commenter = chief if len(created) == 0 else rng.choice(commenters)
                comment = services.comment_save(actor=commenter, post_id=post.pk, body=text).item
                created.append(comment)
                for reply in replies:
                    services.comment_save(actor=author, post_id=post.pk, parent_id=comment.pk, body=reply)
                    counts["comments"] += 1
                counts["comments"] += 1
            if expert_index is not None and created:
                services.comment_expert_answer_set(actor=author, comment_id=created[expert_index].pk, marked=True)
            for liker in rng.sample(commenters, min(len(commenters), rng.randint(3, 12))):
                services.like_set(actor=liker, post_id=post.pk, liked=True)
            for follower in rng.sample(commenters, min(len(commenters), rng.randint(1, 5))):
                services.post_follow_set(actor=follower, post_id=post.pk, following=True)
            _backdate(post, now - timedelta(days=rng.randint(2, 40), hours=rng.randint(0, 10)))

        if slug == AE_CASE[0]:
            author = rng.choice(members[2:])
            post = services.post_save(
                actor=author, circle_id=circle.pk, fields={"title": AE_CASE[1], **AE_CASE[2]}, publish=True
            ).item
            reporter = next(doctor for doctor in members if doctor not in (author, chief))
            services.report_file(
                actor=reporter, post_id=post.pk, reason="adverse_event", note="病例描述了疑似药物不良反应，请版主关注是否需上报。"
            )
            counts["cases"] += 1
            if named is not None:
                services.post_save(
                    actor=named, circle_id=circle.pk, fields={"title": HELD_DRAFT[1], **HELD_DRAFT[2]}, publish=True
                )
    stdout.write("  circles: {circles} circles, {members} memberships, {cases} cases, {comments} comments".format(**counts))
    return counts


def _backdate(post: CasePost, published_at) -> None:
    """Spread the demo cases over the past weeks (their threads follow within hours)."""
    CasePost.objects.filter(pk=post.pk).update(published_at=published_at, created_at=published_at)
    for offset, comment in enumerate(CaseComment.objects.filter(post=post, status=Status.PUBLISHED).order_by("id"), start=1):
        moment = published_at + timedelta(hours=offset * 3)
        CaseComment.objects.filter(pk=comment.pk).update(published_at=moment, created_at=moment)
