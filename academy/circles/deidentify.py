"""De-identification guard: finds patient identifiers in free text before a case or comment is stored.

Pure functions (no Django, no database), so the rules are easy to test on their own. Hand-written:
no maintained library knows Chinese identifiers (GB 11643 resident ID checksum, mainland mobile
numbers, 住院号/病案号, names written next to 患者); Microsoft Presidio is English-first and needs
spaCy models. What is detected:

- **resident_id** — 18-character resident identity numbers (居民身份证号, GB 11643-1999): 17 digits
  plus a check character (0-9 or X) that matches the ISO 7064 MOD 11-2 checksum, with a real birth
  date in positions 7-14. Spaces or dashes in the 6-8-4 grouping are tolerated. An 18-digit number
  with a wrong checksum is *not* a resident ID (lab and order numbers are often 18 digits long).
- **mobile** — mainland mobile numbers 1[3-9]x + 8 digits, with or without +86/0086/86, spaces or
  dashes between digit groups.
- **record_number** — a number after 住院号/病案号/病历号/门诊号/急诊号/就诊号/就诊卡号/医保卡号/
  登记号/档案号 or MRN/ID/Hospital No.
- **patient_name** — a full name right after 患者/病人/患儿/病患/姓名 or "patient": a common Chinese
  surname plus one or two given characters that end at a boundary (punctuation, a digit, 男/女,
  因/于/诉 …). Masked names (张某某, 张某, 张XX, 张*) and surname plus honorific (刘女士) are allowed.
  English: capitalised words after "patient" (patient John Smith).

The name rule is a heuristic: it prefers flagging a doubtful phrase (the author can reword it)
over letting a name through; the stop lists below keep common clinical phrasing (患者高热，) quiet.
"""

import re
from dataclasses import dataclass
from datetime import date

RESIDENT_ID = "resident_id"
MOBILE = "mobile"
RECORD_NUMBER = "record_number"
PATIENT_NAME = "patient_name"
KINDS = (RESIDENT_ID, MOBILE, RECORD_NUMBER, PATIENT_NAME)  # also the priority when spans overlap

# Full-width digits, letters, space and punctuation -> ASCII, one character for one (offsets survive).
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_FULLWIDTH_TABLE = str.maketrans(_FULLWIDTH)


def _normalise(text: str) -> str:
    return text.translate(_FULLWIDTH_TABLE)


# --- Resident identity numbers (GB 11643-1999) ---------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_PATTERN = re.compile(r"(?<![0-9])([1-9][0-9]{5})[ -]?([0-9]{8})[ -]?([0-9]{3}[0-9Xx])(?![0-9])")


