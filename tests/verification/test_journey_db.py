"""The round's life from intake through verification to selection, at the service level, on
SQLite and PostgreSQL (issue 21 "Done when"): a walk-in applicant's papers seen at the counter, a
records check of a 5,000-applicant round, three applicants over the income limit made not
eligible with a notice and an appeal route, a correction that flips eligibility, the selection
run on verified facts and its verify check re-run bit for bit."""

from __future__ import annotations

import datetime as dt

import pytest
from bench.verification import world
from sqlalchemy import select

from ilja import clock
from ilja.applications import service as applications
from ilja.applications.models import Application
from ilja.applications.snapshot import take
from ilja.db import engine_for, transaction
from ilja.decisions.models import Decision
from ilja.messages.models import OutboxMessage
from ilja.ops.duties import Schedule
from ilja.people.rrn import generate_key_file
from ilja.rules.engine import default_engine
from ilja.selection import service as selection
from ilja.selection import verification_gate
from ilja.verification import catalogue, records_check, service
from ilja.verification.evaluation import _format_person, persons_of, verified_of
from ilja.verification.models import SelectionVerification
from tests.verification.households import with_households

STAFF = world.MANAGER
OVER = {17, 1717, 4242}


@pytest.fixture
def keyring(tmp_path):
    return generate_key_file(tmp_path / "keys.json")


def _decisions(session, app_ids):
    return list(session.scalars(select(Decision).where(Decision.subject_ref.in_(
        [f"application:{i}" for i in app_ids]))))


def test_intake_verification_and_selection_of_a_round_of_5000(database_url, keyring):
    engine = engine_for(database_url)
    with transaction(engine) as session:
        built = world.build(session, 5000, keyring, seats=300)
    walk_in = built.application_ids[0]
    with transaction(engine) as session:  # counter staff register the walk-in's papers
        for paper in ("participation_application", "personal_data_consent", "job_seeker_registration"):
            service.record_counter_document(session, walk_in, paper, actor=STAFF, note="원본 확인")
        paper = service.documents_of(session, walk_in)[-1]
        service.accept_fact(session, walk_in, "job_seeker_registered", actor=STAFF, document_id=paper.id)
    with transaction(engine) as session:
        data = with_households(built, world.records_file(built, over_limit=OVER))
        result = records_check.import_check(
            session, data, "조회결과.csv", built.round_id,
            checked_on=dt.date(2025, 6, 2), actor=STAFF, keyring=keyring)
    over_ids = sorted(built.application_ids[i] for i in OVER)
    assert sorted(result.reevaluation.became_ineligible) == over_ids
    with transaction(engine) as session:
        statuses = dict(session.execute(select(Application.id, Application.status)
                                        .where(Application.id.in_(over_ids))).all())
        assert set(statuses.values()) == {"ineligible"}
        decisions = _decisions(session, over_ids)
        assert {d.kind for d in decisions} == {"not_eligible"} and len(decisions) == 3
        assert all(d.appeal_by is not None and "소득" in d.reasons_ko for d in decisions)
        notices = session.scalars(select(OutboxMessage).where(
            OutboxMessage.person_id.in_([d.person_id for d in decisions]))).all()
        assert len(notices) >= 3
        # a patched snapshot (verified income a little higher) equals one taken anew
        patched_id = built.application_ids[10]
        app = session.get_one(Application, patched_id)
        person = persons_of(session, [app.person_id])[app.person_id]
        facts = verified_of(session, [patched_id])[patched_id]
        fresh = take(default_engine().evaluate_person(
            _format_person(app.person_id, catalogue.apply(person, facts)), world.STARTS, world.ANNOUNCED,
            ["companion_jobs"]), "companion_jobs")
        assert app.eligibility == fresh.person
        assert app.eligibility["conditions"][5]["inputs"]["household_income_krw"] == world.verified_income(10, OVER)
    flipped = built.application_ids[5]
    with transaction(engine) as session:  # a correction takes eligibility away: a decision
        outcome = service.correct_fact(session, flipped, "receives_livelihood_benefit", "Y",
                                       reason="생계급여 수급 확인 (주민센터 조회)", actor=STAFF)
        assert outcome.became_ineligible == [flipped]
    with transaction(engine) as session:
        assert session.get_one(Application, flipped).status == "ineligible"
        assert [d.kind for d in _decisions(session, [flipped])] == ["not_eligible"]
    with transaction(engine) as session:
        run = selection.run_selection(session, built.round_id, actor=STAFF)
        assert run.drawn
    with transaction(engine) as session:
        report = selection.verify(session, built.round_id, actor=STAFF)
        assert report.ok, report.problems
        walk = verification_gate.at_selection(session, walk_in)
        other = verification_gate.at_selection(session, built.application_ids[1])
        assert walk is not None and other is not None
        assert {f["fact"] for f in walk.facts} >= {"job_seeker_registered", "household_income_krw",
                                                   "household_size", "household"}
        assert (walk.state, other.state) == ("verified", "conditional")
        assert any(f["source"] == "사회보장정보시스템 조회, 2025-06-02" for f in other.facts)
        count = session.scalars(select(SelectionVerification).where(
            SelectionVerification.round_id == built.round_id)).all()
        assert len(count) == 5000


