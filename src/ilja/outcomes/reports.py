"""Reports for officials: an XLSX workbook with a sheet per program and the period's tables
(rates with numerator and denominator, every target against its actual figure, the 2030
projection, breakdowns and trends), and a PDF summary with the charts, Pretendard GOV embedded.

Numbers are written as numbers (not text) so they paste into a report's tables and sum there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ilja import files
from ilja.i18n import Translator
from ilja.outcomes import charts, dashboard, figures, queries
from ilja.outcomes.dashboard import Dashboard
from ilja.outcomes.kpi import scope_of
from ilja.outcomes.queries import Filters
from ilja.outcomes.rates import cohort_for, definition
from ilja.programs.loader import load_plan
from ilja.programs.plan import Plan

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _year(value: int | None) -> figures.Year | None:
    """A year for the tables: ``2030`` in the PDF (``2,030`` as a plain int), a number in XLSX."""
    return None if value is None else figures.Year(value)


def rate_rows(d: Dashboard, t: Translator) -> list[list[Any]]:
    rows = []
    for r in d.rates:
        doc = r.document
        rows.append([t("outcomes.def." + r.rule.name), r.cohort.start.isoformat(), r.cohort.end.isoformat(),
                     r.cohort.as_of.isoformat(), r.group.numerator, r.group.denominator, r.group.excluded,
                     _value(r.group.percent),
                     None if doc is None else (f"{doc.value}–{doc.value_max}" if doc.value_max else doc.value),
                     ", ".join(sorted(r.rule.counted_outcomes)), r.rule.window_months])
    return rows


RATE_HEAD = ("def", "cohort_start", "cohort_end", "as_of", "numerator", "denominator", "excluded", "rate",
             "document", "counted", "window")
KPI_HEAD = ("metric", "scope", "year", "kind", "target", "actual", "actual_year", "gap", "attainment",
            "status", "actual_source", "target_source")


def kpi_table(d: Dashboard, t: Translator) -> list[list[Any]]:
    rows = []
    for row in d.kpis:
        target = row.target
        goal = target.value if target.value_max is None else f"{target.value}–{target.value_max}"
        rows.append([t.pick(target.label.ko, target.label.en), d.label(scope_of(target)), _year(target.year),
                     t("outcomes.kind." + target.kind), goal,
                     _value(row.actual.value) if row.actual else None,
                     _year(row.actual.year) if row.actual else None,
                     _value(row.gap), _value(row.attainment), t("outcomes.status." + row.status),
                     row.actual.source if row.actual else None, target.source])
    return rows


def program_rows(session: Session, d: Dashboard, program: str,
                 t: Translator) -> list[tuple[str, list[str], list[list[Any]]]]:
    """A program's own tables: intake and completers by year and track, and its employment rate by
    campus/district under the cumulative definition's rules (applied to this program)."""
    filters = dataclasses.replace(d.filters, program=program)
    intake = queries.intake(session, years=(d.year - 4, d.year), filters=filters, by="track")
    rule = dataclasses.replace(definition("cumulative_rate", min(d.as_of, dt.date(d.year, 12, 31))),
                               programs=frozenset({program}))
    cohort = cohort_for(rule, year=d.year, as_of=min(d.as_of, dt.date(d.year, 12, 31)))
    head = [t("outcomes.col.numerator"), t("outcomes.col.denominator"), t("outcomes.col.excluded"),
            t("outcomes.col.rate")]
    tables = [(t("outcomes.xlsx.intake"), [t("outcomes.col.year"), t("outcomes.dim.track"), t("outcomes.col.intake"),
                                           t("outcomes.col.completers")],
               [[y, d.label(g), n, c] for y, g, n, c in intake])]
    for dim in ("campus", "district", "track"):
        groups = queries.rate_groups(session, rule, cohort, filters, dim)  # type: ignore[arg-type]
        tables.append((t("outcomes.xlsx.rate_by", dimension=t("outcomes.dim." + dim)),
                       [t("outcomes.dim." + dim), *head],
                       [[d.label(g.key), g.numerator, g.denominator, g.excluded, _value(g.percent)] for g in groups]))
    return tables


