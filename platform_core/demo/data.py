"""Tables the demo builder draws from: fictional sponsors and products, real geography with
pattern-built hospital names, common Chinese names (with pinyin, so no dictionary is loaded),
departments, titles and the page catalogue the simulated interactions visit.

Everything here is invented for demonstration: the companies, brands, universities and people
do not exist. Generic drug names are real INNs so the products read as plausible.
"""

from platform_core.models import Department, HospitalLevel, ProfessionalTitle
from platform_core.roles import Role

DEMO_PASSWORD = "Apricot@2026"  # 杏 = apricot; "Xinglin@…" fails the similarity check against the e-mails
DEMO_EMAIL_DOMAIN = "demo.xinglin.cn"

# --- Therapeutic areas --------------------------------------------------------------------------
# (code, name_zh, name_en)
THERAPEUTIC_AREAS = [
    ("cardiology", "心血管", "Cardiology"),
    ("endocrinology", "内分泌与代谢（糖尿病）", "Endocrinology & diabetes"),
    ("oncology", "肿瘤", "Oncology"),
    ("respiratory", "呼吸", "Respiratory"),
    ("neurology", "神经", "Neurology"),
    ("gastroenterology", "消化", "Gastroenterology"),
    ("nephrology", "肾脏", "Nephrology"),
    ("rheumatology", "风湿免疫", "Rheumatology & immunology"),
]

DEPARTMENT_ZH = {
    Department.CARDIOLOGY: "心血管内科",
    Department.ENDOCRINOLOGY: "内分泌科",
    Department.ONCOLOGY: "肿瘤科",
    Department.RESPIRATORY: "呼吸与危重症医学科",
    Department.NEUROLOGY: "神经内科",
    Department.GASTROENTEROLOGY: "消化内科",
    Department.NEPHROLOGY: "肾内科",
    Department.RHEUMATOLOGY: "风湿免疫科",
    Department.GENERAL_PRACTICE: "全科",
}

# Department -> therapeutic area it reads most about (general practice reads broadly).
DEPARTMENT_AREA = {
    Department.CARDIOLOGY: "cardiology",
    Department.ENDOCRINOLOGY: "endocrinology",
    Department.ONCOLOGY: "oncology",
    Department.RESPIRATORY: "respiratory",
    Department.NEUROLOGY: "neurology",
    Department.GASTROENTEROLOGY: "gastroenterology",
    Department.NEPHROLOGY: "nephrology",
    Department.RHEUMATOLOGY: "rheumatology",
    Department.GENERAL_PRACTICE: "",
}

# --- Sponsors and products (fictional) ----------------------------------------------------------
SPONSORS = [
    {
        "code": "huakang",
        "abbr": "HK",
        "name": "华康制药",
        "name_en": "Huakang Pharma",
        "pv_contact_email": f"pv@huakang.{DEMO_EMAIL_DOMAIN}",
        "login_slug": "huakang",
    },
    {
        "code": "ruide",
        "abbr": "RD",
        "name": "瑞德生物",
        "name_en": "Ruide Bio",
        "pv_contact_email": f"pv@ruide.{DEMO_EMAIL_DOMAIN}",
        "login_slug": "ruide",
    },
]

