"""Adverse-event screening and the pharmacovigilance queue.

Every app that stores free text calls `ae_screen_text` in the same transaction as the save.
A suspected AE is copied verbatim to the PV queue with a forwarding clock of one business day.
"""

import hashlib
import re
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core import ae_lexicon
from platform_core.exceptions import Conflict, NotFound, ValidationFailed
from platform_core.models import AdverseEventReport, Product
from platform_core.permissions import has_capability
from platform_core.services.audit import audit_record


def next_business_day(moment: datetime) -> datetime:
    """Same local time on the next working day (Mon–Fri, platform time zone). Holidays: docs/compliance.md."""
    local = timezone.localtime(moment)
    due = local + timedelta(days=1)
    while due.weekday() >= 5:
        due += timedelta(days=1)
    return due


def _product_names() -> dict[str, Product]:
    names: dict[str, Product] = {}
    for product in Product.objects.with_scopes_disabled().all():
        for name in (product.brand_name, product.generic_name, product.generic_name_en):
            if name and len(name) >= 2:
                names[name.lower()] = product
    return names


def ae_find_terms(text: str) -> tuple[list[str], Product | None, bool]:
    """(matched terms, product named, serious?) for a text; no terms means no suspicion."""
    lowered = text.lower()
    matched = [term for term in ae_lexicon.EXPLICIT_TERMS if term in lowered]
    products = _product_names()
    named = [(name, product) for name, product in products.items() if name in lowered]
    anchors = [match.start() for name, _product in named for match in re.finditer(re.escape(name), lowered)]
    anchors += [match.start() for cue in ae_lexicon.DRUG_CUES for match in re.finditer(re.escape(cue), lowered)]
    for term in ae_lexicon.REACTION_TERMS:
        for match in re.finditer(re.escape(term), lowered):
            if any(abs(match.start() - anchor) <= ae_lexicon.PROXIMITY_CHARS for anchor in anchors):
                matched.append(term)
                break
    serious = any(term in lowered for term in ae_lexicon.SERIOUS_TERMS)
    product = named[0][1] if named else None
    return sorted(set(matched)), product, bool(matched) and serious


def ae_screen_text(
    *,
    text: str,
    reporter,
    source_type: str,
    source_id: str | int,
    sponsor_id: int | None = None,
    context: dict | None = None,
) -> AdverseEventReport | None:
    """Screen free text; queue a suspected AE (idempotent per source and text). Returns the report or None."""
    if not text or not text.strip():
        return None
    terms, product, serious = ae_find_terms(text)
    if not terms:
        return None
    now = timezone.now()
    digest = hashlib.sha256(text.encode()).hexdigest()
    with transaction.atomic():
        report, created = AdverseEventReport.objects.get_or_create(
            source_type=source_type,
            source_id=str(source_id),
            text_sha256=digest,
            defaults={
                "text": text,
                "matched_terms": terms,
                "context": context or {},
                "reporter": reporter,
                "sponsor_id": sponsor_id or (product.sponsor_id if product else None),
                "product": product,
                "received_at": now,
                "forward_due_at": next_business_day(now),
                "seriousness": AdverseEventReport.Seriousness.SERIOUS if serious else AdverseEventReport.Seriousness.UNKNOWN,
            },
        )
        if created:
            audit_record(
                actor=reporter,
                action="pv.report.queued",
                target=report,
                sponsor_id=report.sponsor_id,
                after={"source": f"{source_type}:{source_id}", "terms": terms},
            )
    return report


def ae_triage(
    *,
    officer,
    report_id: int,
    is_adverse_event: bool,
    reason: str,
    patient_descriptor: str = "",
    reaction: str = "",
    suspect_product: str = "",
    reporter_description: str = "",
    seriousness: str = "",
) -> AdverseEventReport:
    """Decide a queued report: not an AE (reason), or an AE with the four minimum elements."""
    if not has_capability(officer, "pv.triage"):
        raise NotFound("no such report")
    if not reason.strip():
        raise ValidationFailed(_("A reason is required for every triage decision."), details={"reason": "required"})
    if is_adverse_event:
        missing = {
            name: "required"
            for name, value in (
                ("patient_descriptor", patient_descriptor),
                ("reaction", reaction),
                ("suspect_product", suspect_product),
                ("reporter_description", reporter_description),
            )
            if not value.strip()
        }
        if missing:
            raise ValidationFailed(
                _("An adverse-event report needs the four minimum elements: patient, reaction, suspect product and reporter."),
                details=missing,
            )
    with transaction.atomic():
        report = AdverseEventReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            raise NotFound("no such report")
        if report.status != AdverseEventReport.Status.NEW:
            raise Conflict(_("This report has already been triaged."))
        before = {"status": report.status}
        report.status = AdverseEventReport.Status.CONFIRMED if is_adverse_event else AdverseEventReport.Status.NOT_AE
        report.patient_descriptor = patient_descriptor.strip()
        report.reaction = reaction.strip()
        report.suspect_product = suspect_product.strip()
        report.reporter_description = reporter_description.strip()
        if seriousness in AdverseEventReport.Seriousness.values:
            report.seriousness = seriousness
        report.triaged_by = officer
        report.triaged_at = timezone.now()
        report.triage_reason = reason.strip()
        report.save()
        audit_record(
            actor=officer,
            action="ae.report.triaged",
            target=report,
            sponsor_id=report.sponsor_id,
            before=before,
            after={"status": report.status, "seriousness": report.seriousness},
            reason=reason,
        )
    return report


def ae_forward(*, officer, report_id: int, reason: str) -> AdverseEventReport:
    """Mark a confirmed AE as forwarded to the sponsor's pharmacovigilance (audited, reason required)."""
    if not has_capability(officer, "pv.triage"):
        raise NotFound("no such report")
    with transaction.atomic():
        report = AdverseEventReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            raise NotFound("no such report")
        if report.status != AdverseEventReport.Status.CONFIRMED:
            raise Conflict(_("Only a confirmed adverse event can be forwarded."))
        report.status = AdverseEventReport.Status.FORWARDED
        report.forwarded_at = timezone.now()
        report.save(update_fields=["status", "forwarded_at"])
        audit_record(
            actor=officer,
            action="ae.report.forwarded",
            target=report,
            sponsor_id=report.sponsor_id,
            before={"status": "confirmed"},
            after={"status": "forwarded"},
            reason=reason,
        )
    return report


def ae_source_guard_delete(*, source_type: str, source_id: str | int) -> None:
    """Call before deleting user content: content that holds a suspected AE may be hidden, never deleted."""
    if AdverseEventReport.objects.filter(source_type=source_type, source_id=str(source_id)).exists():
        raise Conflict(_("This content holds a suspected adverse event: it can be hidden but not deleted."))
