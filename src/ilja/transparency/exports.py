"""The scorecard as text: a cell for the page, and the CSV and XLSX downloads (one column for
each rate's value, numerator and denominator, so a reader can recompute it)."""

from __future__ import annotations

from typing import Any

from ilja import files
from ilja.i18n import Translator, percent
from ilja.transparency import disclosure
from ilja.transparency.scorecards import CELLS, KINDS, Scorecard

MEDIA_TYPES = {"csv": files.CSV_TYPE, "xlsx": files.XLSX_TYPE}


def cell_text(t: Translator, cell: Any) -> str:
    """``75.4% (34/45명)``, ``비공개`` or ``자료 없음``."""
    if cell.state != "shown":
        return t("transparency.state." + cell.state)
    if isinstance(cell, disclosure.Rate):
        return t("transparency.rate_text", percent=percent(cell.percent), numerator=f"{cell.numerator:,}",
                 denominator=f"{cell.denominator:,}")
    if isinstance(cell, disclosure.Ratio):
        return t("transparency.ratio_text", ratio=cell.value, applicants=f"{cell.applicants:,}",
                 seats=f"{cell.seats:,}")
    if isinstance(cell, disclosure.Mean):
        return t("transparency.mean_text", value=cell.value, count=f"{cell.count:,}")
    return t("transparency.count_text", n=f"{cell.value:,}")


def _values(cell: Any) -> list[Any]:
    """(value, numerator, denominator) of a cell, blank where not published."""
    if isinstance(cell, disclosure.Rate):
        return [cell.percent, cell.numerator, cell.denominator]
    if isinstance(cell, disclosure.Ratio):
        return [cell.value, cell.applicants, cell.seats]
    if isinstance(cell, disclosure.Mean):
        return [cell.value, cell.count, None]
    return [cell.value, None, None]


def table(card: Scorecard, t: Translator) -> tuple[list[str], list[list[Any]]]:
    """One row a provider: kind, provider, year, then for each figure its value, numerator,
    denominator and whether it is published."""
    head = [t("transparency.col.kind"), t("transparency.col.provider"), t("transparency.year")]
    for name in CELLS:
        label = t("transparency.col." + name)
        head += [f"{label} — {t('transparency.col.' + part)}"
                 for part in ("value", "numerator", "denominator", "state")]
    rows = []
    for kind in KINDS:
        for row in card.of(kind):
            line: list[Any] = [t("transparency.kind." + kind), row.name, row.year]
            for _, cell in row.cells():
                line += [*_values(cell), t("transparency.state." + cell.state)]
            rows.append(line)
    return head, rows


def to_csv(card: Scorecard, t: Translator) -> bytes:
    head, rows = table(card, t)
    return files.write_csv(rows, head)


def to_xlsx(card: Scorecard, t: Translator) -> bytes:
    head, rows = table(card, t)
    title = [[t("transparency.title"), t("transparency.as_of", date=card.as_of.isoformat())],
             [t("transparency.rules", minimum=card.rules.min_cell, k=card.rules.k)], [], head]
    return files.write_xlsx(files.Sheet(str(card.year), [*title, *rows], bold=frozenset({3}),
                                        freeze="D5"))
