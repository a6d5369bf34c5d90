"""What citizens see in place of staff detail: who counts as staff, where each role lands after
log-in, sources by their titles only, the age rule a program card states, the open round a
self-check result links to, and when a program without one is expected to recruit next."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts.roles import STAFF_ROLES
from ilja.applications import rounds as application_rounds
from ilja.applications.models import Round, RoundStatus
from ilja.i18n import Translator
from ilja.rules.engine import Engine
from ilja.rules.parameters import ParameterError
from ilja.rules.sources import default_registry
from ilja.web import countries, plan_view
from ilja.web import format as fmt
from ilja.web.rules_view import INPUT_UNITS, parameter_row

log = logging.getLogger(__name__)

# Staff keep the landing they had; a citizen lands on their own page, not on /account.
RRN_PARAMETER = "common.personal_data.rrn_collection_programs"
# Two English words in a row: a working note, not a Korean citation's section or quote.
ENGLISH_NOTE = re.compile(r"[A-Za-z]{2,}[\s,;:]+[A-Za-z]{2,}")
# Words by which a plan schedule entry recruits (교육생 모집, 참여자 선정), unlike an opening.
RECRUITING = ("모집", "선정")


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


def open_rounds(session: Session) -> dict[str, list[Any]] | None:
    """The rounds taking applications now, by program code; None when the database cannot be
    read (the self-check works without one, and then says where to look instead).

    ``session`` is the request's own: on SQLite a second session in the same request would wait
    for the write lock the request's transaction holds (a logged-in citizen's, since reading
    the log-in session began it) and give up after the busy timeout."""
    try:
        rows = application_rounds.list_rounds(session, [RoundStatus.OPEN])
        taking = [row for row in rows if application_rounds.taking_applications(row)]
    except SQLAlchemyError as error:
        session.rollback()
        log.warning("open rounds unavailable for the self-check (%s)", type(error).__name__)
        return None
    by_program: dict[str, list[Any]] = {}
    for row in taking:
        by_program.setdefault(row.program_code, []).append(row)
    return by_program


def rounds_for(code: str, rounds: dict[str, list[Any]]) -> list[Any]:
    """The open rounds of a program, or of its parent (매력일자리's projects recruit together)."""
    return rounds.get(code) or rounds.get(code.split(".", 1)[0], [])


@dataclass(frozen=True)
class NextRound:
    """When a program without an open round is expected to recruit next, and how we know: a
    round announced to open later (``announced``, with its page), one staff have set up but not
    yet opened (``prepared``, its planned opening day only), or the program plan's schedule
    (``planned``: what the plan says and when). ``when`` is in the page's words."""

    kind: str
    when: str
    title: str = ""
    round_id: int | None = None


def next_rounds(session: Session, t: Translator, codes: list[str]) -> dict[str, NextRound | None]:
    """The next expected round of each program (or of its parent), for the self-check results
    that have no open round: the soonest round opening later, else the plan's next recruitment."""
    now = clock.now()
    later: dict[str, Any] = {}
    try:
        rows = session.execute(select(Round).where(
            Round.status.in_([RoundStatus.OPEN.value, RoundStatus.DRAFT.value]),
            Round.opens_at > now).order_by(Round.opens_at, Round.id)).scalars().all()
    except SQLAlchemyError as error:
        session.rollback()
        log.warning("later rounds unavailable for the self-check (%s)", type(error).__name__)
        rows = []
    for row in rows:
        later.setdefault(row.program_code, (row.id, row.status, row.title, row.opens_at))
    found: dict[str, NextRound | None] = {}
    for code in codes:
        row = later.get(code) or later.get(code.split(".", 1)[0])
        if row is None:
            found[code] = _planned(t, code)
        elif row[1] == RoundStatus.OPEN.value:
            found[code] = NextRound("announced", fmt.datetime_seoul(row[3]), row[2], row[0])
        else:
            found[code] = NextRound("prepared", fmt.datetime_seoul(row[3])[:10])
    return found


def _planned(t: Translator, code: str) -> NextRound | None:
    """The plan schedule's next recruitment of the program (or its parent): the soonest one to
    start after today, else one under way this year. Only entries that say they recruit or
    select (``RECRUITING``) count; the schedule also lists openings and launches."""
    programs = {p.code: p for p in plan_view.plan().programs}
    program = programs.get(code) or programs.get(code.split(".", 1)[0])
    today = clock.today()
    entries = [e for e in (program.schedule if program else [])
               if e.label and any(word in e.label.ko for word in RECRUITING)]
    coming = sorted((e for e in entries if e.start > today), key=lambda e: e.start)
    running = [e for e in entries
               if e.start <= today <= (e.end or dt.date(e.start.year, 12, 31))]
    entry = (coming or running or [None])[0]
    if entry is None:
        return None

    def show(day: dt.date) -> str:
        return fmt.month(t, day) if entry.precision == "month" else fmt.date(day)

    when = show(entry.start)
    if entry.end is None:
        when = t("citizen.from_on", when=when)
    elif show(entry.end) != when:
        when = f"{when} ~ {show(entry.end)}"
    return NextRound("planned", when, t.pick(entry.label.ko, entry.label.en))


def eligibility(t: Translator, result: Any) -> list[dict[str, Any]]:
    """A stored eligibility result in the page's words: each condition with the person's values
    and the rules it used, translated like the self-check (never raw codes or parameter ids)."""
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
            elif name == "nationality":
                shown = countries.name(value, t.lang)
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


def mainly_for(t: Translator, codes: list[str]) -> dict[str, str]:
    """Whom each program (or its parent) mainly serves, as the plan states it (청년취업사관학교:
    "만 15세 이상 서울시민 (20~30대 청년 구직자 중심)"), shown beside an "eligible" result so
    that an 87-year-old told they may apply to the "청년" academy also reads whom it centres on."""
    programs = {p.code: p for p in plan_view.plan().programs}
    found = {}
    for code in codes:
        program = programs.get(code) or programs.get(code.split(".", 1)[0])
        if program is not None and program.target_group is not None:
            found[code] = t.pick(program.target_group.ko, program.target_group.en)
    return found


def rrn_programs(engine: Engine, on: dt.date) -> list[str]:
    """The programs with a legal basis to collect resident registration numbers on ``on`` (the
    dated parameter the registry enforces), so the privacy policy says what the code does."""
    try:
        return list(engine.tree.get(RRN_PARAMETER).entry_at(on).value or [])
    except ParameterError:
        return []
