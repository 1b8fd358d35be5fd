"""Adverse-event screening lexicon (Chinese and English).

Deliberately sensitive: a false positive costs a PV officer a click; a missed AE costs a
regulatory breach. Tuned on the phrasing doctors use in case posts, chat and call notes.
"""

# Words that by themselves signal a reported reaction.
EXPLICIT_TERMS = (
    "不良反应", "不良事件", "副作用", "副反应", "药物过敏", "过敏反应", "药疹", "严重不良",
    "adverse event", "adverse reaction", "adverse drug", "side effect", "side-effect", "allergic reaction",
    "anaphylaxis", "drug reaction",
)

# Symptoms and reactions: a hit when they appear near a product, a drug or a drug-taking cue.
REACTION_TERMS = (
    "过敏", "皮疹", "瘙痒", "红肿", "头晕", "头痛", "恶心", "呕吐", "腹泻", "便秘", "乏力", "心悸", "胸闷",
    "呼吸困难", "水肿", "低血糖", "高血压", "低血压", "肝损伤", "肝功能异常", "转氨酶升高", "肾损伤", "肌酐升高",
    "出血", "黑便", "血小板减少", "白细胞减少", "粒细胞减少", "发热", "休克", "晕厥", "昏迷", "抽搐", "横纹肌溶解",
    "肌痛", "咳嗽", "失眠", "脱发", "死亡", "住院",
    "rash", "itching", "pruritus", "dizziness", "headache", "nausea", "vomiting", "diarrhea", "diarrhoea",
    "fatigue", "palpitation", "chest pain", "dyspnea", "dyspnoea", "edema", "oedema", "hypoglycemia",
    "hypoglycaemia", "hypotension", "liver injury", "elevated alt", "bleeding", "neutropenia",
    "thrombocytopenia", "fever", "shock", "syncope", "seizure", "rhabdomyolysis", "myalgia", "cough",
    "death", "died", "hospitalised", "hospitalized",
)

# Cues that a drug was taken, when no product name is present.
DRUG_CUES = (
    "服用", "服药", "用药", "用了", "吃了", "口服", "注射", "输液", "静滴", "给药", "停药", "换药", "剂量", "mg",
    "片", "胶囊", "针剂", "药物", "该药", "此药",
    "took", "taking", "after starting", "dose", "dosing", "injection", "infusion", "tablet", "capsule",
    "medication", "drug", "treated with", "on therapy",
)

# Words that make a serious case (15-day expedited reporting clock under China GVP).
SERIOUS_TERMS = ("死亡", "危及生命", "住院", "残疾", "休克", "昏迷", "death", "died", "life-threatening",
                 "hospitalised", "hospitalized", "disability", "anaphylaxis", "shock")

# How many characters apart a reaction and a drug cue may be to count as "near".
PROXIMITY_CHARS = 40
