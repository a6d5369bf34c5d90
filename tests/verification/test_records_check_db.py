"""Records-check imports on SQLite and PostgreSQL: refused whole with row and column, or stored
as verified facts with the applications judged again (issue 21 §3)."""

from __future__ import annotations

import datetime as dt

import pytest
from bench.verification import world
from sqlalchemy import func, select

from ilja.applications.models import Application
from ilja.db import engine_for, transaction
from ilja.decisions.models import Decision
from ilja.people.rrn import generate_key_file
from ilja.verification import records_check
from ilja.verification.evaluation import verified_of
from ilja.verification.models import Verification
from tests.verification.households import with_households

CHECKED = dt.date(2025, 6, 2)


@pytest.fixture
def keyring(tmp_path):
    return generate_key_file(tmp_path / "keys.json")


@pytest.fixture
def small(database_url, keyring):
    engine = engine_for(database_url)
    with transaction(engine) as session:
        built = world.build(session, 40, keyring, seats=10)
    return engine, built


def _counts(engine):
    with engine.connect() as connection:
        return (connection.execute(select(func.count()).select_from(Verification)).scalar_one(),
                connection.execute(select(func.count()).select_from(Decision)).scalar_one(),
                connection.execute(select(func.count()).select_from(Application)
                                   .where(Application.status == "ineligible")).scalar_one())


def _import(engine, built, data, keyring, name="check.csv"):
    with transaction(engine) as session:
        return records_check.import_check(session, data, name, built.round_id, checked_on=CHECKED,
                                          actor=world.MANAGER, keyring=keyring)


def _row(built, i, income=None, benefit="N", round_id=None):
    income = income or world.verified_income(i, {1})
    return f"{world.rrn_of(i)},{round_id or built.round_id},{income},50000000,{benefit},N,"


@pytest.mark.parametrize(("mutate", "row", "column"), [
    (lambda t, b: t.replace(world.rrn_of(3), world.rrn_of(999)), 5, "주민등록번호"),
    (lambda t, b: t + _row(b, 2) + "\n", 42, "주민등록번호"),
    (lambda t, b: t.replace(_row(b, 7), _row(b, 7, income="많음")), 9, "가구소득(원)"),
    (lambda t, b: t.replace(_row(b, 9), _row(b, 9, round_id=b.round_id + 1)), 11, "공고번호"),
    (lambda t, b: t.replace(_row(b, 2), _row(b, 2, benefit="아마")), 4, "생계급여"),
    (lambda t, b: t.replace(world.rrn_of(6), world.rrn_of(6)[:12]), 8, "주민등록번호"),
    (lambda t, b: t.replace(world.rrn_of(6), world.rrn_of(6)[:5] + "-" + world.rrn_of(6)[5:]), 8, "주민등록번호"),
], ids=["unknown", "duplicate", "wrong_type", "other_round", "wrong_yes_no", "not_a_number", "hyphen_misplaced"])
def test_a_bad_row_refuses_the_whole_file_and_changes_nothing(small, keyring, mutate, row, column):
    engine, built = small
    text = mutate(world.records_file(built, over_limit={1}).decode(), built)
    before = _counts(engine)
    with pytest.raises(records_check.FileRefused) as refused:
        _import(engine, built, text.encode(), keyring)
    assert [(p.row, p.column) for p in refused.value.problems] == [(row, column)]
    assert _counts(engine) == before


@pytest.mark.parametrize(("households", "stated", "row", "column"), [
    ({3: ("세대-3", "배우자:1000;자녀:0")}, None, 5, "가구원"),
    ({4: ("세대-4", "본인:1000;배우자:많음")}, None, 6, "가구원"),
    ({5: ("세대-5", "본인:1000;아들:0")}, None, 7, "가구원"),
    ({6: ("세대-6", "본인:1000;배우자:2000")}, 6, 8, "가구소득(원)"),
    ({7: ("세대-같음", "본인:1000;배우자:0"), 8: ("세대-같음", "본인:1000;배우자:0;자녀:0")}, None, 10,
     "세대번호"),
], ids=["no_self", "member_income", "unknown_relation", "sum_differs", "household_differs"])
def test_a_bad_household_refuses_the_whole_file_and_changes_nothing(small, keyring, households,
                                                                   stated, row, column):
    engine, built = small
    text = with_households(built, world.records_file(built), households).decode()
    if stated is not None:  # the stated household income kept beside members that differ
        text = text.replace(f"{world.rrn_of(stated)},{built.round_id},,",
                            f"{world.rrn_of(stated)},{built.round_id},5000,")
    before = _counts(engine)
    with pytest.raises(records_check.FileRefused) as refused:
        _import(engine, built, text.encode(), keyring)
    assert [(p.row, p.column) for p in refused.value.problems] == [(row, column)]
    assert _counts(engine) == before