# (sponsor code, brand, generic zh, generic en, area, indication, PI versions newest first)
PRODUCTS = [
    (
        "huakang", "康立脂", "阿托伐他汀钙片", "atorvastatin calcium tablets", "cardiology",
        "高胆固醇血症：原发性高胆固醇血症和混合型高脂血症患者，饮食控制及其他非药物治疗效果不满意时。"
        "冠心病或冠心病等危症合并高胆固醇血症患者，降低非致死性心肌梗死、致死性和非致死性卒中的风险。",
        [("2025年3月修订", (2025, 3, 18)), ("2022年9月修订", (2022, 9, 6))],
    ),
    (
        "huakang", "康心衡", "沙库巴曲缬沙坦钠片", "sacubitril/valsartan sodium tablets", "cardiology",
        "用于射血分数降低的慢性心力衰竭（NYHA II–IV 级，LVEF ≤ 40%）成人患者，降低心血管死亡和心力衰竭住院的风险；"
        "亦用于治疗原发性高血压。",
        [("2024年11月修订", (2024, 11, 5))],
    ),
    (
        "huakang", "康糖安", "达格列净片", "dapagliflozin tablets", "endocrinology",
        "2 型糖尿病成人患者在饮食和运动基础上改善血糖控制；伴或不伴 2 型糖尿病的射血分数降低的心力衰竭成人患者，"
        "降低心血管死亡和心衰恶化的风险。",
        [("2025年6月修订", (2025, 6, 20))],
    ),
    (
        "ruide", "瑞格泰", "司美格鲁肽注射液", "semaglutide injection", "endocrinology",
        "适用于成人 2 型糖尿病患者的血糖控制：在饮食和运动基础上，用于单药治疗或与二甲双胍和（或）磺脲类药物联合治疗；"
        "适用于降低伴有心血管疾病的 2 型糖尿病成人患者的主要心血管不良事件风险。",
        [("2025年1月修订", (2025, 1, 9))],
    ),
    (
        "ruide", "瑞肺宁", "甲磺酸奥希替尼片", "osimertinib mesylate tablets", "oncology",
        "表皮生长因子受体（EGFR）外显子 19 缺失或外显子 21（L858R）置换突变的局部晚期或转移性非小细胞肺癌（NSCLC）"
        "成人患者的一线治疗；既往经 EGFR-TKI 治疗进展且 T790M 突变阳性的患者。",
        [("2025年8月修订", (2025, 8, 12)), ("2023年4月修订", (2023, 4, 27))],
    ),
    (
        "ruide", "瑞贝安", "贝伐珠单抗注射液", "bevacizumab injection", "oncology",
        "联合以氟嘧啶为基础的化疗，用于转移性结直肠癌患者的治疗；联合以铂类为基础的化疗，"
        "用于不可切除的晚期、转移性或复发性非鳞状细胞非小细胞肺癌患者的一线治疗。",
        [("2024年7月修订", (2024, 7, 30))],
    ),
]

