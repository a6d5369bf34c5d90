"""Downloading people as XLSX or CSV (RRN masked) for a role holding people.export, with the
reason recorded (안전성 확보조치 기준 §8: 다운로드 사유); every cell through ``ilja.text.cell``
(formulas neutralised, control characters dropped)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ilja import files
from ilja.accounts import audit
from ilja.accounts.roles import Permission
from ilja.accounts.scope import SYSTEM, Scope
from ilja.people.models import Person
from ilja.people.records import RegistryError, format_phone, korean_today
from ilja.people.registry import checked_reason, require_permission, search_query

EXPORT_COLUMNS = ("id", "name", "rrn_masked", "birth_date", "phone", "sido", "sigungu",
                  "address_detail", "employment_status", "able_to_work", "household_head",
                  "household_size", "vulnerable_groups", "veteran_service_months", "nationality",
                  "visa", "household_income_krw", "household_assets_krw",
                  "receives_livelihood_benefit")


@dataclass(frozen=True)
class Export:
    content: bytes
    media_type: str
    filename: str
    count: int


def export_people(session: Session, *, actor: audit.Actor, reason: str, file_format: str = "xlsx",
                  q: str | None = None, district: str | None = None,
                  person_ids: Sequence[int] | None = None, scope: Scope = SYSTEM) -> Export:
    """Download people as XLSX or CSV (RRN masked) for a role holding people.export; the reason
    is required and recorded with every person's id (안전성 확보조치 기준 §8: 다운로드 사유)."""
    require_permission(actor, Permission.PEOPLE_EXPORT)
    text = checked_reason(reason)
    if file_format not in ("xlsx", "csv"):
        raise RegistryError("format_unknown", "Export as xlsx or csv.", "xlsx 또는 csv만 됩니다.")
    query = search_query(q, district, scope)
    if person_ids is not None:
        query = query.where(Person.id.in_(list(person_ids)))
    people = session.execute(query.order_by(Person.id)).scalars().all()
    rows = [_export_row(p) for p in people]
    audit.record(session, actor, "person.export", object_type="person", reason=text,
                 details={"format": file_format, "count": len(rows),
                          "person_ids": [p.id for p in people], "district": district or ""})
    stamp = korean_today().strftime("%Y%m%d")
    if file_format == "csv":
        return Export(files.write_csv(rows, EXPORT_COLUMNS), files.CSV_TYPE,
                      f"people-{stamp}.csv", len(rows))
    return Export(files.write_xlsx(files.Sheet("people", rows, EXPORT_COLUMNS)), files.XLSX_TYPE,
                  f"people-{stamp}.xlsx", len(rows))


def _export_row(person: Person) -> list[Any]:
    values = {name: getattr(person, name, None) for name in EXPORT_COLUMNS}
    values["phone"] = format_phone(person.phone)
    values["vulnerable_groups"] = ";".join(person.vulnerable_groups or [])
    values["birth_date"] = person.birth_date.isoformat()
    return [values[name] for name in EXPORT_COLUMNS]
