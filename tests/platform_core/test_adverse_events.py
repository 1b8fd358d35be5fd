"""Adverse-event screening and the pharmacovigilance queue."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from platform_core.exceptions import Conflict, NotFound, ValidationFailed
from platform_core.models import AdverseEventReport
from platform_core.services.adverse_events import (
    ae_find_terms,
    ae_forward,
    ae_screen_text,
    ae_source_guard_delete,
    ae_triage,
    next_business_day,
)
from tests.factories import AdverseEventReportFactory
from tests.platform_core.support import assert_error_shape, audit_entries_for

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SERIOUS = AdverseEventReport.Seriousness.SERIOUS


def _screen(text, reporter, source_id="1", **kwargs):
    return ae_screen_text(text=text, reporter=reporter, source_type="academy.casepost", source_id=source_id, **kwargs)


# --- Screening --------------------------------------------------------------------------------------


def test_a_chinese_report_near_a_product_name_is_queued(doctor, product_a):
    before = timezone.now()
    text = "患者服用阿尔法他汀两周后出现全身皮疹，伴瘙痒。"

    report = _screen(text, doctor)

    assert report is not None and report.status == AdverseEventReport.Status.NEW
    assert {"皮疹", "瘙痒"} <= set(report.matched_terms)
    assert report.text == text  # verbatim
    assert report.product == product_a and report.sponsor_id == product_a.sponsor_id
    assert report.reporter == doctor
    assert before <= report.received_at <= timezone.now()
    assert report.forward_due_at == next_business_day(report.received_at)
    assert report.seriousness == AdverseEventReport.Seriousness.UNKNOWN
    entry = audit_entries_for(report, action="pv.report.queued").get()
    assert entry.actor_id == doctor.pk and entry.sponsor_id == product_a.sponsor_id


def test_an_english_report_near_a_product_name_is_queued(doctor, product_b):
    report = _screen("After starting Betaprazole 20 mg she had a rash and nausea.", doctor)
    assert report is not None
    assert {"rash", "nausea"} <= set(report.matched_terms)
    assert report.product == product_b and report.sponsor_id == product_b.sponsor_id


def test_the_generic_name_also_counts(doctor, product_a):
    report = _screen("Patient on alphavastatin complained of myalgia last week.", doctor)
    assert report is not None and report.product == product_a and "myalgia" in report.matched_terms


def test_a_drug_cue_without_a_product_name_is_enough(doctor, product_a):
    report = _screen("患者口服某降压药后出现头晕、心悸", doctor)
    assert report is not None and {"头晕", "心悸"} <= set(report.matched_terms)
    assert report.product is None and report.sponsor_id is None


def test_explicit_terms_need_no_drug_nearby(doctor):
    report = _screen("我想讨论一下这类药物的副作用管理经验", doctor)
    assert report is not None and "副作用" in report.matched_terms


@pytest.mark.parametrize(
    "text",
    [
        "服用阿尔法他汀后出现过敏性休克，已住院治疗",
        "患者用药后三天死亡，家属要求说明",
        "The patient was hospitalized with rhabdomyolysis after taking Alphastatin.",
        "Anaphylaxis within minutes of the infusion.",
    ],
)
def test_death_hospitalisation_and_shock_make_a_serious_case(text, doctor, product_a):
    report = _screen(text, doctor)
    assert report is not None and report.seriousness == SERIOUS


@pytest.mark.parametrize(
    "text",
    [
        "今天的病例讨论非常精彩，感谢各位老师！",
        "Great lecture on lipid targets, thank you.",
        "患者头痛三天，既往体健。",  # a symptom, but no drug anywhere near it
        "   ",
        "",
    ],
)
def test_innocuous_text_is_not_queued(text, doctor, product_a):
    assert _screen(text, doctor) is None
    assert not AdverseEventReport.objects.filter(reporter=doctor).exists()


def test_a_reaction_far_from_any_drug_is_not_matched(doctor, product_a):
    filler = "，" + "今天门诊很忙" * 20 + "，"
    assert ae_find_terms("阿尔法他汀" + filler + "皮疹")[0] == []


def test_screening_is_idempotent_per_source_and_text(doctor, product_a):
    text = "服用阿尔法他汀后恶心呕吐"
    first = _screen(text, doctor, source_id="42")
    again = _screen(text, doctor, source_id="42")

    assert again.pk == first.pk
    assert AdverseEventReport.objects.filter(source_id="42").count() == 1
    assert audit_entries_for(first, action="pv.report.queued").count() == 1

    edited = _screen(text + "，且出现皮疹", doctor, source_id="42")
    elsewhere = _screen(text, doctor, source_id="43")
    assert len({first.pk, edited.pk, elsewhere.pk}) == 3


def test_the_caller_can_attribute_the_report_to_a_sponsor_and_give_context(doctor, sponsor_b):
    report = _screen("这种药物的不良反应很常见", doctor, sponsor_id=sponsor_b.pk, context={"webinar": 7})
    assert report.sponsor_id == sponsor_b.pk and report.context == {"webinar": 7}


# --- The forwarding clock ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (datetime(2026, 11, 23, 10, 0), datetime(2026, 11, 24, 10, 0)),  # Monday → Tuesday
        (datetime(2026, 11, 26, 18, 30), datetime(2026, 11, 27, 18, 30)),  # Thursday → Friday
        (datetime(2026, 11, 27, 9, 0), datetime(2026, 11, 30, 9, 0)),  # Friday → Monday
        (datetime(2026, 11, 28, 9, 0), datetime(2026, 11, 30, 9, 0)),  # Saturday → Monday
        (datetime(2026, 11, 29, 23, 0), datetime(2026, 11, 30, 23, 0)),  # Sunday → Monday
    ],
)
def test_forwarding_is_due_the_next_business_day(received, due):
    assert next_business_day(received.replace(tzinfo=SHANGHAI)) == due.replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "received_utc",
    [
        datetime(2026, 11, 26, 23, 30, tzinfo=UTC),  # Friday 07:30 in Beijing, still Thursday in UTC
        datetime(2026, 11, 27, 20, 0, tzinfo=UTC),  # Saturday 04:00 in Beijing, Friday in UTC
        datetime(2026, 11, 29, 17, 0, tzinfo=UTC),  # Monday 01:00 in Beijing, Sunday in UTC
    ],
)
def test_business_days_are_counted_in_the_platforms_time_zone(received_utc):
    """Reports are received with UTC timestamps; the working week is Beijing's (TIME_ZONE)."""
    due = timezone.localtime(next_business_day(received_utc))
    received = timezone.localtime(received_utc)
    assert due.weekday() < 5, f"due on a {due:%A}"
    expected_day = received.date() + timedelta(days=1)
    while expected_day.weekday() >= 5:
        expected_day += timedelta(days=1)
    assert due.date() == expected_day


