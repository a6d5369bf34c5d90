"""What citizens see in place of staff detail: who counts as staff, where each role lands after
log-in, sources by their titles only, the age rule a program card states, and the open round a
self-check result links to."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError

from ilja.accounts.roles import STAFF_ROLES
from ilja.rules.engine import Engine
from ilja.rules.parameters import ParameterError
from ilja.rules.sources import default_registry
from ilja.web.i18n import Translator

log = logging.getLogger(__name__)

# Staff keep the landing they had; a citizen lands on their own page, not on /account.
RRN_PARAMETER = "common.personal_data.rrn_collection_programs"
# Two English words in a row: a working note, not a Korean citation's section or quote.
ENGLISH_NOTE = re.compile(r"[A-Za-z]{2,}[\s,;:]+[A-Za-z]{2,}")


def is_staff(user: Any) -> bool:
    """Parameter ids, condition codes and source notes are shown to staff roles only."""
    return user is not None and user.role in STAFF_ROLES


def cited_titles(t: Translator, source: str) -> str:
    """A cited source as citizens read it: the citation as it is, unless a Korean page would
    show an English working note in it; then the titles of the cited documents only. Empty
    when it cites no registered document (an assumption)."""
    titles = [s.title(t.lang) for s in default_registry() if s.title(t.lang) in source]
    if not titles:
        return ""
    rest = source
    for title in titles:
        rest = rest.replace(title, "")
    if t.lang == "ko" and ENGLISH_NOTE.search(rest):
        return " · ".join(dict.fromkeys(titles))
    return source


def age_rule(engine: Engine, t: Translator, code: str, on: dt.date) -> str | None:
    """The program's age rule in one sentence ("만 15세 이상이면 나이 제한 없이 …"), so that a
    program named for young people does not turn away the older people its rules admit."""
    def value(name: str) -> Any:
        parameter = engine.tree.get(name) if name in engine.tree else None
        if parameter is None:
            return None
        try:
            return parameter.entry_at(on).value
        except ParameterError:
            return None

    low = value(f"{code}.eligibility.min_age")
    if low is None:
        return None
    high = value(f"{code}.eligibility.max_age")
    if high is None:
        return t("citizen.age_rule_open", age=low)
    return t("citizen.age_rule_range", low=low, high=high)


def open_rounds(request: Request) -> dict[str, list[Any]] | None:
    """The rounds taking applications now, by program code; None when the database cannot be
    read (the self-check works without one, and then says where to look instead)."""
    from ilja.applications import service
    from ilja.applications.models import RoundStatus
    from ilja.db import get_engine, session_factory

    factory = getattr(request.app.state, "session_factory", None) or session_factory(get_engine())
    try:
        with factory() as session:
            rows = service.list_rounds(session, [RoundStatus.OPEN])
            taking = [row for row in rows if service.taking_applications(row)]
            for row in taking:
                session.expunge(row)
    except SQLAlchemyError as error:
        log.warning("open rounds unavailable for the self-check (%s)", type(error).__name__)
        return None
    by_program: dict[str, list[Any]] = {}
    for row in taking:
        by_program.setdefault(row.program_code, []).append(row)
    return by_program


def rounds_for(code: str, rounds: dict[str, list[Any]]) -> list[Any]:
    """The open rounds of a program, or of its parent (매력일자리's projects recruit together)."""
    return rounds.get(code) or rounds.get(code.split(".", 1)[0], [])


def eligibility(t: Translator, result: Any) -> list[dict[str, Any]]:
    """A stored eligibility result in the page's words: each condition with the person's values
    and the rules it used, translated like the self-check (never raw codes or parameter ids)."""
    from ilja.web import format as fmt
    from ilja.web.rules_view import INPUT_UNITS, parameter_row

    conditions = []
    for condition in result.conditions:
        values = []
        for name, value in condition.inputs.items():
            if value is None:
                shown = t("values.not_given")
            elif name in INPUT_UNITS and isinstance(value, int | float) and not isinstance(value, bool):
                shown = t(f"units.{INPUT_UNITS[name]}", n=fmt.number(value))
            elif name == "unemployment_benefit_periods":
                shown = ", ".join(p.replace("/", " ~ ") for p in value) or t("values.none")
            else:
                shown = fmt.plain(t, value)
            label = t(f"inputs.{name}") if t.has(f"inputs.{name}") else name
            values.append((label, shown))
        conditions.append({
            "status": condition.status, "label": t.pick(condition.label_ko, condition.label_en),
            "inputs": values,
            "parameters": [parameter_row(t, use) for use in
                           {use.name: use for use in condition.parameters}.values()],
            "exceptions": [t(f"exceptions.{e}") if t.has(f"exceptions.{e}") else e
                           for e in condition.exceptions],
        })
    return conditions


def rrn_programs(engine: Engine, on: dt.date) -> list[str]:
    """The programs with a legal basis to collect resident registration numbers on ``on`` (the
    dated parameter the registry enforces), so the privacy policy says what the code does."""
    try:
        return list(engine.tree.get(RRN_PARAMETER).entry_at(on).value or [])
    except ParameterError:
        return []
