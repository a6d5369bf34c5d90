"""Importing the result file of a public-records check (사회보장정보시스템 조회 결과).

The social-security information system's own export layout is not public, so Ilja defines one
(the district converts its result into it; README "Records-check result file"). CSV (UTF-8, with
or without BOM, or CP949) or XLSX (first sheet, read with calamine), one row per applicant, this
header row (the English names are accepted too):

==================  ===============================  ========================================
주민등록번호          rrn                              the applicant's RRN (matched by its blind
                                                     index; never stored from the file)
공고번호              round_id                         the round the check was made for
가구소득(원)          household_income_krw             monthly household income, whole won
가구재산(원)          household_assets_krw             household assets, whole won
생계급여              livelihood_benefit               Y / N: receives the livelihood benefit
고용보험              employment_insured               Y / N: insured in employment insurance now
우선선발대상          priority_groups                  codes separated by ``;`` (basic_livelihood,
                                                     near_poor, national_merit, …), may be empty
세대번호 (optional)   household_id                     the household (세대); kept only as a keyed
                                                     hash (``household``)
가구원 (optional)     household_members                the members' monthly incomes, ``관계:금액``
                                                     separated by ``;``, summed into the
                                                     household income and size (``household``)
==================  ===============================  ========================================

The file is refused whole, with the row (the header is row 1) and column of every problem, if
any row names an RRN that is not an applicant of the round, repeats an applicant, holds a value
of the wrong type, or is for another round: nothing is stored. Otherwise each row's values become
verified facts with their source ("사회보장정보시스템 조회, <date>"), and the round's matched
applications are judged again in one columnar pass (``evaluation.reevaluate``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ilja import clock, files
from ilja.accounts import audit
from ilja.applications import rounds
from ilja.applications.models import Application, table_of
from ilja.people.models import Person
from ilja.people.person_format.cells import cell_text
from ilja.people.rrn import InvalidRrn, KeyRing, parse_rrn
from ilja.people.rrn.tokens import blind_indexer
from ilja.verification import catalogue, household
from ilja.verification.evaluation import CHUNK, Reevaluation, Withdraw, reevaluate
from ilja.verification.models import Method, RecordsCheck, Verification

COLUMNS = {  # header → (English alias, fact or None)
    "주민등록번호": ("rrn", None),
    "공고번호": ("round_id", None),
    "가구소득(원)": ("household_income_krw", "household_income_krw"),
    "가구재산(원)": ("household_assets_krw", "household_assets_krw"),
    "생계급여": ("livelihood_benefit", "receives_livelihood_benefit"),
    "고용보험": ("employment_insured", "employment_insured"),
    "우선선발대상": ("priority_groups", "priority_groups"),
}
HOUSEHOLD_COLUMNS = {household.HOUSEHOLD_COLUMN: "household_id",
                     household.MEMBERS_COLUMN: "household_members"}
"""Optional columns: a file may leave them out (``household``)."""
ALIASES = {alias: header for header, (alias, _) in COLUMNS.items()} | {
    alias: header for header, alias in HOUSEHOLD_COLUMNS.items()}
MAX_BYTES = 64 * 1024**2
MAX_PROBLEMS = 200
SOURCE = "사회보장정보시스템 조회, {date}"


@dataclass(frozen=True, slots=True)
class Problem:
    row: int  # the header is row 1; 0 for the file as a whole
    column: str
    ko: str
    en: str


class FileRefused(ValueError):
    """The file is refused whole: nothing was changed."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the records-check file; nothing was changed")
        self.problems = problems


@dataclass
class ImportResult:
    check: RecordsCheck
    rows: int
    reevaluation: Reevaluation


def _table(data: bytes, filename: str) -> list[list[Any]]:
    try:
        return files.read_table(data, filename, max_bytes=MAX_BYTES)
    except files.UnreadableTable as exc:
        raise FileRefused([Problem(0, "", exc.ko, exc.en)]) from None


def _header(table: list[list[Any]]) -> dict[str, int]:
    if not table:
        raise FileRefused([Problem(1, "", "머리글 행이 없습니다.", "the file has no header row")])
    names = [(cell_text(c) or "").strip().lstrip("\ufeff") for c in table[0]]
    header = {ALIASES.get(n, n): i for i, n in enumerate(names)}
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise FileRefused([Problem(1, name, f"열이 없습니다: {name}", f"missing column {COLUMNS[name][0]}")
                           for name in missing])
    return header


def _applicants(session: Session, round_id: int) -> dict[str, tuple[int, int]]:
    """The round's applicants by their RRN's blind index: (application id, person id)."""
    rows = session.execute(select(Person.rrn_index, Application.id, Application.person_id)
                           .join(Person, Person.id == Application.person_id)
                           .where(Application.round_id == round_id, Person.rrn_index.is_not(None)))
    return {index: (app_id, person_id) for index, app_id, person_id in rows}