def test_a_queued_report_is_due_on_a_working_day_after_it_arrived(doctor, product_a):
    report = _screen("服用阿尔法他汀后出现黑便", doctor)
    due = timezone.localtime(report.forward_due_at)
    assert due.weekday() < 5
    assert timedelta(days=1) <= report.forward_due_at - report.received_at <= timedelta(days=3)


# --- Triage and forwarding ---------------------------------------------------------------------------

FOUR_ELEMENTS = {
    "patient_descriptor": "58岁男性",
    "reaction": "全身皮疹",
    "suspect_product": "阿尔法他汀 20mg qd",
    "reporter_description": "主治医师，心内科",
}


@pytest.fixture
def report(doctor, product_a):
    return _screen("服用阿尔法他汀后出现皮疹", doctor)


@pytest.mark.parametrize("missing", sorted(FOUR_ELEMENTS))
def test_confirming_needs_the_four_minimum_elements(missing, report, pv_officer):
    elements = dict(FOUR_ELEMENTS, **{missing: "  "})
    with pytest.raises(ValidationFailed) as raised:
        ae_triage(officer=pv_officer, report_id=report.pk, is_adverse_event=True, reason="confirmed by phone", **elements)
    assert set(raised.value.details) == {missing}
    assert AdverseEventReport.objects.get(pk=report.pk).status == AdverseEventReport.Status.NEW


@pytest.mark.parametrize("is_adverse_event", [True, False])
def test_every_triage_decision_needs_a_reason(is_adverse_event, report, pv_officer):
    with pytest.raises(ValidationFailed) as raised:
        ae_triage(officer=pv_officer, report_id=report.pk, is_adverse_event=is_adverse_event, reason=" ", **FOUR_ELEMENTS)
    assert raised.value.details == {"reason": "required"}


def test_confirming_records_the_elements_and_is_audited(report, pv_officer):
    decided = ae_triage(
        officer=pv_officer,
        report_id=report.pk,
        is_adverse_event=True,
        reason="reporter confirmed",
        seriousness=SERIOUS,
        **FOUR_ELEMENTS,
    )

    stored = AdverseEventReport.objects.get(pk=decided.pk)
    assert stored.status == AdverseEventReport.Status.CONFIRMED and stored.seriousness == SERIOUS
    assert {name: getattr(stored, name) for name in FOUR_ELEMENTS} == FOUR_ELEMENTS
    assert stored.triaged_by == pv_officer and stored.triaged_at and stored.triage_reason == "reporter confirmed"
    entry = audit_entries_for(stored, action="ae.report.triaged").get()
    assert entry.reason == "reporter confirmed" and entry.before == {"status": "new"}
    assert entry.after == {"status": "confirmed", "seriousness": "serious"}


def test_not_an_adverse_event_needs_only_a_reason(report, pv_officer):
    decided = ae_triage(officer=pv_officer, report_id=report.pk, is_adverse_event=False, reason="efficacy question")
    assert decided.status == AdverseEventReport.Status.NOT_AE
    assert decided.text == report.text  # the verbatim text is kept


def test_a_report_is_triaged_once(report, pv_officer):
    ae_triage(officer=pv_officer, report_id=report.pk, is_adverse_event=False, reason="not an AE")
    with pytest.raises(Conflict):
        ae_triage(officer=pv_officer, report_id=report.pk, is_adverse_event=True, reason="changed mind", **FOUR_ELEMENTS)