def test_exclude_leaves_the_unverified_out_and_blocker_refuses_the_draw(database_url, keyring, monkeypatch):
    engine = engine_for(database_url)
    with transaction(engine) as session:
        built = world.build(session, 30, keyring, seats=5)
    with transaction(engine) as session:
        records_check.import_check(session, world.records_file(built, rows=range(20)), "c.csv",
                                   built.round_id, checked_on=dt.date(2025, 6, 2), actor=STAFF,
                                   keyring=keyring)
    original = catalogue.parameter

    def facts_and(treatment):
        def parameter(name, program, on, tree=None):
            if name == "unverified_at_selection":
                return treatment
            if name == "facts_to_verify":
                return ["household_income_krw"]
            return original(name, program, on, tree)
        return parameter

    monkeypatch.setattr(catalogue, "parameter", facts_and("blocker"))
    with pytest.raises(verification_gate.UnverifiedBlocksDraw), transaction(engine) as session:
        selection.run_selection(session, built.round_id, actor=STAFF)
    with transaction(engine) as session:
        assert selection.get_run(session, built.round_id) is None
    monkeypatch.setattr(catalogue, "parameter", facts_and("exclude"))
    with transaction(engine) as session:
        selection.run_selection(session, built.round_id, actor=STAFF)
    with transaction(engine) as session:
        states = {r.application_id: r.state for r in session.scalars(select(SelectionVerification))}
        assert sorted(i for i, s in states.items() if s == "excluded") == built.application_ids[20:]
        selected = set(session.scalars(select(Application.id).where(
            Application.round_id == built.round_id, Application.status == "selected")))
        assert len(selected) == 5 and selected <= set(built.application_ids[:20])
        assert selection.verify(session, built.round_id, actor=STAFF).ok


def test_a_conditional_seat_not_verified_by_the_deadline_goes_to_the_waitlist(database_url, keyring):
    engine = engine_for(database_url)
    with transaction(engine) as session:
        built = world.build(session, 8, keyring, seats=2)
    first = built.application_ids[0]
    with transaction(engine) as session:  # one applicant has everything verified
        data = with_households(built, world.records_file(built))
        records_check.import_check(session, data, "c.csv", built.round_id,
                                   checked_on=dt.date(2025, 6, 2), actor=STAFF, keyring=keyring)
        paper = service.record_counter_document(session, first, "job_seeker_registration", actor=STAFF)
        service.accept_fact(session, first, "job_seeker_registered", actor=STAFF, document_id=paper.id)
    with transaction(engine) as session:
        selection.run_selection(session, built.round_id, actor=STAFF)
    with transaction(engine) as session:
        held = verification_gate.at_selection(session, built.application_ids[1])
        assert held.state == "conditional" and held.deadline == world.STARTS - dt.timedelta(days=3)
        assert selection.lapse_conditional(session, built.round_id, actor=STAFF, on=held.deadline) == []
        seated = set(session.scalars(select(Application.id).where(Application.status == "selected")))
    with clock.frozen(held.deadline + dt.timedelta(days=1)):  # the worker's duty, nobody's command
        done = Schedule(engine).tick()
    with transaction(engine) as session:
        lapsed = [i for i in built.application_ids if session.get_one(Application, i).status == "ineligible"]
        assert done["verification.lapse_conditional"] == len(lapsed) > 0
        assert first not in lapsed and set(lapsed) >= seated - {first}
    with transaction(engine) as session:
        assert all(session.get_one(Application, i).status == "ineligible" for i in lapsed)
        assert selection.verify(session, built.round_id, actor=STAFF).ok