# --- Geography and hospitals --------------------------------------------------------------------
# Real provinces, cities and districts; licence numbers embed the district's administrative code.
# University names are fictional (poetic names of each city) so no real hospital is impersonated.
CITIES = [
    {
        "province": "北京", "city": "北京", "municipality": True, "weight": 1.4, "university": "京华医科大学",
        "districts": [("东城", "110101", ["和平里", "东四", "东直门"]), ("西城", "110102", ["德胜", "月坛", "展览路"]),
                      ("朝阳", "110105", ["望京", "劲松", "潘家园"]),
                      ("海淀", "110108", ["中关村", "学院路", "万寿路"]),
                      ("丰台", "110106", ["方庄", "右安门"])],
        "rural": ("昌平区", "110114", ["小汤山", "南口"]),
    },
    {
        "province": "上海", "city": "上海", "municipality": True, "weight": 1.4, "university": "申江医科大学",
        "districts": [("黄浦", "310101", ["外滩", "打浦桥", "老西门"]),
                      ("徐汇", "310104", ["天平路", "枫林路", "田林"]),
                      ("静安", "310106", ["南京西路", "曹家渡", "彭浦新村"]),
                      ("浦东新", "310115", ["陆家嘴", "花木", "张江"]),
                      ("杨浦", "310110", ["五角场", "殷行"])],
        "rural": ("崇明区", "310151", ["城桥", "堡镇"]),
    },
    {
        "province": "广东", "city": "广州", "municipality": False, "weight": 1.1, "university": "岭南医科大学",
        "districts": [("越秀", "440104", ["北京街", "东山", "农林"]), ("天河", "440106", ["石牌", "天河南", "员村"]),
                      ("海珠", "440105", ["江南中", "赤岗"]), ("白云", "440111", ["三元里", "同和"])],
        "rural": ("从化区", "440117", ["太平", "鳌头"]),
    },
    {
        "province": "广东", "city": "深圳", "municipality": False, "weight": 0.8, "university": "鹏城医学院",
        "districts": [("福田", "440304", ["华强北", "莲花", "香蜜湖"]), ("南山", "440305", ["粤海", "蛇口", "桃源"]),
                      ("罗湖", "440303", ["东门", "翠竹"]), ("龙岗", "440307", ["坂田", "布吉"])],
        "rural": None,
    },
    {
        "province": "浙江", "city": "杭州", "municipality": False, "weight": 0.9, "university": "之江医科大学",
        "districts": [("上城", "330102", ["湖滨", "清波", "小营"]), ("西湖", "330106", ["北山", "文新", "翠苑"]),
                      ("拱墅", "330105", ["米市巷", "和睦"]), ("滨江", "330108", ["西兴", "长河"])],
        "rural": ("临安区", "330112", ["於潜", "昌化"]),
    },
    {
        "province": "江苏", "city": "南京", "municipality": False, "weight": 0.8, "university": "金陵医科大学",
        "districts": [("鼓楼", "320106", ["湖南路", "宁海路", "中央门"]), ("玄武", "320102", ["新街口", "梅园新村"]),
                      ("秦淮", "320104", ["夫子庙", "月牙湖"]), ("建邺", "320105", ["南苑", "兴隆"])],
        "rural": ("溧水区", "320117", ["洪蓝", "白马"]),
    },
    {
        "province": "四川", "city": "成都", "municipality": False, "weight": 1.0, "university": "蜀都医科大学",
        "districts": [("武侯", "510107", ["玉林", "浆洗街", "火车南站"]), ("锦江", "510104", ["春熙路", "牛市口"]),
                      ("青羊", "510105", ["少城", "草堂"]), ("金牛", "510106", ["抚琴", "荷花池"])],
        "rural": ("双流区", "510116", ["黄甲", "永安"]),
    },
    {
        "province": "湖北", "city": "武汉", "municipality": False, "weight": 0.9, "university": "江城医科大学",
        "districts": [("武昌", "420106", ["中南路", "水果湖", "积玉桥"]), ("江汉", "420103", ["民族街", "唐家墩"]),
                      ("洪山", "420111", ["珞南", "关山"]), ("江岸", "420102", ["大智", "后湖"])],
        "rural": ("黄陂区", "420116", ["前川", "祁家湾"]),
    },
    {
        "province": "山东", "city": "济南", "municipality": False, "weight": 0.6, "university": "泉城医科大学",
        "districts": [("历下", "370102", ["泉城路", "文化东路", "千佛山"]), ("市中", "370103", ["四里村", "舜耕"]),
                      ("槐荫", "370104", ["段店北路", "道德街"])],
        "rural": ("章丘区", "370114", ["明水", "龙山"]),
    },
    {
        "province": "陕西", "city": "西安", "municipality": False, "weight": 0.7, "university": "长安医科大学",
        "districts": [("雁塔", "610113", ["小寨路", "大雁塔", "电子城"]), ("碑林", "610103", ["南院门", "长安路"]),
                      ("新城", "610102", ["西一路", "长乐中路"]), ("莲湖", "610104", ["北院门", "土门"])],
        "rural": ("鄠邑区", "610118", ["甘亭", "余下"]),
    },
    {
        "province": "河南", "city": "郑州", "municipality": False, "weight": 0.8, "university": "中原医科大学",
        "districts": [("金水", "410105", ["经八路", "花园路", "文化路"]), ("二七", "410103", ["建中街", "德化街"]),
                      ("中原", "410102", ["林山寨", "桐柏路"]), ("管城回族", "410104", ["紫荆山南路", "北下街"])],
        "rural": ("中牟县", "410122", ["城关", "白沙"]),
    },
]