def test_household_columns_are_summed_and_kept_blind(small, keyring):
    engine, built = small
    data = with_households(built, world.records_file(built),
                           {0: ("세대-함께", "본인:700000;배우자:800000;자녀:0"),
                            1: ("세대-함께", "\"본인:800,000;배우자:700000;자녀:0\"")})
    result = _import(engine, built, data, keyring, name="check.csv")
    assert result.rows == 40
    with transaction(engine) as session:
        facts = {(app, fact): value for app, held in verified_of(session, built.application_ids[:3]).items()
                 for fact, value in held.items()}
    first, second, third = built.application_ids[:3]
    income = "household_income_krw"
    assert facts[(first, income)] == facts[(second, income)] == 1_500_000
    assert facts[(first, "household_size")] == 3 and facts[(third, "household_size")] == 2
    keys = [facts[(i, "household")] for i in (first, second, third)]
    assert keys[0] == keys[1] != keys[2]
    assert all("세대" not in str(value) for value in facts.values())


def test_matched_rows_become_verified_facts_and_over_the_limit_is_not_eligible(small, keyring):
    engine, built = small
    result = _import(engine, built, world.records_file(built, over_limit={4, 5, 6}), keyring)
    assert result.rows == 40
    assert sorted(result.reevaluation.became_ineligible) == sorted(built.application_ids[4:7])
    rows, decisions, ineligible = _counts(engine)
    assert (rows, decisions, ineligible) == (40, 3, 3)  # one row per application, its five facts in it
    with engine.connect() as connection:
        source = connection.execute(select(Verification.source).limit(1)).scalar_one()
        kinds = connection.execute(select(Decision.kind)).scalars().all()
    assert source == "사회보장정보시스템 조회, 2025-06-02"
    assert set(kinds) == {"not_eligible"}


def test_a_number_with_its_hyphen_or_in_full_width_digits_is_matched(small, keyring):
    engine, built = small
    hyphen, wide = world.rrn_of(1), world.rrn_of(2)
    text = world.records_file(built).decode()
    text = text.replace(hyphen, f"{hyphen[:6]}-{hyphen[6:]}").replace(
        wide, "".join(chr(ord(c) + 0xFEE0) for c in wide))
    assert _import(engine, built, text.encode(), keyring).rows == 40


def test_the_same_check_imported_again_changes_no_verdict(small, keyring):
    engine, built = small
    data = world.records_file(built, over_limit={4})
    _import(engine, built, data, keyring)
    again = _import(engine, built, data, keyring)
    assert again.reevaluation.became_ineligible == []
    assert _counts(engine) == (40, 1, 1)


def test_a_later_check_of_some_applicants_replaces_only_their_facts(small, keyring):
    engine, built = small
    first = _import(engine, built, world.records_file(built), keyring)
    later = _import(engine, built, world.records_file(built, over_limit={3}, rows=range(10)), keyring)
    ids = built.application_ids
    assert later.rows == 10 and later.reevaluation.became_ineligible == [ids[3]]
    with engine.connect() as connection:
        rows = connection.execute(select(Verification.application_id, Verification.facts,
                                         Verification.check_id)).all()
    assert len(rows) == 40 and all(len(facts) == 5 for _, facts, _ in rows)
    checks = {app: check for app, _, check in rows}
    assert {checks[app] for app in ids[:10]} == {later.check.id}
    assert {checks[app] for app in ids[10:]} == {first.check.id}
    values = {(app, fact): value for app, facts, _ in rows for fact, value in facts.items()}
    assert values[(ids[3], "household_income_krw")] == world.OVER_LIMIT_INCOME
    assert values[(ids[4], "household_income_krw")] == world.verified_income(4, set())
    assert values[(ids[3], "receives_livelihood_benefit")] is False
    assert values[(ids[3], "priority_groups")] == []
    with transaction(engine) as session:
        by_id = verified_of(session, ids)
        assert verified_of(session, ids[5:15], round_id=built.round_id) == {
            app: by_id[app] for app in ids[5:15]}