def _sheet(title: str, tables: list[tuple[str, list[str], list[list[Any]]]]) -> files.Sheet:
    """Tables one below the other, each under its caption (bold, as is its header row)."""
    rows: list[list[Any]] = []
    bold: set[int] = set()
    for caption, head, values in tables:
        bold.update((len(rows), len(rows) + 1))
        rows += [[caption], head, *([_value(value) for value in line] for line in values), []]
    return files.Sheet(title, rows, bold=frozenset(bold), width=18)


def xlsx(session: Session, d: Dashboard, t: Translator, plan: Plan) -> bytes:
    sheets = [_sheet(t("outcomes.xlsx.summary"), [
        (t("outcomes.rates_title"), [t("outcomes.xlsx." + h) for h in RATE_HEAD], rate_rows(d, t)),
        (t("outcomes.kpi_title"), [t("outcomes.xlsx." + h) for h in KPI_HEAD], kpi_table(d, t)),
    ])]
    sheets += [_sheet(figure.title, [(figure.title, figure.head, figure.rows)])
               for figure in figures.all_figures(d, t, fmt="none")]
    programs = [d.filters.program] if d.filters.program else [p.code for p in plan.programs if p.parent is None]
    sheets += [_sheet(d.label(program), program_rows(session, d, program, t)) for program in programs]
    return files.write_xlsx(*sheets)


class _Pdf:
    def __init__(self, t: Translator) -> None:
        # lazy: optional heavy dependency (fpdf), loaded only when this feature runs
        from fpdf import FPDF

        self.pdf = FPDF(orientation="portrait", format="A4")
        self.pdf.set_auto_page_break(True, margin=15)
        self.pdf.add_font("Pretendard", fname=str(charts.FONT))
        self.pdf.add_font("Pretendard", style="B", fname=str(charts.FONT.with_name("PretendardGOV-Bold.otf")))
        self.pdf.set_font("Pretendard", size=10)
        self.pdf.set_title(t("outcomes.pdf_title"))
        self.pdf.set_lang("ko" if t.lang == "ko" else "en")

    def heading(self, text: str, size: int = 13) -> None:
        self.pdf.set_font("Pretendard", size=size)
        self.pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font("Pretendard", size=9)

    def table(self, head: list[str], rows: list[list[Any]]) -> None:
        self.pdf.set_font("Pretendard", size=8)
        with self.pdf.table(text_align="LEFT", line_height=5) as table:
            table.row([str(h) for h in head])
            for values in rows:
                table.row([figures.cell(_value(v) if not isinstance(v, float) else v) for v in values])
        self.pdf.ln(3)


def pdf(d: Dashboard, t: Translator) -> bytes:
    doc = _Pdf(t)
    doc.pdf.add_page()
    doc.heading(t("outcomes.pdf_title") + f" — {d.year}", 16)
    doc.heading(t("outcomes.pdf_as_of", as_of=d.as_of.isoformat()), 9)
    doc.heading(t("outcomes.rates_title"))
    doc.table([t("outcomes.xlsx." + h) for h in RATE_HEAD[:8]], [r[:8] for r in rate_rows(d, t)])
    doc.heading(t("outcomes.kpi_title"))
    kpis = [[r[0], r[1], r[2], r[4], r[5], r[7], r[9]] for r in kpi_table(d, t) if r[5] is not None]
    doc.table([t("outcomes.xlsx." + h) for h in ("metric", "scope", "year", "target", "actual", "gap", "status")], kpis)
    for figure in figures.all_figures(d, t, fmt="png"):
        doc.pdf.add_page()
        doc.heading(figure.title)
        doc.pdf.image(io.BytesIO(figure.image), w=180)
        doc.table(figure.head, figure.rows)
    return bytes(doc.pdf.output())


def render_report(session: Session, fmt: str, *, year: int, filters: Filters = Filters(),
                  lang: str = "ko", as_of: dt.date | None = None) -> bytes:
    """The ``xlsx`` workbook or the ``pdf`` summary for ``year`` under ``filters``."""
    t = Translator(lang)
    plan = load_plan()
    d = dashboard.build(session, year=year, as_of=as_of, filters=filters, lang=lang, plan=plan)
    if fmt == "xlsx":
        return xlsx(session, d, t, plan)
    if fmt == "pdf":
        return pdf(d, t)
    raise ValueError(f"unknown report format {fmt!r}: xlsx or pdf")
