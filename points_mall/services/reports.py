"""The transfer-of-value report per sponsor and year (CSV or XLSX through tablib), audited."""

from dataclasses import dataclass

import tablib
from django.db import transaction
from django.utils.translation import gettext as _

from platform_core.exceptions import ValidationFailed
from platform_core.services.audit import audit_record
from points_mall import selectors

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str
    rows: int


def tov_report_headers() -> list[str]:
    return [
        _("Date"),
        _("Recipient"),
        _("Practice-licence number"),
        _("Institution"),
        _("Specialty"),
        _("Paying sponsor"),
        _("Value"),
        _("Currency"),
        _("Points"),
        _("Nature"),
        _("Detail"),
        _("Product"),
        _("Programme"),
        _("Record"),
    ]


def tov_report_export(*, actor, sponsor_id: int, year: int, fmt: str) -> Export:
    """Export one sponsor's ToV records for a year; the export itself is audited. Scoped to the actor."""
    if fmt not in FORMATS:
        raise ValidationFailed(_("Choose CSV or XLSX."), details={"format": "invalid"})
    with transaction.atomic():
        records = selectors.tov_records_for(actor=actor, sponsor_id=sponsor_id, year=year)
        data = tablib.Dataset(headers=tov_report_headers(), title=f"ToV {year}")
        sponsor_code = ""
        for record in records:
            sponsor_code = record.sponsor.code
            data.append(
                [
                    record.transfer_date.isoformat(),
                    record.recipient_name,
                    record.recipient_licence,
                    record.recipient_institution,
                    record.recipient_specialty,
                    record.sponsor.name,
                    str(record.amount),
                    record.currency,
                    record.points,
                    record.get_nature_display(),
                    record.nature_detail,
                    record.product_name,
                    record.programme,
                    f"TOV-{record.pk}",
                ]
            )
        audit_record(
            actor=actor,
            action="points.tov.exported",
            object_type="points_mall.tov_report",
            object_id=f"{sponsor_id}:{year}",
            sponsor_id=sponsor_id,
            after={"year": year, "format": fmt, "rows": len(data)},
            reason=_("Transfer-of-value report export"),
        )
    content = data.export(fmt)
    if isinstance(content, str):
        content = ("\ufeff" + content).encode("utf-8")  # BOM: Excel opens UTF-8 CSV with Chinese correctly
    return Export(
        content=content,
        content_type=FORMATS[fmt],
        filename=f"tov-{sponsor_code or sponsor_id}-{year}.{fmt}",
        rows=len(data),
    )