# How many doctors a hospital of each level tends to contribute (relative weight per hospital).
LEVEL_WEIGHT = {
    HospitalLevel.TERTIARY_A: 5.0,
    HospitalLevel.TERTIARY_B: 2.6,
    HospitalLevel.SECONDARY_A: 1.8,
    HospitalLevel.SECONDARY_B: 1.1,
    HospitalLevel.PRIMARY: 0.5,
    HospitalLevel.COMMUNITY: 0.9,
}

# --- People -------------------------------------------------------------------------------------
# The most common surnames, roughly by frequency (weights), with pinyin for e-mail handles.
SURNAMES = [
    ("王", "wang", 7.1), ("李", "li", 7.0), ("张", "zhang", 6.8), ("刘", "liu", 5.4), ("陈", "chen", 4.6),
    ("杨", "yang", 3.1), ("黄", "huang", 2.5), ("赵", "zhao", 2.3), ("吴", "wu", 2.1), ("周", "zhou", 2.1),
    ("徐", "xu", 1.7), ("孙", "sun", 1.5), ("马", "ma", 1.5), ("朱", "zhu", 1.4), ("胡", "hu", 1.3),
    ("郭", "guo", 1.2), ("何", "he", 1.2), ("林", "lin", 1.1), ("高", "gao", 1.1), ("罗", "luo", 1.0),
    ("郑", "zheng", 1.0), ("梁", "liang", 0.9), ("谢", "xie", 0.8), ("宋", "song", 0.7), ("唐", "tang", 0.7),
    ("许", "xu", 0.7), ("韩", "han", 0.6), ("冯", "feng", 0.6), ("邓", "deng", 0.6), ("曹", "cao", 0.6),
    ("彭", "peng", 0.6), ("曾", "zeng", 0.5), ("肖", "xiao", 0.5), ("田", "tian", 0.5), ("董", "dong", 0.5),
    ("袁", "yuan", 0.5), ("潘", "pan", 0.4), ("于", "yu", 0.4), ("蒋", "jiang", 0.4), ("蔡", "cai", 0.4),
    ("余", "yu", 0.4), ("杜", "du", 0.4), ("叶", "ye", 0.4), ("程", "cheng", 0.4), ("苏", "su", 0.4),
    ("魏", "wei", 0.4), ("吕", "lv", 0.4), ("丁", "ding", 0.3), ("任", "ren", 0.3), ("沈", "shen", 0.3),
    ("姚", "yao", 0.3), ("卢", "lu", 0.3), ("姜", "jiang", 0.3), ("崔", "cui", 0.3), ("钟", "zhong", 0.3),
    ("谭", "tan", 0.3), ("陆", "lu", 0.3), ("汪", "wang", 0.3), ("范", "fan", 0.3), ("金", "jin", 0.3),
    ("石", "shi", 0.3), ("廖", "liao", 0.3), ("贾", "jia", 0.3), ("夏", "xia", 0.2), ("韦", "wei", 0.2),
    ("方", "fang", 0.2), ("白", "bai", 0.2), ("邹", "zou", 0.2), ("孟", "meng", 0.2), ("熊", "xiong", 0.2),
    ("秦", "qin", 0.2), ("邱", "qiu", 0.2), ("江", "jiang", 0.2), ("尹", "yin", 0.2), ("薛", "xue", 0.2),
    ("段", "duan", 0.2), ("雷", "lei", 0.2), ("侯", "hou", 0.2), ("龙", "long", 0.2), ("史", "shi", 0.2),
    ("陶", "tao", 0.2), ("黎", "li", 0.2), ("贺", "he", 0.2), ("顾", "gu", 0.2), ("毛", "mao", 0.2),
    ("郝", "hao", 0.2), ("龚", "gong", 0.2), ("邵", "shao", 0.2), ("万", "wan", 0.2), ("钱", "qian", 0.2),
    ("严", "yan", 0.2), ("欧阳", "ouyang", 0.1), ("司马", "sima", 0.05),
]

