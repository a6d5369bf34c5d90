"""A selection run and a payroll run killed half-way leave nothing behind, and run again they
complete exactly once — on SQLite and PostgreSQL.

The first test is the harness itself on a small case: real child processes, SIGKILLed right
after their bulk insert reached the database. The others crash a run in-process at its last
step, race two payroll runs of one month, and show that the harness's checks do see a half-done
or doubled run (so a passing harness means something).
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import delete, func, select

from ilja.accounts import audit
from ilja.db import engine_for, transaction
from ilja.ops.run_checks import (
    check_payroll,
    check_selection,
    pay_lines_digest,
    payroll_state,
    selection_state,
)
from ilja.ops.run_faults import (
    ACTOR,
    PAY_MONTH,
    PAY_YEAR,
    PAYROLL_PROGRAM,
    prepare_payroll,
    prepare_selection,
    run_faults,
)
from ilja.ops.site import environment
from ilja.publicjobs.models import PayLine, PayrollRun
from ilja.publicjobs.payment_models import Payment, PaymentEvent
from ilja.publicjobs.payroll_service import run_payroll
from ilja.selection import service as selection
from ilja.selection.models import SelectionOutcomeRow

KEY = PAY_YEAR * 100 + PAY_MONTH


class Crash(Exception):
    """The process dies here (in-process stand-in for a SIGKILL)."""


class _RolledBack(Exception):
    pass


def _crash_at(monkeypatch, action: str) -> None:
    """Make the run fail when it records ``action``: its last step, after all its writes."""
    record = audit.record

    def crashing(session, actor, name, **kwargs):
        if name == action:
            raise Crash(name)
        return record(session, actor, name, **kwargs)

    monkeypatch.setattr(audit, "record", crashing)


def _selection_reference(url: str, round_id: int) -> dict:
    """What an uninterrupted draw gives, rolled back."""
    reference = {}
    with pytest.raises(_RolledBack), transaction(engine_for(url)) as session:
        result = selection.run_selection(session, round_id, actor=ACTOR)
        reference = {"applicants": result.run.applicants, "output_hash": result.run.output_hash}
        raise _RolledBack
    return reference


def _payroll_reference(url: str) -> dict:
    """What an uninterrupted payroll run pays, rolled back."""
    reference = {}
    with pytest.raises(_RolledBack), transaction(engine_for(url)) as session:
        result = run_payroll(session, PAYROLL_PROGRAM, PAY_YEAR, PAY_MONTH, actor=ACTOR)
        rows = session.execute(select(PayLine.placement_id, PayLine.month, PayLine.gross,
                                      PayLine.adjustment, PayLine.deductions_total, PayLine.net)
                               .where(PayLine.run_id == result.run_id)).all()
        reference = {"lines": result.lines, "digest": pay_lines_digest(rows),
                     "totals": dict(result.totals)}
        raise _RolledBack
    return reference


def _state(url: str, read):
    with transaction(engine_for(url)) as session:
        audit.verify(session)  # seals committed entries first
        return read(session)


def test_killed_selection_and_payroll_runs_complete_exactly_once_when_run_again(database_url, tmp_path):
    report = run_faults(database_url, tmp_path, applicants=300, participants=120, after_writes=True)
    assert report.ok, report.problems
    assert report.selection.landed and report.payroll.landed
    assert report.selection.rows >= 600 and report.payroll.rows >= 240
    assert report.chain_ok
    if database_url.startswith("postgresql"):
        assert report.selection.open_writes and report.payroll.open_writes


def test_a_draw_that_crashes_at_its_last_step_leaves_the_round_as_it_was(database_url, tmp_path,
                                                                         monkeypatch):
    with environment(database_url, tmp_path):
        round_id = prepare_selection(database_url, 60)
        reference = _selection_reference(database_url, round_id)
        before = _state(database_url, lambda s: selection_state(s, round_id))
        with monkeypatch.context() as patch:
            _crash_at(patch, "selection.run")
            with pytest.raises(Crash), transaction(engine_for(database_url)) as session:
                selection.run_selection(session, round_id, actor=ACTOR)
        assert _state(database_url, lambda s: selection_state(s, round_id)) == before
        with transaction(engine_for(database_url)) as session:
            assert selection.run_selection(session, round_id, actor=ACTOR).drawn
        with transaction(engine_for(database_url)) as session:
            assert not selection.run_selection(session, round_id, actor=ACTOR).drawn
        rows, problems = _state(database_url,
                                lambda s: check_selection(s, round_id, reference, before))
    assert problems == [] and rows >= 2 * reference["applicants"]


def test_a_payroll_run_that_crashes_at_its_last_step_pays_nobody(database_url, tmp_path,
                                                                 monkeypatch):
    prepare_payroll(database_url, 30, per_project=10)
    reference = _payroll_reference(database_url)
    before = _state(database_url, lambda s: payroll_state(s, PAYROLL_PROGRAM, KEY))
    with monkeypatch.context() as patch:
        _crash_at(patch, "publicjobs.payroll.run")
        with pytest.raises(Crash), transaction(engine_for(database_url)) as session:
            run_payroll(session, PAYROLL_PROGRAM, PAY_YEAR, PAY_MONTH, actor=ACTOR)
    assert _state(database_url, lambda s: payroll_state(s, PAYROLL_PROGRAM, KEY)) == before
    with transaction(engine_for(database_url)) as session:
        assert run_payroll(session, PAYROLL_PROGRAM, PAY_YEAR, PAY_MONTH, actor=ACTOR).lines == 30
    rows, problems = _state(database_url, lambda s: check_payroll(
        s, PAYROLL_PROGRAM, KEY, reference, before, landed=True))
    assert problems == [] and reference["lines"] == 30


def test_a_payroll_run_started_while_another_is_open_waits_its_turn(database_url):
    """As when a month is run again while a killed run's transaction is still being committed:
    the second run waits, then pays only what is still due — no sequence collision, no error."""
    prepare_payroll(database_url, 20, per_project=10)
    engine = engine_for(database_url)
    first_paid, release = threading.Event(), threading.Event()
    results, errors = {}, []

    def run(name: str, hold: bool) -> None:
        try:
            with transaction(engine) as session:
                results[name] = run_payroll(session, PAYROLL_PROGRAM, PAY_YEAR, PAY_MONTH, actor=ACTOR)
                if hold:
                    first_paid.set()
                    release.wait(30)
        except Exception as error:  # noqa: BLE001 - the test reports it
            errors.append(error)
            first_paid.set()

    first = threading.Thread(target=run, args=("first", True))
    first.start()
    assert first_paid.wait(30)
    second = threading.Thread(target=run, args=("second", False))
    second.start()
    time.sleep(0.5)
    release.set()
    first.join(30)
    second.join(30)
    assert errors == []
    assert (results["first"].sequence, results["first"].lines) == (1, 20)
    assert (results["second"].sequence, results["second"].lines) == (2, 0)
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(PayLine)) == 20


def test_the_checks_see_a_half_done_or_doubled_run(database_url, tmp_path):
    with environment(database_url, tmp_path):
        round_id = prepare_selection(database_url, 40)
        prepare_payroll(database_url, 20, per_project=10)
        selection_reference = _selection_reference(database_url, round_id)
        payroll_reference = _payroll_reference(database_url)
        selection_before = _state(database_url, lambda s: selection_state(s, round_id))
        payroll_before = _state(database_url, lambda s: payroll_state(s, PAYROLL_PROGRAM, KEY))
        with transaction(engine_for(database_url)) as session:
            run_id = selection.run_selection(session, round_id, actor=ACTOR).run.id
            pay_run = run_payroll(session, PAYROLL_PROGRAM, PAY_YEAR, PAY_MONTH, actor=ACTOR).run_id
        with transaction(engine_for(database_url)) as session:  # as if committed in batches
            kept = select(func.min(SelectionOutcomeRow.id)).where(SelectionOutcomeRow.run_id == run_id)
            session.execute(delete(SelectionOutcomeRow).where(
                SelectionOutcomeRow.run_id == run_id, SelectionOutcomeRow.id > kept.scalar_subquery()))
            first_line = session.scalar(select(func.min(PayLine.id)).where(PayLine.run_id == pay_run))
            lost = select(Payment.id).where(Payment.run_id == pay_run, Payment.line_id > first_line)
            session.execute(delete(PaymentEvent).where(PaymentEvent.payment_id.in_(lost)))
            session.execute(delete(Payment).where(Payment.id.in_(lost)))  # with the lines they pay
            session.execute(delete(PayLine).where(PayLine.run_id == pay_run, PayLine.id > first_line))
            audit.record(session, ACTOR, "selection.run", object_type="round", object_id=round_id,
                         details={"run": run_id})
            audit.record(session, ACTOR, "publicjobs.payroll.run", object_type="publicjob_payroll_run",
                         object_id=pay_run, details={"program": PAYROLL_PROGRAM, "month": KEY})
            assert session.get(PayrollRun, pay_run) is not None
        _, selection_problems = _state(database_url, lambda s: check_selection(
            s, round_id, selection_reference, selection_before))
        _, payroll_problems = _state(database_url, lambda s: check_payroll(
            s, PAYROLL_PROGRAM, KEY, payroll_reference, payroll_before, landed=True))
    assert any("outcomes, the reference drew" in p for p in selection_problems)
    assert any("does not verify" in p for p in selection_problems)
    assert any("2 selection.run audit entries" in p for p in selection_problems)
    assert any("pay lines, the reference paid" in p for p in payroll_problems)
    assert any("2 audit entries for payroll run" in p for p in payroll_problems)