def test_a_household_over_the_limit_together_and_one_participant_per_household(database_url,
                                                                               keyring):
    """Two applicants of one household, each under the income limit alone, over it together: both
    not eligible, each with a notice and an appeal route. Two of another household both ranked
    into a seat: the first-ranked keeps it, the other is passed over and the next in line takes
    the seat; a later promotion that would seat a second member of a household passes them over
    too; verify still re-runs the draw and its withdrawals bit for bit."""
    engine = engine_for(database_url)
    with transaction(engine) as session:
        built = world.build(session, 12, keyring, seats=2)
    ids = built.application_ids
    over = {0: ("세대-가", "\"본인:1,700,000;배우자:1,700,000\""),
            1: ("세대-가", "본인:1700000;배우자:1700000")}
    four = "본인:1000000;배우자:500000;자녀:0;자녀:0"  # two dependants' points more than a couple
    three = "본인:1000000;배우자:0;자녀:0"  # one more
    together = {2: ("세대-나", four), 3: ("세대-나", four), 4: ("세대-다", three), 5: ("세대-다", three)}
    data = with_households(built, world.records_file(built), {**over, **together})
    with transaction(engine) as session:
        result = records_check.import_check(session, data, "c.csv", built.round_id,
                                            checked_on=dt.date(2025, 6, 2), actor=STAFF,
                                            keyring=keyring)
        assert sorted(result.reevaluation.became_ineligible) == ids[:2]
    with transaction(engine) as session:
        facts = verified_of(session, ids[:4])
        incomes = [facts[i]["household_income_krw"] for i in ids[:4]]
        assert incomes == [3_400_000] * 2 + [1_500_000] * 2
        assert [facts[i]["household_size"] for i in ids[:4]] == [2, 2, 4, 4]
        keys = [facts[i]["household"] for i in ids[:3]]
        assert keys[0] == keys[1] != keys[2]
        assert "세대-가" not in str(facts)  # the identifier is kept only as its keyed hash
        decisions = _decisions(session, ids[:2])
        assert {d.kind for d in decisions} == {"not_eligible"} and len(decisions) == 2
        assert all(d.appeal_by is not None and "소득" in d.reasons_ko for d in decisions)
        score = {i: session.get_one(Application, i).score for i in ids[2:]}
        others = max(score[i] for i in ids[6:])
        assert score[ids[2]] == score[ids[3]] > score[ids[4]] == score[ids[5]] > others
    with transaction(engine) as session:  # 나's two are drawn into both seats: one is passed over
        selection.run_selection(session, built.round_id, actor=STAFF)
    with transaction(engine) as session:
        status = {i: session.get_one(Application, i).status for i in ids}
        kept, passed = (ids[2], ids[3]) if status[ids[2]] == "selected" else (ids[3], ids[2])
        first_c, second_c = sorted(ids[4:6], key=lambda i: status[i] != "selected")
        assert (status[kept], status[passed], status[first_c], status[second_c]) == (
            "selected", "ineligible", "selected", "waitlisted")
        assert verification_gate.at_selection(session, passed).state == "household"
        decision = _decisions(session, [passed])
        assert [d.kind for d in decision] == ["not_eligible"] and "세대" in decision[0].reasons_ko
        assert decision[0].appeal_by is not None
        assert applications.history(session, passed)[-1].reason_code == "withdrawal.household"
        assert selection.verify(session, built.round_id, actor=STAFF).ok
    with transaction(engine) as session:  # 나's member declines: 다's second would be promoted
        selection.withdraw(session, built.round_id, {kept: "declined"}, actor=STAFF, note="본인 포기")
    with transaction(engine) as session:
        status = {i: session.get_one(Application, i).status for i in ids}
        assert (status[kept], status[first_c], status[second_c]) == (
            "withdrawn", "selected", "ineligible")
        assert applications.history(session, second_c)[-1].reason_code == "withdrawal.household"
        assert sum(s == "selected" for s in status.values()) == 2
        assert selection.verify(session, built.round_id, actor=STAFF).ok