def _applicant(applicants: dict[str, tuple[int, int]], indexers: list[Callable[[str], str]],
               cell: str) -> tuple[int, int] | None:
    """The applicant whose RRN ``cell`` holds (``YYMMDD-GNNNNNN`` or 13 digits, as the registry
    reads it), by its blind index under each key, or None. A number that is an applicant's was
    checked when it was registered; the caller parses only the others (to tell a number that is
    no applicant's from one that is not a number), so 100,000 rows are not parsed again."""
    digits = unicodedata.normalize("NFKC", cell).strip() if not cell.isascii() else cell.strip()
    if len(digits) == 14 and digits[6] == "-":
        digits = digits[:6] + digits[7:]
    if len(digits) != 13 or not digits.isdigit() or not digits.isascii():
        return None
    return next((applicants[i] for index in indexers if (i := index(digits)) in applicants), None)


def read_rows(session: Session, data: bytes, filename: str, round_id: int, keyring: KeyRing
              ) -> list[tuple[int, int, dict[str, Any]]]:
    """The file's rows as (application id, person id, facts), or ``FileRefused`` with every
    problem (row and column) up to ``MAX_PROBLEMS``."""
    table = _table(data, filename)
    header = _header(table)
    applicants = _applicants(session, round_id)
    indexers = [blind_indexer(keyring, key_id=k) for k in [keyring.blind_index.active] + sorted(
        set(keyring.blind_index.keys) - {keyring.blind_index.active})]
    problems: list[Problem] = []
    seen: dict[int, int] = {}
    rows: list[tuple[int, int, dict[str, Any]]] = []
    fact_columns = [(name, header[name], fact, {}) for name, (_, fact) in COLUMNS.items() if fact]
    rrn_at, round_at = header["주민등록번호"], header["공고번호"]
    household_at, members_at = (header.get(name) for name in HOUSEHOLD_COLUMNS)
    households: dict[str, tuple[int, int, int]] = {}
    today = clock.today()
    this_round = str(round_id)
    for number, cells in enumerate(table[1:], start=2):
        if len(problems) >= MAX_PROBLEMS:
            break
        text = [cell_text(c) for c in cells]
        if not any(text):
            continue
        text += [None] * (len(table[0]) - len(text))
        if (text[round_at] or "").strip() != this_round:
            problems.append(Problem(number, "공고번호",
                                    f"다른 공고(또는 빈 칸)의 행입니다: 이 공고는 {round_id}번입니다.",
                                    f"a row for another round (or none): this is round {round_id}"))
            continue
        found = _applicant(applicants, indexers, text[rrn_at] or "")
        if found is None:
            try:
                parse_rrn(text[rrn_at] or "", today=today)
            except InvalidRrn:
                problems.append(Problem(number, "주민등록번호", "주민등록번호 형식이 아닙니다.", "not a valid RRN"))
                continue
            problems.append(Problem(number, "주민등록번호", "이 공고의 신청자가 아닙니다.",
                                    "not an applicant of this round"))
            continue
        if found[0] in seen:
            problems.append(Problem(number, "주민등록번호", f"{seen[found[0]]}행과 같은 신청자입니다.",
                                    f"the same applicant as row {seen[found[0]]}"))
            continue
        seen[found[0]] = number
        facts = {}
        members = (text[members_at] or "") if members_at is not None else ""
        for name, at, fact, parsed in fact_columns:
            if fact == "household_income_krw" and members.strip() and not (text[at] or "").strip():
                continue  # summed from the members
            value = _parse(parsed, fact, text[at] or "")
            if isinstance(value, catalogue.BadValue):
                problems.append(Problem(number, name, value.ko, value.en))
            else:
                facts[fact] = value
        if members_at is not None or household_at is not None:
            identifier = (text[household_at] or "") if household_at is not None else ""
            found_wrong = household.row_facts(facts, members, identifier, keyring, row=number,
                                              seen=households)
            problems += [Problem(number, column, e.ko, e.en) for column, e in found_wrong]
        rows.append((found[0], found[1], facts))
    if problems:
        raise FileRefused(problems)
    return rows


def _parse(parsed: dict[str, Any], fact: str, cell: str) -> Any:
    """``catalogue.parse`` once per distinct cell of a column (``parsed``: the column's cells so
    far, with their value or ``BadValue``): a file repeats a few values (Y, N, no groups, the same
    amounts) down 100,000 rows. A value is shared by the rows that have it, and only read."""
    try:
        return parsed[cell]
    except KeyError:
        try:
            value = catalogue.parse(fact, cell)
        except catalogue.BadValue as error:
            value = error
        parsed[cell] = value
        return value


