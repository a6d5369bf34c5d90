"""Bulk import of applications on SQLite and PostgreSQL: every row validated first, nothing
written when any row is bad (with row, column and reason), the same file twice changes nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from tests.applications.factories import MANAGER, apply, open_round, register
from tests.people.conftest import valid_rrn

from ilja.accounts.models import AuditRecord
from ilja.applications import eligibility, importer
from ilja.applications.errors import ImportRejected
from ilja.applications.models import Application, ApplicationEvent
from ilja.db import engine_for, transaction
from ilja.decisions.models import Decision
from ilja.messages.models import OutboxMessage
from ilja.people.models import Person

HEADER = ["이름", "주민등록번호", "연락처", "sido", "sigungu", "employment_status",
          "able_to_work", "household_head", "household_size", "vulnerable_groups", "nationality",
          "household_income_krw", "household_assets_krw", "receives_livelihood_benefit", "1지망"]


def row(n: int, **changes: str) -> list[str]:
    values = {"이름": f"박영{n}", "주민등록번호": valid_rrn("700315", "1", f"{n:05d}"),
              "연락처": f"010-5555-{n:04d}", "sido": "서울특별시", "sigungu": "은평구",
              "employment_status": "unemployed", "able_to_work": "예", "household_head": "예",
              "household_size": "2", "vulnerable_groups": "long_term_unemployed",
              "nationality": "KR", "household_income_krw": "1,200,000",
              "household_assets_krw": "30000000", "receives_livelihood_benefit": "아니오",
              "1지망": "care" if n % 2 else "safety"}
    values.update(changes)
    return [values[h] for h in HEADER]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path


def counts(url):
    with transaction(engine_for(url)) as session:
        return tuple(session.execute(select(func.count()).select_from(model)).scalar_one()
                     for model in (Person, Application, ApplicationEvent))


def run_import(url, path, round_id, keyring):
    with transaction(engine_for(url)) as session:
        return importer.import_applications(session, path, round_id, MANAGER, keyring=keyring)


def test_a_good_file_imports_every_row_with_snapshot_and_history(database_url, keyring, tmp_path):
    round_id = open_round(database_url)
    path = write_xlsx(tmp_path / "은평구.xlsx", [row(n) for n in range(1, 7)])
    report = run_import(database_url, path, round_id, keyring)
    assert (report.rows, report.applications, report.persons_created) == (6, 6, 6)
    assert report.eligible + report.ineligible == 6
    assert counts(database_url) == (6, 6, 12)
    with transaction(engine_for(database_url)) as session:
        apps = session.execute(select(Application)).scalars().all()
        entry = session.execute(select(AuditRecord).where(
            AuditRecord.action == "application.import")).scalar_one()
    assert {a.channel for a in apps} == {"import"}
    assert {tuple(a.preferences) for a in apps} == {("care",), ("safety",)}
    assert all(a.eligibility["conditions"] for a in apps)
    assert entry.details["applications"] == 6 and "박영" not in str(entry.details)


def test_one_bad_row_and_nothing_is_written(database_url, keyring, tmp_path):
    round_id = open_round(database_url)
    rows = [row(1), row(2, household_size="둘"), row(3, **{"1지망": "nowhere"}), row(4),
            row(5, 주민등록번호="700315-1234"), row(6, 주민등록번호=valid_rrn("700315", "1", "00001"))]
    path = write_csv(tmp_path / "applications.csv", rows)
    with pytest.raises(ImportRejected) as rejected:
        run_import(database_url, path, round_id, keyring)
    found = {(r.row, r.column) for r in rejected.value.rows}
    assert {(2, "household_size"), (3, "1지망"), (5, "rrn"), (6, "rrn")} <= found
    assert all("700315" not in r.reason for r in rejected.value.rows)  # never the value
    assert counts(database_url) == (0, 0, 0)


def test_a_missing_column_is_reported_on_row_zero(database_url, keyring, tmp_path):
    round_id = open_round(database_url)
    header = [h for h in HEADER if h != "1지망"]
    path = write_csv(tmp_path / "no-units.csv", [row(1)[:-1]], header=header)
    with pytest.raises(ImportRejected) as rejected:
        run_import(database_url, path, round_id, keyring)
    assert [(r.row, r.column) for r in rejected.value.rows] == [(0, "preferences")]


def test_a_person_who_already_applied_fails_the_whole_file(database_url, keyring, tmp_path):
    round_id = open_round(database_url)
    rrn = valid_rrn("700315", "1", "00002")
    person = register(database_url, keyring, rrn=rrn, name="박영2", birth_date=None)
    apply(database_url, round_id, person, ["care"])
    path = write_csv(tmp_path / "again.csv", [row(1), row(2), row(3)])
    with pytest.raises(ImportRejected) as rejected:
        run_import(database_url, path, round_id, keyring)
    assert [(r.row, r.column) for r in rejected.value.rows] == [(2, "name")]
    assert "already applied" in rejected.value.rows[0].reason
    assert counts(database_url) == (1, 1, 2)  # the registry update rolled back with the rest


def test_the_same_file_imported_twice_changes_nothing(database_url, keyring, tmp_path):
    round_id = open_round(database_url)
    path = write_csv(tmp_path / "twice.csv", [row(n) for n in range(1, 4)])
    run_import(database_url, path, round_id, keyring)
    written = counts(database_url)
    again = run_import(database_url, path, round_id, keyring)
    assert (again.applications, again.replayed) == (0, 3)
    assert counts(database_url) == written


def test_each_not_eligible_row_gets_its_own_decision_and_notice(database_url, keyring, tmp_path):
    """The decisions and their notices are written a batch at a time (``decisions.service.write_decisions``,
    ``db.insert_ids``): each must still name its own application, person and decision, and its
    reasons, worded from the snapshot in hand (``adverse.notify_adverse``'s ``in_hand``), read as
    the stored snapshot words them."""
    round_id = open_round(database_url)
    rows = [row(n, **({"able_to_work": "아니오"} if n % 3 else {})) for n in range(1, 10)]
    report = run_import(database_url, write_csv(tmp_path / "mixed.csv", rows), round_id, keyring)
    assert report.ineligible >= 6
    with transaction(engine_for(database_url)) as session:
        apps = {a.id: a for a in session.execute(select(Application)).scalars()}
        decisions = session.execute(select(Decision)).scalars().all()
        notices = session.execute(select(OutboxMessage)).scalars().all()
    ineligible = {i for i, a in apps.items() if a.status == "ineligible"}
    assert len(ineligible) == report.ineligible
    assert sorted(int(d.subject_ref.split(":")[1]) for d in decisions) == sorted(ineligible)
    assert sorted((n.subject_ref, n.person_id) for n in notices) == sorted(
        (f"decision:{d.id}", d.person_id) for d in decisions)
    with transaction(engine_for(database_url)) as session:
        for decision in decisions:
            application = session.get(Application, int(decision.subject_ref.split(":")[1]))
            assert decision.person_id == application.person_id
            assert decision.details["application_id"] == application.id
            # worded again from the stored snapshot: the conditions not met or to be verified
            stored = eligibility.reasons(session, application, decision=True)
            assert (decision.reasons_ko, decision.reasons_en) == ("\n".join(stored["ko"]), "\n".join(stored["en"]))
        for notice in notices:
            assert f"/my/decisions/{notice.subject_ref.split(':')[1]}" in notice.body