def resident_id_check_char(first17: str) -> str:
    """The check character (0-9 or X) of a resident ID whose first 17 digits are given."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("a resident ID starts with exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def is_valid_resident_id(value: str) -> bool:
    """18 characters, a region code, a real birth date (1900 to today's century) and a matching checksum."""
    value = value.upper()
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit() or value[0] == "0":
        return False
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if not 1900 <= birth.year <= 2099:
        return False
    return resident_id_check_char(value[:17]) == value[17]


# --- Mobile numbers -------------------------------------------------------------------------------

_MOBILE_PATTERN = re.compile(r"(?<![0-9+])(?:(?:\+|00)?86[ -]?)?(1[3-9][0-9](?:[ -]?[0-9]){8})(?![0-9])")

# --- Record numbers -------------------------------------------------------------------------------

_RECORD_KEYWORDS = (
    r"住院号(?:码)?|病案号|病历号|门诊号|急诊号|就诊号|就诊卡号|医保卡号|登记号|档案号|"
    r"(?<![A-Za-z])(?i:MRN|ID|Hosp(?:ital)?\.?\s*No)(?![A-Za-z])"
)
_RECORD_PATTERN = re.compile(
    rf"(?:{_RECORD_KEYWORDS})\s*(?:[:#=]|为|是)?\s*(?:(?i:No)\.?\s*)?([A-Za-z]{{0,4}}-?[0-9][0-9A-Za-z-]{{3,}})"
)

# --- Names next to "patient" ----------------------------------------------------------------------

_COMPOUND_SURNAMES = "欧阳|司马|诸葛|上官|东方|皇甫|令狐|慕容|司徒|夏侯|尉迟|长孙|宇文|公孙|端木|南宫|独孤|呼延|轩辕|西门"
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛"
    "樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉"
    "骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗"
    "瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
# Characters that mask a name, and characters that end a name rather than belong to it.
_MASK_CHARS = "某XxＸ*＊×○〇_＿?？"
_GIVEN_STOP_CHARS = set(
    "因于自诉在以由入来经和与及的男女性岁曾既有无不未已是为被把将也都又再仍尚均等后前时术服用出行感觉述现症病体血呈见较"
    "某姓名氏师医护"
)
_HONORIFICS = ("女士", "先生", "老师", "大爷", "大妈", "阿姨", "同志", "师傅", "老人")
# Clinical phrases that start with a surname character and may follow 患者 directly.
_CLINICAL_WORDS = frozenset(
    {
        "高热",
        "高烧",
        "高龄",
        "高危",
        "高血压",
        "高血糖",
        "高血脂",
        "高度",
        "安静",
        "安稳",
        "平稳",
        "平素",
        "时有",
        "时感",
        "常规",
        "全身",
        "全麻",
        "明显",
        "明确",
        "应答",
        "应激",
        "尚可",
        "尚好",
        "尚稳",
        "于今",
        "于是",
        "曾经",
        "康复",
        "成功",
        "方可",
        "管理",
        "文化",
        "和蔼",
        "宁静",
        "一般",
        "良好",
        "安全",
        "齐全",
        "关节",
        "单侧",
        "双侧",
        "简单",
        "华法林",
    }
)
_NAME_FOLLOWERS = r"主诉|入院|既往|同志|[男女因于自诉在以由来经和与及的，]"
_NAME_BOUNDARY = rf"(?=$|[\s,.;:!?()\[\]\"'“”‘’、。；：！？（）【】《》/…\-]|[0-9]|{_NAME_FOLLOWERS})"
_CJK = r"[\u4e00-\u9fff]"
_CN_NAME_PATTERN = re.compile(
    rf"(?:患者|病人|患儿|病患|姓名)\s*(?:[:]\s*)?(?:为|是|名叫|叫)?\s*"
    rf"(?P<name>(?P<surname>{_COMPOUND_SURNAMES}|[{_SURNAMES}])(?P<given>{_CJK}{{1,2}}?){_NAME_BOUNDARY})"
)
_EN_STOP_WORDS = frozenset(
    {
        "The",
        "This",
        "That",
        "Was",
        "Is",
        "Has",
        "Had",
        "Who",
        "With",
        "Without",
        "And",
        "Or",
        "In",
        "On",
        "At",
        "Of",
        "To",
        "For",
        "From",
        "After",
        "Before",
        "During",
        "Presented",
        "Reported",
        "Denied",
        "History",
        "Name",
        "Number",
        "No",
        "Group",
        "Education",
        "Information",
        "Consent",
        "Care",
        "Safety",
    }
)
_EN_NAME_PATTERN = re.compile(
    r"(?<![A-Za-z])(?i:patient|pt\.)(?:'s)?\s*(?:(?i:name)\s*)?[:]?\s*"
    r"(?P<honorific>(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?(?P<name>[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*)(?![A-Za-z])"
)


@dataclass(frozen=True)
class Finding:
    """One identifier in a text: what kind, where (offsets in the text given), and what to put instead."""

    kind: str
    start: int
    end: int
    text: str
    replacement: str

    @property
    def preview(self) -> str:
        """The identifier with most of it hidden, safe to show back to the author."""
        if self.kind == PATIENT_NAME:
            return self.text[:1] + "*" * (len(self.text) - 1)
        visible = 3 if len(self.text) >= 11 else 1
        return self.text[:visible] + "*" * max(len(self.text) - visible - 2, 1) + self.text[-2:]

    def as_dict(self, *, field: str = "") -> dict:
        return {"kind": self.kind, "field": field, "preview": self.preview, "start": self.start, "end": self.end}


def _resident_ids(text: str) -> list[Finding]:
    found = []
    for match in _ID_PATTERN.finditer(text):
        candidate = "".join(match.groups())
        if is_valid_resident_id(candidate):
            found.append(Finding(RESIDENT_ID, match.start(), match.end(), match.group(0), "*" * len(match.group(0))))
    return found


def _mobiles(text: str) -> list[Finding]:
    found = []
    for match in _MOBILE_PATTERN.finditer(text):
        digits = re.sub(r"[ -]", "", match.group(1))
        found.append(Finding(MOBILE, match.start(), match.end(), match.group(0), f"{digits[:3]}****{digits[-4:]}"))
    return found


def _record_numbers(text: str) -> list[Finding]:
    found = []
    for match in _RECORD_PATTERN.finditer(text):
        number = match.group(1)
        if sum(char.isdigit() for char in number) < 4:
            continue
        found.append(Finding(RECORD_NUMBER, match.start(1), match.end(1), number, "*" * len(number)))
    return found


def _chinese_names(text: str) -> list[Finding]:
    found = []
    for match in _CN_NAME_PATTERN.finditer(text):
        name, surname, given = match.group("name"), match.group("surname"), match.group("given")
        if any(char in _MASK_CHARS for char in given) or any(char in _GIVEN_STOP_CHARS for char in given):
            continue
        if name in _CLINICAL_WORDS or any(name.startswith(word) for word in _CLINICAL_WORDS):
            continue
        if any(text.startswith(honorific, match.start("given")) for honorific in _HONORIFICS):
            continue
        found.append(Finding(PATIENT_NAME, match.start("name"), match.end("name"), name, surname + "某" * len(given)))
    return found


def _english_names(text: str) -> list[Finding]:
    found = []
    for match in _EN_NAME_PATTERN.finditer(text):
        words = re.split(r"[ -]", match.group("name"))
        if words[0] in _EN_STOP_WORDS:
            continue
        if match.group("honorific") and len(words) < 2:
            continue  # "Mr Smith": a surname with an honorific, like 刘女士
        initials = " ".join(f"{word[0]}." for word in words)
        found.append(Finding(PATIENT_NAME, match.start("name"), match.end("name"), match.group("name"), initials))
    return found


def find_identifiers(text: str) -> list[Finding]:
    """Every patient identifier in `text`, in order of position; overlapping spans keep the strongest kind."""
    if not text:
        return []
    normalised = _normalise(text)
    candidates = (
        _resident_ids(normalised)
        + _mobiles(normalised)
        + _record_numbers(normalised)
        + _chinese_names(normalised)
        + _english_names(normalised)
    )
    kept: list[Finding] = []
    for finding in sorted(candidates, key=lambda item: (KINDS.index(item.kind), item.start)):
        if any(finding.start < other.end and other.start < finding.end for other in kept):
            continue
        # Report the author's own characters (full-width digits stay full-width).
        kept.append(Finding(finding.kind, finding.start, finding.end, text[finding.start : finding.end], finding.replacement))
    return sorted(kept, key=lambda item: item.start)


def mask_identifiers(text: str) -> str:
    """`text` with every identifier replaced (张三 → 张某, 13800138000 → 138****8000, IDs and numbers → ***)."""
    findings = find_identifiers(text)
    for finding in sorted(findings, key=lambda item: item.start, reverse=True):
        text = text[: finding.start] + finding.replacement + text[finding.end :]
    return text
