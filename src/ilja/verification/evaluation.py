"""Re-evaluating applications with their verified facts, many at once.

The rules engine's columnar path (``Engine.evaluate_population``) judges every application in
one pass. The stored snapshot is then brought up to date in one of two ways: where the verdict
changed (eligibility, priority, bonus points) the one-person path takes a whole new snapshot —
it is a decision with its explanation, and it may need a notice; where only facts moved from
"to be verified" to verified, the stored snapshot is patched (each condition's status from the
batch, the verified values in its inputs), which ``tests/verification`` holds equal to a new
snapshot. Status moves follow: newly not eligible before the draw → ``ineligible`` (a
``not_eligible`` decision with reasons and an appeal route, through ``applications.statuses``);
after the draw the seat goes to the next in line through the ``withdraw`` the caller hands in
(``selection.service.withdraw``: verification sits below selection, whose draw reads the verified
facts); an application that a verified fact makes eligible again goes back to ``eligible``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
from sqlalchemy import Text, bindparam, cast, select, update
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.applications import rounds, statuses
from ilja.applications import service as applications
from ilja.applications import snapshot as snapshots
from ilja.applications.adverse import eligibility_wording
from ilja.applications.models import Application, ApplicationStatus, Round, table_of
from ilja.people import training_history
from ilja.people.models import EndedCourse, Person
from ilja.people.registry import FORMAT_COLUMNS
from ilja.rules.engine import Engine, default_engine
from ilja.rules.population import Period, Population, TrainingRecord
from ilja.rules.population import Person as FormatPerson
from ilja.verification import catalogue
from ilja.verification.models import Verification

S = ApplicationStatus
CHUNK = 5000
BEFORE_DRAW = (S.ELIGIBLE.value, S.INELIGIBLE.value)
AFTER_DRAW = (S.SELECTED.value, S.WAITLISTED.value)
Withdraw = Callable[..., Any]
"""``selection.service.withdraw(session, round_id, leavers, *, actor, note, now)``."""


@dataclass
class Reevaluation:
    """What a re-evaluation changed: applications newly not eligible, newly eligible, and how
    many snapshots were patched or taken anew."""

    became_ineligible: list[int]
    became_eligible: list[int]
    patched: int
    retaken: int


def verified_of(session: Session, application_ids: Sequence[int], *, round_id: int | None = None,
                except_check: int | None = None) -> dict[int, dict[str, Any]]:
    """Each application's verified facts: ``{application_id: {fact: value}}``, leaving out the
    records check ``except_check`` (whose facts the caller holds). With ``round_id`` (the
    applications' round), one query reads the round's verifications between the smallest and
    the largest id instead of one per 5,000 ids."""
    found: dict[int, dict[str, Any]] = {}
    wanted = set(application_ids)
    table = table_of(Verification)
    if round_id is not None and wanted:
        queries = [(table.c.round_id == round_id, table.c.application_id.between(min(wanted), max(wanted)))]
    else:
        queries = [(table.c.application_id.in_(application_ids[start:start + CHUNK]),)
                   for start in range(0, len(application_ids), CHUNK)]
    for where in queries:
        query = select(table.c.application_id, table.c.facts).where(*where)
        if except_check is not None:
            query = query.where(table.c.check_id.is_distinct_from(except_check))
        for app_id, facts in session.execute(query):
            if app_id in wanted:
                found.setdefault(app_id, {}).update(facts)
    return found


def persons_of(session: Session, person_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The registry's person-format fields with the whole training history, for many people."""
    people: dict[int, dict[str, Any]] = {}
    fields = _FieldReader()
    persons = table_of(Person)
    for start in range(0, len(person_ids), CHUNK):
        for row in session.execute(select(persons.c.id, *fields.columns)
                                   .where(persons.c.id.in_(person_ids[start:start + CHUNK]))):
            people[row[0]] = fields.read(row[1:])
    return _with_history(session, people)


class _FieldReader:
    """The person-format columns as one query selects them, and each row's fields from them.

    The JSON columns come as text (``CAST``) and are decoded once per distinct text: in a round
    most people share a handful of values (``[]``, one group), and a decoder call per cell would
    cost more than the query. A decoded value is shared by the people who have it, so it is
    read, never changed in place (``catalogue.apply`` and ``_format_fields`` build new lists).
    """

    JSON_FIELDS = ("vulnerable_groups", "unemployment_benefit_periods", "training_history")

    def __init__(self) -> None:
        persons = table_of(Person)
        self.columns = [cast(persons.c[name], Text) if name in self.JSON_FIELDS else persons.c[name]
                        for name in FORMAT_COLUMNS]
        self._json_at = [i for i, name in enumerate(FORMAT_COLUMNS) if name in self.JSON_FIELDS]
        self._decoded: dict[str, Any] = {}

    def read(self, values: Sequence[Any]) -> dict[str, Any]:
        values = list(values)
        for i in self._json_at:
            text = values[i]
            if text is not None:
                decoded = self._decoded.get(text)
                if decoded is None:
                    decoded = self._decoded[text] = json.loads(text)
                values[i] = decoded
        return dict(zip(FORMAT_COLUMNS, values, strict=True))


def _with_history(session: Session, people: dict[int, dict[str, Any]], round_id: int | None = None
                  ) -> dict[int, dict[str, Any]]:
    """``people`` with each one's whole training history: the registry's and the courses ended
    here (``people.training_history``). With ``round_id`` (``people`` its applicants), only
    those with a history of either kind are looked up: which of the round's applicants ended a
    course here is one query by round, where a look-up of each of 100,000 people is 20 queries
    of 5,000 ids (mostly the binding of the ids)."""
    wanted = people
    if round_id is not None:
        ended = set(session.scalars(select(EndedCourse.person_id).distinct()
                                    .join(Application, Application.person_id == EndedCourse.person_id)
                                    .where(Application.round_id == round_id)))
        wanted = {pid: p for pid, p in people.items() if p["training_history"] or pid in ended}
    histories = training_history.histories(session, {pid: p["training_history"] or []
                                                     for pid, p in wanted.items()})
    for pid, person in people.items():
        person["training_history"] = histories.get(pid, [])
    return people


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _format_person(person_id: int, fields: dict[str, Any]) -> FormatPerson:
    """The person format built without validating again: the registry validated every field
    when it stored it (and the verified facts were checked when they were recorded)."""
    return FormatPerson.model_construct(**_format_fields(person_id, fields))


def _column_row(person_id: int, fields: dict[str, Any]) -> Any:
    """The same values as plain attributes, which is all ``Population.from_persons`` reads: a
    round's worth of pydantic objects would cost more than judging them."""
    return SimpleNamespace(**{**_FORMAT_DEFAULTS, **_format_fields(person_id, fields)})


_FORMAT_DEFAULTS = {name: field.default for name, field in FormatPerson.model_fields.items()
                    if not field.is_required() and field.default_factory is None}


def _format_fields(person_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    return {
        **fields, "id": str(person_id),
        "vulnerable_groups": list(fields.get("vulnerable_groups") or []),
        "unemployment_benefit_periods": [Period.model_construct(start=_date(p["start"]), end=_date(p["end"]))
                                         for p in fields.get("unemployment_benefit_periods") or []],
        "training_history": [TrainingRecord.model_construct(program=r["program"], start=_date(r["start"]),
                                                            end=_date(r["end"]), result=r["result"])
                             for r in fields.get("training_history") or []]}


VERIFIED_FIELDS = frozenset({"household_income_krw", "household_size", "household_assets_krw",
                             "receives_livelihood_benefit", "vulnerable_groups", "sido", "employment_status"})
"""The person-format fields a verified fact can change (``catalogue.apply``)."""


def _patched(stored: dict[str, Any], person: Any, failed: list[str],
             to_verify: list[str]) -> dict[str, Any]:
    """The stored snapshot with each condition's status from the batch and the verified values
    in its inputs (the verdict is unchanged, so the parameters and exceptions are too)."""
    fields = VERIFIED_FIELDS
    new = dict(stored, failed=failed, to_verify=to_verify, eligible=not failed)
    conditions = []
    for condition in stored["conditions"]:
        cid = condition["id"]
        status = "failed" if cid in failed else "to_verify" if cid in to_verify else "held"
        inputs = {k: (getattr(person, k) if k in fields else v) for k, v in condition["inputs"].items()}
        conditions.append(dict(condition, status=status, inputs=inputs))
    new["conditions"] = conditions
    return new


def reevaluate(session: Session, round_row: Round, application_ids: Sequence[int], *,
               actor: audit.Actor, note: str, known: dict[int, dict[str, Any]] | None = None,
               known_check: int | None = None, engine: Engine | None = None,
               now: dt.datetime | None = None, withdraw: Withdraw | None = None) -> Reevaluation:
    """Judge the applications again with their verified facts and store the result (see the
    module docstring). ``known``: facts the caller holds, by application, over those stored
    (``known_check``: the records check that stored them, not read back). ``withdraw``: how a
    seat or waitlist place is given up when its holder is found not eligible after the draw
    (``selection.service.withdraw``); without it, that finding is refused. One transaction: the
    caller's.

    The verified persons are judged in columns, once. An application whose verdict (eligible,
    bonus points, priority) is unchanged keeps its snapshot untouched where its verified values
    equal its declared ones (judged on the same values, its conditions came out the same), and
    is patched where they differ; a changed verdict takes a new snapshot. So the per-row work
    is where something changed.
    """
    engine = engine or default_engine()
    now = now or rounds.now_utc()
    program = round_row.program_code
    apps, people = _applications(session, round_row.id, application_ids)
    known = known or {}
    verified = verified_of(session, [a.id for a in apps], round_id=round_row.id, except_check=known_check)
    for app_id, facts in known.items():
        verified.setdefault(app_id, {}).update(facts)
    applied = [catalogue.apply(people[a.person_id], verified.get(a.id, {})) for a in apps]
    persons = [_column_row(a.person_id, fields) for a, fields in zip(apps, applied, strict=True)]
    after = _columns(engine, persons, round_row)
    failed_lists = after.decode(after.failed)
    verify_lists = after.decode(after.unverified)
    priority = after.priority if after.priority is not None else np.zeros(len(apps), dtype=bool)
    bonus = after.bonus if after.bonus is not None else np.zeros(len(apps))
    report = Reevaluation([], [], 0, 0)
    contexts: dict[str, int] = {}
    retaken: list[dict[str, Any]] = []
    to_patch: list[int] = []
    for i, app in enumerate(apps):
        eligible = not failed_lists[i]
        score, prio = float(bonus[i]), bool(priority[i])
        if (eligible, score, prio) != (bool(app.eligible), float(app.score), bool(app.priority)):
            snap = snapshots.take(engine.evaluate_person(_format_person(app.person_id, applied[i]),
                                                         round_row.starts_on,
                                                         round_row.announced_on, [program]), program)
            retaken.append({"b_id": app.id, "b_eligible": eligible, "b_score": score, "b_priority": prio,
                            "b_eligibility": snap.person,
                            "b_context": applications.context_id(session, snap, contexts)})
            if app.eligible and not eligible:
                report.became_ineligible.append(app.id)
            elif eligible and not app.eligible:
                report.became_eligible.append(app.id)
        elif applied[i] != people[app.person_id]:
            to_patch.append(i)
    report.retaken = len(retaken)
    report.patched = len(to_patch)
    patched = _patch_rows(session, [apps[i].id for i in to_patch], {
        apps[i].id: (persons[i], failed_lists[i], verify_lists[i]) for i in to_patch})
    _store(session, retaken, patched)
    _move(session, round_row, apps, report, actor=actor, note=note, now=now, withdraw=withdraw)
    return report


def _applications(session: Session, round_id: int, application_ids: Sequence[int]
                  ) -> tuple[list[Any], dict[int, dict[str, Any]]]:
    """The round's applications ``application_ids`` (by id) and their people's fields, in one
    query: the round's applications from the smallest id to the largest, those not asked for
    left out here (a records check names most of a round, and 5,000-long ``IN`` lists cost
    more to build and bind than the few rows they would spare). Core columns: the ORM's row
    handling would cost more than the query."""
    wanted = set(application_ids)
    if not wanted:
        return [], {}
    fields = _FieldReader()
    apps_table, persons = table_of(Application), table_of(Person)
    query = (select(apps_table.c.id, apps_table.c.person_id, apps_table.c.status, apps_table.c.eligible,
                    apps_table.c.score, apps_table.c.priority, *fields.columns)
             .join(persons, persons.c.id == apps_table.c.person_id)
             .where(apps_table.c.round_id == round_id,
                    apps_table.c.id.between(min(wanted), max(wanted)))
             .order_by(apps_table.c.id))
    apps, people = [], {}
    for row in session.execute(query).all():
        if row[0] in wanted:
            apps.append(row)
            people[row[1]] = fields.read(row[6:])
    return apps, _with_history(session, people, round_id)


def _columns(engine: Engine, persons: list[Any], round_row: Round) -> Any:
    result = engine.evaluate_population(Population.from_persons(persons), round_row.starts_on,
                                        round_row.announced_on, [round_row.program_code])
    return result.columns[round_row.program_code]


def _patch_rows(session: Session, ids: list[int],
                new: dict[int, tuple[Any, list[str], list[str]]]) -> list[dict[str, Any]]:
    rows = []
    for start in range(0, len(ids), CHUNK):
        for app_id, stored in session.execute(select(Application.id, Application.eligibility)
                                              .where(Application.id.in_(ids[start:start + CHUNK]))):
            person, failed, to_verify = new[app_id]
            rows.append({"b_id": app_id, "b_eligibility": _patched(stored, person, failed, to_verify)})
    return rows


def _store(session: Session, retaken: list[dict[str, Any]], patched: list[dict[str, Any]]) -> None:
    table = table_of(Application)
    base = update(table).where(table.c.id == bindparam("b_id"))
    session.flush()
    for start in range(0, len(patched), CHUNK):
        session.execute(base.values(eligibility=bindparam("b_eligibility")), patched[start:start + CHUNK])
    if retaken:
        session.execute(base.values(
            eligible=bindparam("b_eligible"), score=bindparam("b_score"), priority=bindparam("b_priority"),
            eligibility=bindparam("b_eligibility"), eligibility_context_id=bindparam("b_context")), retaken)


def _move(session: Session, round_row: Round, apps: Sequence[Any], report: Reevaluation, *,
          actor: audit.Actor, note: str, now: dt.datetime, withdraw: Withdraw | None) -> None:
    status = {a.id: a.status for a in apps}
    moves = [statuses.BulkMove(i, status[i], S.INELIGIBLE, "verification.ineligible")
             for i in report.became_ineligible if status[i] == S.ELIGIBLE]
    moves += [statuses.BulkMove(i, status[i], S.ELIGIBLE, "verification.eligible")
              for i in report.became_eligible if status[i] == S.INELIGIBLE]
    if moves:
        statuses.record_moves(session, moves, actor=actor,
                              program_kind=rounds.program_kind(round_row.program_code),
                              note=note, now=now, wording=eligibility_wording)
    seated = {i: "ineligible" for i in report.became_ineligible if status[i] in AFTER_DRAW}
    if seated:
        if withdraw is None:
            raise TypeError("an application holding a seat was found not eligible: the caller must hand in "
                            "selection's withdraw")
        withdraw(session, round_row.id, seated, actor=actor, note=note, now=now)