def _copy_text(value: Any) -> str:
    """A value in COPY's text format: NULL as ``\\N``, backslash, tab and line breaks escaped."""
    if value is None:
        return "\\N"
    text = value.isoformat() if isinstance(value, dt.datetime) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _insert_facts(session: Session, rows: list[tuple[int, int, dict[str, Any]]],
                  shared: dict[str, Any]) -> None:
    """One row per application, its facts as JSON text: PostgreSQL's COPY (one stream instead of
    100,000 statements); on SQLite one ``INSERT … SELECT`` per 25,000 rows from a JSON array of
    them (``json_each``), the shared values put through their column type's own bind processor
    and bound once (binding 100,000 rows one by one from Python, let alone the ORM's per-row
    parameter handling, would cost more than SQLite's own JSON reader)."""
    connection = session.connection()
    dialect = connection.dialect
    table = table_of(Verification)
    per_row = ("application_id", "person_id", "facts")
    columns = ", ".join((*per_row, *shared))
    if dialect.name == "postgresql":
        tail = "\t".join(_copy_text(v) for v in shared.values())
        driver = connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for start in range(0, len(rows), CHUNK):
                copy.write("".join(f"{app_id}\t{person_id}\t{_copy_text(json.dumps(facts))}\t{tail}\n"
                                   for app_id, person_id, facts in rows[start:start + CHUNK]))
        return

    def processor(name: str) -> Any:
        return table.c[name].type.dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)

    constants = tuple(processor(name)(value) for name, value in shared.items())
    picked = ", ".join(f"json_extract(item.value, '$[{i}]')" for i in range(len(per_row)))
    statement = (f"INSERT INTO {table.name} ({columns}) "
                 f"SELECT {picked}, {', '.join(['?'] * len(shared))} FROM json_each(?) AS item")
    for start in range(0, len(rows), CHUNK * 5):
        connection.exec_driver_sql(statement, (*constants, json.dumps(rows[start:start + CHUNK * 5])))


def _earlier(session: Session, round_id: int, ids: set[int]) -> list[int]:
    """The verifications of ``ids`` that the new check replaces: an earlier check's, and staff's
    of a fact a check returns (the newer value wins, as staff's correction of a checked fact
    does; staff's row holds one fact, or a household from its 등본, whose members go with its
    size and income). One query each by the round's range of ids (none at a round's first)."""
    table = table_of(Verification)
    where = (table.c.round_id == round_id, table.c.application_id.between(min(ids), max(ids)))
    checked = set(catalogue.RECORDS_CHECK_FACTS)
    found = [row_id for row_id, app_id in session.execute(
        select(table.c.id, table.c.application_id).where(*where, table.c.check_id.is_not(None))) if app_id in ids]
    found += [row_id for row_id, app_id, facts in session.execute(
        select(table.c.id, table.c.application_id, table.c.facts).where(*where, table.c.check_id.is_(None)))
        if app_id in ids and not checked.isdisjoint(facts)]
    return found


def import_check(session: Session, data: bytes, filename: str, round_id: int, *, checked_on: dt.date,
                 actor: audit.Actor, keyring: KeyRing, now: dt.datetime | None = None,
                 withdraw: Withdraw | None = None) -> ImportResult:
    """Import a records-check result for the round (see the module docstring), in the caller's
    transaction: refused whole, or every row's facts stored and the applications judged again
    (after the draw, a seat given up through ``withdraw``: ``selection.service.withdraw``)."""
    now = now or rounds.now_utc()
    round_row = rounds.lock_round(session, round_id)
    rows = read_rows(session, data, filename, round_id, keyring)
    if not rows:
        raise FileRefused([Problem(0, "", "행이 없습니다.", "the file has no rows")])
    check = RecordsCheck(round_id=round_id, checked_on=checked_on,
                         file_sha256=hashlib.sha256(data).hexdigest(), rows=len(rows),
                         became_ineligible=0, imported_by=actor.id, imported_at=now)
    session.add(check)
    session.flush()
    source = SOURCE.format(date=checked_on.isoformat())
    ids = [app_id for app_id, _, _ in rows]
    table = table_of(Verification)
    earlier = _earlier(session, round_id, set(ids))
    for start in range(0, len(earlier), CHUNK):
        session.execute(delete(table).where(table.c.id.in_(earlier[start:start + CHUNK])))
    _insert_facts(session, rows, {"round_id": round_id, "method": Method.RECORDS_CHECK.value,
                                  "source": source, "check_id": check.id, "verified_by": actor.id,
                                  "verified_at": now})
    result = reevaluate(session, round_row, ids, actor=actor, note=f"{source}: 확인된 사실로 다시 판정",
                        known={app_id: facts for app_id, _, facts in rows}, known_check=check.id, now=now,
                        withdraw=withdraw)
    check.became_ineligible = len(result.became_ineligible)
    audit.record(session, actor, "verification.records_check", object_type="round", object_id=round_id,
                 details={"check": check.id, "rows": len(rows), "file": check.file_sha256[:32],
                          "became_ineligible": check.became_ineligible,
                          "became_eligible": len(result.became_eligible)})
    return ImportResult(check, len(rows), result)