# Characters common in given names (both sexes), with pinyin.
GIVEN_CHARS = [
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("强", "qiang"),
    ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"),
    ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"),
    ("华", "hua"), ("慧", "hui"), ("建", "jian"), ("国", "guo"), ("文", "wen"), ("斌", "bin"), ("宇", "yu"),
    ("浩", "hao"), ("凯", "kai"), ("晨", "chen"), ("婷", "ting"), ("欣", "xin"), ("雪", "xue"), ("琳", "lin"),
    ("晓", "xiao"), ("海", "hai"), ("鹏", "peng"), ("志", "zhi"), ("红", "hong"), ("玉", "yu"), ("兰", "lan"),
    ("佳", "jia"), ("颖", "ying"), ("倩", "qian"), ("梅", "mei"), ("鑫", "xin"), ("波", "bo"), ("辉", "hui"),
    ("东", "dong"), ("俊", "jun"), ("瑞", "rui"), ("雯", "wen"), ("思", "si"), ("嘉", "jia"), ("博", "bo"),
    ("子", "zi"), ("一", "yi"), ("天", "tian"), ("立", "li"), ("成", "cheng"), ("春", "chun"), ("燕", "yan"),
    ("宁", "ning"), ("亮", "liang"), ("峰", "feng"), ("晶", "jing"), ("琦", "qi"), ("彬", "bin"), ("昊", "hao"),
    ("然", "ran"), ("婧", "jing"), ("璐", "lu"), ("蕾", "lei"), ("荣", "rong"), ("振", "zhen"), ("新", "xin"),
    ("永", "yong"), ("健", "jian"), ("宏", "hong"), ("毅", "yi"), ("萍", "ping"), ("莉", "li"), ("岩", "yan"),
]

TITLE_MIX = {
    "top": [(ProfessionalTitle.CHIEF, 15), (ProfessionalTitle.ASSOCIATE_CHIEF, 27),
            (ProfessionalTitle.ATTENDING, 35), (ProfessionalTitle.RESIDENT, 23)],
    "mid": [(ProfessionalTitle.CHIEF, 8), (ProfessionalTitle.ASSOCIATE_CHIEF, 22),
            (ProfessionalTitle.ATTENDING, 42), (ProfessionalTitle.RESIDENT, 28)],
    "grassroots": [(ProfessionalTitle.CHIEF, 2), (ProfessionalTitle.ASSOCIATE_CHIEF, 10),
                   (ProfessionalTitle.ATTENDING, 48), (ProfessionalTitle.RESIDENT, 40)],
}

DEPARTMENT_MIX_HOSPITAL = [
    (Department.CARDIOLOGY, 22), (Department.ENDOCRINOLOGY, 20), (Department.ONCOLOGY, 18),
    (Department.RESPIRATORY, 12), (Department.NEUROLOGY, 8), (Department.GASTROENTEROLOGY, 8),
    (Department.NEPHROLOGY, 5), (Department.RHEUMATOLOGY, 3), (Department.GENERAL_PRACTICE, 4),
]
DEPARTMENT_MIX_GRASSROOTS = [
    (Department.GENERAL_PRACTICE, 78), (Department.CARDIOLOGY, 8), (Department.ENDOCRINOLOGY, 8),
    (Department.RESPIRATORY, 6),
]

SPECIALTIES = {
    Department.CARDIOLOGY: ["冠心病介入治疗", "心力衰竭", "高血压", "心律失常与起搏", "血脂异常管理", "心脏康复"],
    Department.ENDOCRINOLOGY: ["2型糖尿病", "糖尿病并发症", "甲状腺疾病", "肥胖与代谢", "骨质疏松", "垂体与肾上腺疾病"],
    Department.ONCOLOGY: ["肺癌", "乳腺癌", "结直肠癌", "消化道肿瘤", "肿瘤免疫治疗", "靶向治疗"],
    Department.RESPIRATORY: ["慢性阻塞性肺疾病", "支气管哮喘", "肺部感染", "间质性肺病", "呼吸危重症", "肺结节"],
    Department.NEUROLOGY: ["脑血管病", "癫痫", "帕金森病", "认知障碍", "头痛"],
    Department.GASTROENTEROLOGY: ["炎症性肠病", "消化内镜", "肝病", "胃食管反流病"],
    Department.NEPHROLOGY: ["慢性肾脏病", "糖尿病肾病", "血液净化", "肾小球疾病"],
    Department.RHEUMATOLOGY: ["类风湿关节炎", "系统性红斑狼疮", "痛风", "强直性脊柱炎"],
    Department.GENERAL_PRACTICE: ["慢病管理", "高血压与糖尿病随访", "家庭医生签约服务", "老年健康管理"],
}

