"""The de-identification guard on its own (pure functions, no database)."""

import string
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from academy.circles.deidentify import (
    MOBILE,
    PATIENT_NAME,
    RECORD_NUMBER,
    RESIDENT_ID,
    find_identifiers,
    is_valid_resident_id,
    mask_identifiers,
    resident_id_check_char,
)


def kinds(text: str) -> list[str]:
    return [finding.kind for finding in find_identifiers(text)]


def make_id(region: str, birth: date, sequence: str) -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence}"
    return first17 + resident_id_check_char(first17)


# --- Resident ID numbers ------------------------------------------------------------------------


def test_published_example_ids_have_the_right_check_character():
    # Examples from GB 11643-1999 and widely published test numbers.
    assert resident_id_check_char("11010519491231002") == "X"
    assert resident_id_check_char("44052418800101001") == "4"
    assert is_valid_resident_id("11010519491231002X")
    assert is_valid_resident_id("11010519491231002x")
    assert not is_valid_resident_id("110105194912310021")


@pytest.mark.parametrize(
    "text",
    [
        "身份证号11010519491231002X，",
        "ID: 11010519491231002X",
        "身份证 110105 19491231 002X 已核对",
        "身份证号：110105-19491231-002X",
        "证件号１１０１０５１９４９１２３１００２Ｘ",  # full-width digits
    ],
)
def test_resident_ids_are_found_in_their_usual_spellings(text):
    assert RESIDENT_ID in kinds(text)


@pytest.mark.parametrize(
    "value",
    [
        "110105194912310021",  # wrong check character
        "11010519491331002X",  # month 13
        "11010518000101002X",  # born before 1900
        "01010519491231002X",  # no region starts with 0
    ],
)
def test_numbers_that_are_not_resident_ids(value):
    assert not is_valid_resident_id(value)
    assert RESIDENT_ID not in kinds(f"检验单号 {value} 。")


def test_an_id_inside_a_longer_number_is_not_an_id():
    assert RESIDENT_ID not in kinds("条码 911010519491231002X7")


regions = st.integers(min_value=110000, max_value=829999).map(str)
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
sequences = st.integers(min_value=0, max_value=999).map(lambda number: f"{number:03d}")
# Surrounding text that cannot run into the number: Chinese, letters, punctuation, spaces.
surroundings = st.text(alphabet=st.sampled_from(list("患者病史检查结果提示正常，。：；、 （）abcXYZ")), max_size=20)


@given(region=regions, birth=births, sequence=sequences, before=surroundings, after=surroundings)
def test_every_valid_resident_id_is_found(region, birth, sequence, before, after):
    assume(not after[:1].isdigit())
    number = make_id(region, birth, sequence)
    findings = [finding for finding in find_identifiers(before + number + after) if finding.kind == RESIDENT_ID]
    assert [finding.text for finding in findings] == [number]


@given(region=regions, birth=births, sequence=sequences, wrong=st.sampled_from(list("0123456789X")), before=surroundings)
def test_an_id_with_a_wrong_check_character_is_never_flagged_as_an_id(region, birth, sequence, wrong, before):
    first17 = f"{region}{birth:%Y%m%d}{sequence}"
    assume(wrong != resident_id_check_char(first17))
    assert RESIDENT_ID not in kinds(f"{before}{first17}{wrong}。")


@given(first17=st.text(alphabet=string.digits, min_size=17, max_size=17))
def test_the_check_character_is_the_only_one_that_validates(first17):
    valid = [char for char in "0123456789X" if (first17 + char)[0] != "0" and is_valid_resident_id(first17 + char)]
    assert len(valid) <= 1
    if valid:
        assert valid == [resident_id_check_char(first17)]


# --- Mobile numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "家属电话13800138000",
        "联系 138 0013 8000",
        "tel: 138-0013-8000",
        "+86 13912345678",
        "+86-139-1234-5678",
        "008615912345678",
    ],
)
def test_mobile_numbers_are_found(text):
    assert kinds(text) == [MOBILE]