@pytest.mark.parametrize("who", ["manager_a", "rep_a", "doctor", "verifier", "mlr_a"])
def test_only_pv_officers_triage_and_others_see_nothing(who, report, request):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotFound) as foreign:
        ae_triage(officer=actor, report_id=report.pk, is_adverse_event=False, reason="x")
    with pytest.raises(NotFound) as missing:
        ae_triage(officer=actor, report_id=987654321, is_adverse_event=False, reason="x")
    assert foreign.value.message == missing.value.message
    with pytest.raises(NotFound):
        ae_forward(officer=actor, report_id=report.pk, reason="x")
    assert AdverseEventReport.objects.get(pk=report.pk).status == AdverseEventReport.Status.NEW


def test_a_missing_report_is_not_found_for_pv_too(pv_officer):
    with pytest.raises(NotFound):
        ae_triage(officer=pv_officer, report_id=987654321, is_adverse_event=False, reason="x")


def test_forwarding_a_confirmed_report(report, pv_officer):
    ae_triage(officer=pv_officer, report_id=report.pk, is_adverse_event=True, reason="ok", **FOUR_ELEMENTS)
    forwarded = ae_forward(officer=pv_officer, report_id=report.pk, reason="sent to sponsor PV by e-mail")

    assert forwarded.status == AdverseEventReport.Status.FORWARDED and forwarded.forwarded_at
    entry = audit_entries_for(report, action="ae.report.forwarded").get()
    assert entry.reason == "sent to sponsor PV by e-mail" and entry.after == {"status": "forwarded"}


def test_only_confirmed_reports_are_forwarded(report, pv_officer):
    with pytest.raises(Conflict):
        ae_forward(officer=pv_officer, report_id=report.pk, reason="too early")
    ae_triage(officer=pv_officer, report_id=report.pk, is_adverse_event=False, reason="not an AE")
    with pytest.raises(Conflict):
        ae_forward(officer=pv_officer, report_id=report.pk, reason="not an AE")


def test_forwarding_without_a_reason_changes_nothing(report, pv_officer):
    ae_triage(officer=pv_officer, report_id=report.pk, is_adverse_event=True, reason="ok", **FOUR_ELEMENTS)
    with pytest.raises(ValidationFailed):
        ae_forward(officer=pv_officer, report_id=report.pk, reason="")
    assert AdverseEventReport.objects.get(pk=report.pk).status == AdverseEventReport.Status.CONFIRMED


# --- Never lost ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "delete",
    [
        lambda pk: AdverseEventReport.objects.filter(pk=pk).delete(),
        lambda pk: AdverseEventReport.objects.all().delete(),
        lambda pk: AdverseEventReport.objects.get(pk=pk).delete(),
    ],
    ids=["queryset", "all", "instance"],
)
def test_reports_cannot_be_deleted(delete, report):
    with pytest.raises(DatabaseError), transaction.atomic():
        delete(report.pk)
    assert AdverseEventReport.objects.filter(pk=report.pk).exists()


def test_reports_can_still_be_updated_by_triage(report):
    AdverseEventReport.objects.filter(pk=report.pk).update(source_hidden=True)
    assert AdverseEventReport.objects.get(pk=report.pk).source_hidden


def test_content_holding_an_ae_may_not_be_deleted(report):
    with pytest.raises(Conflict):
        ae_source_guard_delete(source_type=report.source_type, source_id=report.source_id)
    with pytest.raises(Conflict):
        ae_source_guard_delete(source_type=report.source_type, source_id=int(report.source_id))
    ae_source_guard_delete(source_type=report.source_type, source_id="another-post")
    ae_source_guard_delete(source_type="reps.callreport", source_id=report.source_id)


# --- Through the API -----------------------------------------------------------------------------


def test_api_queue_is_for_pv_officers(report, pv_officer, manager_a, client_for):
    listed = client_for(pv_officer).get("/api/v1/adverse-events")
    assert listed.status_code == 200
    assert report.pk in [item["id"] for item in listed.json()["results"]]
    assert_error_shape(client_for(manager_a).get("/api/v1/adverse-events"), status=403)


def test_api_triage(report, pv_officer, client_for):
    url = f"/api/v1/adverse-events/{report.pk}/triage"
    client = client_for(pv_officer)

    incomplete = client.post(url, {"is_adverse_event": True, "reason": "x"}, content_type="application/json")
    assert set(assert_error_shape(incomplete, status=400)["details"]) == set(FOUR_ELEMENTS)

    done = client.post(url, {"is_adverse_event": True, "reason": "x", **FOUR_ELEMENTS}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    assert_error_shape(client.post(url, {"is_adverse_event": False, "reason": "x"}, content_type="application/json"), status=409)


def test_factory_reports_start_new(pv_officer):
    made = AdverseEventReportFactory()
    assert made.status == AdverseEventReport.Status.NEW
    assert ae_triage(officer=pv_officer, report_id=made.pk, is_adverse_event=False, reason="x").status == "not_ae"
