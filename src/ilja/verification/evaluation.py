"""Re-evaluating applications with their verified facts, many at once.

The rules engine's columnar path (``Engine.evaluate_population``) judges every application in
one pass. The stored snapshot is then brought up to date in one of two ways: where the verdict
changed (eligibility, priority, bonus points) the one-person path takes a whole new snapshot —
it is a decision with its explanation, and it may need a notice; where only facts moved from
"to be verified" to verified, the stored snapshot is patched (each condition's status from the
batch, the verified values in its inputs), which ``tests/verification`` holds equal to a new
snapshot. Status moves follow: newly not eligible before the draw → ``ineligible`` (a
``not_eligible`` decision with reasons and an appeal route, through ``applications.statuses``);
after the draw the seat goes to the waitlist (``selection.service.withdraw``); an application
that a verified fact makes eligible again goes back to ``eligible``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.applications import service as applications
from ilja.applications import snapshot as snapshots
from ilja.applications.models import Application, ApplicationStatus, Round, table_of
from ilja.people.models import Person
from ilja.people.registry import FORMAT_COLUMNS
from ilja.rules.engine import Engine, default_engine
from ilja.rules.population import Person as FormatPerson
from ilja.rules.population import Population
from ilja.verification import catalogue
from ilja.verification.models import VerifiedFact

S = ApplicationStatus
CHUNK = 5000
BEFORE_DRAW = (S.ELIGIBLE.value, S.INELIGIBLE.value)
AFTER_DRAW = (S.SELECTED.value, S.WAITLISTED.value)


@dataclass
class Reevaluation:
    """What a re-evaluation changed: applications newly not eligible, newly eligible, and how
    many snapshots were patched or taken anew."""

    became_ineligible: list[int]
    became_eligible: list[int]
    patched: int
    retaken: int


def verified_of(session: Session, application_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Each application's verified facts: ``{application_id: {fact: value}}``."""
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(application_ids), CHUNK):
        rows = session.execute(select(VerifiedFact.application_id, VerifiedFact.fact, VerifiedFact.value)
                               .where(VerifiedFact.application_id.in_(application_ids[start:start + CHUNK])))
        for app_id, fact, value in rows:
            found.setdefault(app_id, {})[fact] = value
    return found