REJECTION_REASONS = [
    "执业证书照片模糊，无法辨认证书编号，请重新上传清晰照片。",
    "执业证书上的执业机构与填写的医院不一致，请核对后重新提交。",
    "上传的图片不是医师执业证书，请上传执业证书首页及注册变更页。",
    "证书编号与医师执业注册信息查询结果不符，请核对证书编号。",
]

MOBILE_PREFIXES = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156",
    "157", "158", "159", "166", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "199",
]

DEVICES = [("wechat", 46), ("android", 21), ("ios", 19), ("pc", 14)]

# --- Named demo accounts (fixed logins) ---------------------------------------------------------
# key, role, sponsor code (or None), login, name, zh role label, en role label
NAMED_DOCTORS = [
    {
        "key": "doctor", "login": f"doctor@{DEMO_EMAIL_DOMAIN}", "username": "demo.doctor", "name": "张明远",
        "city": "北京", "hospital_kind": "uni1", "department": Department.CARDIOLOGY,
        "title": ProfessionalTitle.ATTENDING, "specialty": "冠心病与血脂管理",
        "consents": [("huakang", "sponsor_data_sharing"), ("huakang", "sponsor_contact")],
        "role_zh": "医生（已认证）", "role_en": "Doctor (verified)",
    },
    {
        "key": "doctor_mobile", "login": "13800138000", "username": "demo.doctor.mobile", "name": "李婉清",
        "city": "杭州", "hospital_kind": "city1", "department": Department.ENDOCRINOLOGY,
        "title": ProfessionalTitle.ASSOCIATE_CHIEF, "specialty": "2型糖尿病",
        "consents": [("ruide", "sponsor_data_sharing"), ("ruide", "sponsor_contact")],
        "role_zh": "医生（手机号登录）", "role_en": "Doctor (mobile login)",
    },
]

NAMED_STAFF = [
    # key, roles, sponsor, login, username, name, zh, en, staff/superuser
    ("admin", [Role.PLATFORM_ADMIN], None, f"admin@{DEMO_EMAIL_DOMAIN}", "admin", "周立群",
     "平台管理员", "Platform admin", True),
    ("rep.huakang", [Role.REP], "huakang", f"rep.huakang@{DEMO_EMAIL_DOMAIN}", "rep.huakang", "陈浩然",
     "医药代表", "Medical rep", False),
    ("manager.huakang", [Role.MANAGER], "huakang", f"manager.huakang@{DEMO_EMAIL_DOMAIN}", "manager.huakang",
     "刘思雨", "市场经理", "Marketing manager", False),
    ("rep.ruide", [Role.REP], "ruide", f"rep.ruide@{DEMO_EMAIL_DOMAIN}", "rep.ruide", "王嘉怡",
     "医药代表", "Medical rep", False),
    ("manager.ruide", [Role.MANAGER], "ruide", f"manager.ruide@{DEMO_EMAIL_DOMAIN}", "manager.ruide", "赵一鸣",
     "市场经理", "Marketing manager", False),
    ("mlr", [Role.MLR_REVIEWER], "huakang", f"mlr@{DEMO_EMAIL_DOMAIN}", "mlr.huakang", "孙静怡",
     "医学/法务/注册审核", "MLR reviewer", False),
    ("pv", [Role.PV_OFFICER], None, f"pv@{DEMO_EMAIL_DOMAIN}", "pv.officer", "郑晓燕",
     "药物警戒专员", "PV officer", False),
    ("verifier", [Role.VERIFIER], None, f"verifier@{DEMO_EMAIL_DOMAIN}", "verifier", "何文博",
     "医生认证审核员", "HCP verifier", False),
    ("editor", [Role.EDITOR], None, f"editor@{DEMO_EMAIL_DOMAIN}", "editor", "林佳慧",
     "内容编辑", "Content editor", False),
    ("moderator", [Role.MODERATOR], None, f"moderator@{DEMO_EMAIL_DOMAIN}", "moderator", "黄志强",
     "病例圈版主", "Moderator", False),
]

