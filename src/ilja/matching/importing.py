"""Postings from a spreadsheet (XLSX or CSV, Korean or English headers).

Every row is checked first — fields by ``posting_input.parse_rows``, organisation codes against
the database — and nothing is written when any row is bad; the problems say row, column and
reason. A code already in the database updates that posting (so a corrected file can be
imported again); the caller owns the one transaction. Issue 5 §1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from ilja import files
from ilja.accounts import audit
from ilja.matching import service
from ilja.matching.posting_input import column_names, parse_rows

Problem = tuple[int, str, str]  # row (header = 1), column, reason
MAX_BYTES = 16 * 1024**2  # a catalogue of thousands of postings is well under a megabyte


class ImportProblems(ValueError):
    """The file has bad rows; nothing was written."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__(f"{len(problems)} problem(s); nothing written")
        self.problems = list(problems)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def read_table(path: Path | str) -> list[list[object]]:
    """The rows of the first sheet of an XLSX file, or of a CSV file (``files.read_table``)."""
    path = Path(path)
    try:
        return files.read_table(path.read_bytes(), path.name, max_bytes=MAX_BYTES)
    except files.UnreadableTable as error:
        raise ImportProblems([(0, "", error.en)]) from None


def import_postings(session: Session, rows: Sequence[Sequence[object]], *,
                    actor: audit.Actor) -> ImportReport:
    """Check every row, then create or update the postings; raises ``ImportProblems`` (nothing
    written) when any row is bad."""
    parsed, problems = parse_rows(rows)
    column = column_names(list(rows[0])) if rows else {}
    organisations: dict[str, int] = {}
    for row in parsed:
        org = organisations.get(row.organisation_code)
        if org is None:
            found = service.organisation_by_code(session, row.organisation_code)
            if found is None:
                problems.append((row.row, column["organisation_code"],
                                 f"no organisation with code {row.organisation_code}"))
                continue
            organisations[row.organisation_code] = found.id
        existing = service.posting_by_code(session, row.code)
        if existing is not None and existing.organisation_id != organisations[row.organisation_code]:
            problems.append((row.row, column["code"],
                             f"posting {row.code} belongs to another organisation"))
    if problems:
        raise ImportProblems(sorted(problems, key=lambda p: (p[0], p[1])))
    report = ImportReport()
    for row in parsed:
        existing = service.posting_by_code(session, row.code)
        if existing is None:
            service.create_posting(session, service.PostingInput(
                code=row.code, organisation_id=organisations[row.organisation_code],
                **vars(row.fields)), actor=actor)
            report.created.append(row.code)
        else:
            service.update_posting(session, existing.id, row.fields, actor=actor)
            report.updated.append(row.code)
    return report