def persons_of(session: Session, person_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The registry's person-format fields with the whole training history, for many people."""
    from ilja.training.service import ended_courses_of

    columns = [getattr(Person, name) for name in FORMAT_COLUMNS]
    people: dict[int, dict[str, Any]] = {}
    for start in range(0, len(person_ids), CHUNK):
        for row in session.execute(select(Person.id, *columns)
                                   .where(Person.id.in_(person_ids[start:start + CHUNK]))):
            people[row[0]] = dict(zip(FORMAT_COLUMNS, row[1:], strict=True))
    histories = ended_courses_of(session, {pid: p["training_history"] or [] for pid, p in people.items()})
    for pid, person in people.items():
        person["training_history"] = histories[pid]
    return people


def _format_person(person_id: int, fields: dict[str, Any]) -> FormatPerson:
    return FormatPerson.model_validate({"id": str(person_id), **fields})


def _patched(stored: dict[str, Any], person: FormatPerson, failed: list[str], to_verify: list[str],
             verified: set[str]) -> dict[str, Any]:
    """The stored snapshot with each condition's status from the batch and the verified values
    in its inputs (the verdict is unchanged, so the parameters and exceptions are too)."""
    fields = {"household_income_krw", "household_assets_krw", "receives_livelihood_benefit",
              "vulnerable_groups", "sido", "employment_status"} if verified else set()
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
               actor: audit.Actor, note: str, engine: Engine | None = None,
               now: dt.datetime | None = None) -> Reevaluation:
    """Judge the applications again with their verified facts and store the result (see the
    module docstring). One transaction: the caller's."""
    engine = engine or default_engine()
    now = now or applications.now_utc()
    program = round_row.program_code
    ids = sorted(set(application_ids))
    apps = []
    for start in range(0, len(ids), CHUNK):
        apps.extend(session.execute(
            select(Application.id, Application.person_id, Application.status, Application.eligible,
                   Application.score, Application.priority, Application.eligibility)
            .where(Application.id.in_(ids[start:start + CHUNK]))).all())
    apps.sort(key=lambda a: a.id)
    people = persons_of(session, [a.person_id for a in apps])
    verified = verified_of(session, [a.id for a in apps])
    persons = [_format_person(a.person_id, catalogue.apply(people[a.person_id], verified.get(a.id, {})))
               for a in apps]
    result = engine.evaluate_population(Population.from_persons(persons), round_row.starts_on,
                                        round_row.announced_on, [program])
    columns = result.columns[program]
    failed_lists = columns.decode(columns.failed)
    verify_lists = columns.decode(columns.unverified)
    priority = columns.priority if columns.priority is not None else np.zeros(len(apps), dtype=bool)
    bonus = columns.bonus if columns.bonus is not None else np.zeros(len(apps))
    updates: list[dict[str, Any]] = []
    report = Reevaluation([], [], 0, 0)
    contexts: dict[str, int] = {}
    for i, app in enumerate(apps):
        eligible = not failed_lists[i]
        score, prio = float(bonus[i]), bool(priority[i])
        values: dict[str, Any] = {"b_id": app.id, "b_eligible": eligible, "b_score": score,
                                  "b_priority": prio}
        if (eligible, score, prio) != (bool(app.eligible), float(app.score), bool(app.priority)):
            snap = snapshots.take(engine.evaluate_person(persons[i], round_row.starts_on,
                                                         round_row.announced_on, [program]), program)
            values.update(b_eligibility=snap.person,
                          b_context=applications.context_id(session, snap, contexts))
            report.retaken += 1
        else:
            values.update(b_eligibility=_patched(app.eligibility, persons[i], failed_lists[i],
                                                 verify_lists[i], set(verified.get(app.id, {}))),
                          b_context=None)
            report.patched += 1
        updates.append(values)
        if app.eligible and not eligible:
            report.became_ineligible.append(app.id)
        elif eligible and not app.eligible:
            report.became_eligible.append(app.id)
    _store(session, updates)
    _move(session, round_row, apps, report, actor=actor, note=note, now=now)
    return report


def _store(session: Session, updates: list[dict[str, Any]]) -> None:
    table = table_of(Application)
    retaken = [u for u in updates if u["b_context"] is not None]
    patched = [u for u in updates if u["b_context"] is None]
    base = update(table).where(table.c.id == bindparam("b_id"))
    common = {"eligible": bindparam("b_eligible"), "score": bindparam("b_score"),
              "priority": bindparam("b_priority"), "eligibility": bindparam("b_eligibility")}
    session.flush()
    for start in range(0, len(patched), CHUNK):
        session.execute(base.values(**common), patched[start:start + CHUNK])
    if retaken:
        session.execute(base.values(**common, eligibility_context_id=bindparam("b_context")), retaken)


def _move(session: Session, round_row: Round, apps: Sequence[Any], report: Reevaluation, *,
          actor: audit.Actor, note: str, now: dt.datetime) -> None:
    status = {a.id: a.status for a in apps}
    moves = [applications.BulkMove(i, status[i], S.INELIGIBLE, "verification.ineligible")
             for i in report.became_ineligible if status[i] == S.ELIGIBLE]
    moves += [applications.BulkMove(i, status[i], S.ELIGIBLE, "verification.eligible")
              for i in report.became_eligible if status[i] == S.INELIGIBLE]
    if moves:
        applications.record_moves(session, moves, actor=actor,
                                  program_kind=applications.program_kind(round_row.program_code),
                                  note=note, now=now)
    seated = {i: "ineligible" for i in report.became_ineligible if status[i] in AFTER_DRAW}
    if seated:
        from ilja.selection import service as selection

        selection.withdraw(session, round_row.id, seated, actor=actor, note=note, now=now)