@pytest.mark.parametrize("text", ["12345678901", "血小板 135×10^9/L", "随访 2023-10-12", "10800138000", "138001380001"])
def test_numbers_that_are_not_mobiles(text):
    assert MOBILE not in kinds(text)


@given(prefix=st.sampled_from(["13", "14", "15", "16", "17", "18", "19"]), rest=st.text(string.digits, min_size=9, max_size=9))
def test_every_mainland_mobile_is_found_and_masked(prefix, rest):
    number = prefix + rest
    text = f"家属电话{number}，请联系"
    assert kinds(text) == [MOBILE]
    masked = mask_identifiers(text)
    assert number not in masked and f"{number[:3]}****{number[-4:]}" in masked


# --- Record numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["住院号：2023004512", "病案号 00812345", "门诊号MZ20230012", "MRN 88812345", "patient ID: 7781234", "就诊卡号为 3301234567"],
)
def test_record_numbers_are_found(text):
    assert RECORD_NUMBER in kinds(text)


@pytest.mark.parametrize("text", ["IDH1 突变阳性", "ID 12", "COVID-19 阴性", "住院 2023 年", "PD-L1 表达 50%"])
def test_things_that_are_not_record_numbers(text):
    assert RECORD_NUMBER not in kinds(text)


# --- Names next to "patient" ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("患者张三，男，45岁", "张三"),
        ("患者王小明因胸痛入院", "王小明"),
        ("病人李四 68岁", "李四"),
        ("患儿王子涵，3岁", "王子涵"),
        ("姓名：张伟", "张伟"),
        ("患者欧阳娜娜，女", "欧阳娜娜"),
        ("patient John Smith, 45M", "John Smith"),
        ("Patient: Mary Jones was admitted", "Mary Jones"),
    ],
)
def test_names_next_to_patient_are_found(text, name):
    findings = find_identifiers(text)
    assert [(finding.kind, finding.text) for finding in findings] == [(PATIENT_NAME, name)]


@pytest.mark.parametrize(
    "text",
    [
        "患者张某某，男，45岁",
        "患者张某，女",
        "患者李XX，女",
        "患者王*，男",
        "患者刘女士，65岁",
        "患者男，56岁",
        "患者高热，伴寒战",
        "患者于今日入院",
        "患者曾服用阿司匹林",
        "患者高血压病史10年",
        "患者诉胸痛3天",
        "患者安静，",
        "患者明显消瘦",
        "患者平素体健",
        "The patient was admitted with chest pain",
        "patient Mr. Smith",
        "patient X, 45M",
    ],
)
def test_masked_names_and_clinical_phrasing_pass(text):
    assert PATIENT_NAME not in kinds(text)


def test_masking_replaces_every_identifier_and_leaves_a_clean_text():
    text = "患者张三，男，身份证11010519491231002X，电话13800138000，住院号：2023004512。"
    masked = mask_identifiers(text)
    assert masked.startswith("患者张某，男")
    assert find_identifiers(masked) == []
    assert "138****8000" in masked


def test_previews_never_show_the_whole_identifier():
    for finding in find_identifiers("身份证11010519491231002X 电话13800138000 患者张三丰，"):
        assert finding.preview != finding.text
        assert "*" in finding.preview


def test_overlapping_spans_keep_the_strongest_kind():
    assert kinds("ID: 11010519491231002X") == [RESIDENT_ID]


def test_empty_text_has_no_findings():
    assert find_identifiers("") == []


digit_heavy_text = st.text(alphabet=st.sampled_from(list("0123456789Xx +-患者张三王病人ID：住院号patient John")), max_size=120)


@settings(max_examples=400)
@given(st.one_of(st.text(max_size=200), digit_heavy_text))
def test_masked_text_holds_no_identifier(text):
    assert find_identifiers(mask_identifiers(text)) == []