# Extra sponsor staff created in bulk (besides the named rep and manager of each sponsor).
REPS_PER_SPONSOR = 10
EXTRA_MANAGERS = {"huakang": 1, "ruide": 0}

# --- Adverse-event texts a doctor wrote in feedback (screened into the PV queue) ----------------
AE_FEEDBACK = [
    (
        "demo-feedback-0001",
        "门诊一位58岁女性患者服用康立脂（阿托伐他汀钙片）20mg 每晚一次，约两周后出现双上肢皮疹和瘙痒，"
        "停药三天后皮疹逐渐消退。想咨询后续是否需要换用其他他汀类药物？",
    ),
    (
        "demo-feedback-0002",
        "病例咨询：72岁男性 2 型糖尿病患者，在胰岛素基础上加用瑞格泰（司美格鲁肽注射液）后第5天出现严重低血糖，"
        "伴意识模糊，急诊住院治疗，目前已减停胰岛素，血糖平稳。",
    ),
    (
        "demo-feedback-0003",
        "患者使用瑞贝安（贝伐珠单抗注射液）第二周期后出现反复鼻出血，血压升高至 165/100 mmHg，"
        "已予对症处理并加用降压药，请问下一周期是否需要调整剂量？",
    ),
]

# --- Page catalogue for simulated interactions --------------------------------------------------
# Courses by therapeutic area: contiguous id ranges (the academy builds the real pages later).
COURSE_RANGES = [
    ("cardiology", 1, 30), ("endocrinology", 31, 55), ("oncology", 56, 80), ("respiratory", 81, 95),
    ("neurology", 96, 105), ("gastroenterology", 106, 112), ("nephrology", 113, 116), ("rheumatology", 117, 120),
]
CASE_CIRCLES = [  # circle id, area
    (1, "cardiology"), (2, "cardiology"), (3, "endocrinology"), (4, "endocrinology"), (5, "oncology"),
    (6, "oncology"), (7, "respiratory"), (8, "neurology"), (9, "gastroenterology"), (10, "nephrology"),
    (11, "rheumatology"), (12, ""),
]
CASE_POSTS = 420
MALL_ITEMS = 40
SURVEYS = 10

# Chinese public holidays that fall in a typical demo window (activity dips; no webinars).
HOLIDAYS = {
    # National Day golden week (every year) is added in code; these are the moving feasts.
    (2025, 1, 28), (2025, 1, 29), (2025, 1, 30), (2025, 1, 31), (2025, 2, 1), (2025, 2, 2), (2025, 2, 3),
    (2025, 2, 4), (2025, 5, 31), (2025, 6, 1), (2025, 6, 2), (2025, 10, 8),
    (2026, 2, 15), (2026, 2, 16), (2026, 2, 17), (2026, 2, 18), (2026, 2, 19), (2026, 2, 20), (2026, 2, 21),
    (2026, 2, 22), (2026, 2, 23), (2026, 6, 19), (2026, 6, 20), (2026, 6, 21), (2026, 9, 25), (2026, 9, 26),
    (2026, 9, 27),
    (2027, 2, 5), (2027, 2, 6), (2027, 2, 7), (2027, 2, 8), (2027, 2, 9), (2027, 2, 10), (2027, 2, 11),
    (2027, 6, 9), (2027, 9, 15),
}
