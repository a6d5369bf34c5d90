"""The choice rule: seats, the priority quota inside the rule, order of merit and the lottery."""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilja.rules.parameters import default_tree
from ilja.selection import (
    Applicant,
    Reason,
    Seat,
    SelectionInputError,
    SelectionInputs,
    SelectionPolicy,
    Status,
    Unit,
    UnitGroup,
    allocate,
    lottery_keys,
    lottery_numbers,
)
from ilja.selection.lottery import keys_from_numbers
from tests.selection.invariants import assert_invariants
from tests.selection.reference import reference_select
from tests.selection.strategies import policies, rounds, seeds


def select(inputs, policy, seed, withdrawn=()):
    return allocate(inputs, lottery_keys(seed, [a.id for a in inputs.applicants]), policy,
                    withdrawn)


# A hand-computed cohort of 4 seats. Order of merit: A 90, B 85*, D 80, C 80, E 70*, F 60*, G 50
# (* priority group; D's lottery number is smaller than C's, so D is ahead of C; H is not eligible).
COHORT = SelectionInputs("기술교육원-2025-1", [
    Applicant("A", True, 90, False, ("cohort",)),
    Applicant("B", True, 85, True, ("cohort",)),
    Applicant("C", True, 80, False, ("cohort",)),
    Applicant("D", True, 80, False, ("cohort",)),
    Applicant("E", True, 70, True, ("cohort",)),
    Applicant("F", True, 60, True, ("cohort",)),
    Applicant("G", True, 50, False, ("cohort",)),
    Applicant("H", False, 99, True, ("cohort",)),
], [Unit("cohort", 4)])
COHORT_LOTTERY = keys_from_numbers([7, 3, 6, 5, 1, 2, 4, 0])


def cohort(policy: SelectionPolicy):
    allocation = allocate(COHORT, COHORT_LOTTERY, policy)
    return {o.applicant_id: o for o in allocation.outcomes()}, allocation


def test_reserved_first_priority_seats_then_open_competition():
    out, allocation = cohort(SelectionPolicy(priority_share="0.5"))
    assert allocation.selected("cohort") == ["A", "B", "D", "E"]
    assert {a: out[a].seat for a in "ABDE"} == {
        "A": Seat.OPEN, "B": Seat.RESERVED, "D": Seat.OPEN, "E": Seat.RESERVED}
    assert allocation.waitlist_of("cohort") == ["C", "F", "G"]
    assert out["C"].waitlist == (("cohort", 1),)
    # C (80) lost to E (70) because E holds a priority seat.
    assert out["C"].reason is Reason.QUOTA
    assert out["B"].reason is Reason.PRIORITY
    assert out["D"].reason is Reason.LOTTERY  # D and C both have 80: the lottery put D first
    assert out["F"].reason is Reason.SCORE
    assert out["H"].status is Status.INELIGIBLE and out["H"].rank is None
    assert [out[a].rank for a in "ABDCEFG"] == [1, 2, 3, 4, 5, 6, 7]


def test_open_first_fills_open_seats_first_and_selects_more_priority_applicants():
    out, allocation = cohort(SelectionPolicy(priority_share="0.5", order="open_first"))
    # Open seats (2): A, B on merit; reserved seats (2): E, F, the next priority applicants.
    assert allocation.selected("cohort") == ["A", "B", "E", "F"]
    assert out["B"].seat is Seat.OPEN and out["E"].seat is out["F"].seat is Seat.RESERVED
    assert allocation.waitlist_of("cohort") == ["D", "C", "G"]
    assert out["D"].reason is out["C"].reason is Reason.QUOTA


@pytest.mark.parametrize(("rounding", "reserved"), [("floor", 1), ("ceil", 2), ("half_up", 1)])
def test_thirty_percent_of_four_seats_is_rounded_as_the_policy_says(rounding, reserved):
    policy = SelectionPolicy(priority_share="0.30", rounding=rounding)
    _, allocation = cohort(policy)
    assert policy.reserved_seats(4) == reserved == int(allocation.reserved[0])
    selected = allocation.selected("cohort")
    assert selected == (["A", "B", "D", "C"] if reserved == 1 else ["A", "B", "D", "E"])


def test_unused_reserved_seats_revert_to_the_open_pool():
    inputs = SelectionInputs("R", [
        Applicant(f"p{i}", True, 10 - i, i == 5, ("u",)) for i in range(10)
    ], [Unit("u", 6)])
    for order in ("reserved_first", "open_first"):
        allocation = select(inputs, SelectionPolicy(priority_share="0.5", order=order), b"s" * 32)
        out = {o.applicant_id: o for o in allocation.outcomes()}
        # 3 reserved seats, 1 priority applicant: the other 2 go to the next on merit.
        assert sorted(allocation.selected("u")) == ["p0", "p1", "p2", "p3", "p4", "p5"]
        assert out["p5"].seat is Seat.RESERVED
        assert sum(o.seat is Seat.OPEN for o in out.values()) == 5


def test_a_fields_own_total_binds_across_its_projects():
    inputs = SelectionInputs("동행일자리-2025-하반기", [
        Applicant("a1", True, 9, False, ("care-1",)),
        Applicant("a2", True, 8, False, ("care-2",)),
        Applicant("a3", True, 7, False, ("care-1",)),
        Applicant("a4", True, 6, False, ("care-2",)),
        Applicant("a5", True, 5, False, ("digital-1",)),
    ], [Unit("care-1", 2, "돌봄"), Unit("care-2", 2, "돌봄"), Unit("digital-1", 1, "디지털")],
        [UnitGroup("돌봄", 3), UnitGroup("디지털", None)])
    allocation = select(inputs, SelectionPolicy(priority_share="0"), b"s" * 32)
    out = {o.applicant_id: o for o in allocation.outcomes()}
    assert [a for a in out if out[a].status is Status.SELECTED] == ["a1", "a2", "a3", "a5"]
    assert out["a4"].reason is Reason.CAPACITY  # care-2 had a seat, the field did not


def test_second_choice_when_the_first_is_full():
    inputs = SelectionInputs("R", [
        Applicant("x", True, 9, False, ("u", "v")),
        Applicant("y", True, 8, False, ("u", "v")),
        Applicant("z", True, 7, False, ("v",)),
    ], [Unit("u", 1), Unit("v", 1)])
    allocation = select(inputs, SelectionPolicy(priority_share="0"), b"s" * 32)
    out = {o.applicant_id: o for o in allocation.outcomes()}
    assert (out["x"].unit, out["x"].choice) == ("u", 1)
    assert (out["y"].unit, out["y"].choice) == ("v", 2)
    assert out["y"].waitlist == (("u", 1),)
    assert out["z"].status is Status.WAITLISTED and out["z"].waitlist == (("v", 1),)


def test_waitlist_ratio_limits_the_waitlist_and_the_rest_is_not_selected():
    policy = SelectionPolicy(priority_share="0", waitlist_ratio="1/2")
    out, allocation = cohort(policy)
    assert allocation.waitlist_of("cohort") == ["E", "F"]
    assert out["G"].status is Status.NOT_SELECTED and out["G"].reason is Reason.SCORE


def test_policy_figures_come_from_the_parameters():
    policy = SelectionPolicy.from_parameters(default_tree(), dt.date(2025, 3, 1))
    assert policy.priority_share == Fraction(3, 10)
    assert policy.rounding.value == "floor" and policy.order.value == "reserved_first"
    assert "seoul-2025-jobs-plan §3" in policy.source
    assert policy.reserved_seats(30) == 9 and policy.reserved_seats(3) == 0


def test_a_program_without_a_priority_share_has_no_quota():
    policy = SelectionPolicy.from_parameters(default_tree(), dt.date(2025, 5, 1), "companion_jobs")
    assert policy.priority_share == 0 and "no priority quota" in policy.source
    with pytest.raises(SelectionInputError) as error:
        SelectionPolicy.from_parameters(default_tree(), dt.date(2025, 5, 1), "no_such_program")
    assert error.value.code == "unknown_program"


def test_a_float_share_is_refused():
    with pytest.raises(SelectionInputError) as error:
        SelectionPolicy(priority_share=0.3)
    assert error.value.code == "priority_share_invalid"
    with pytest.raises(SelectionInputError):
        SelectionPolicy(priority_share="1.5")


@pytest.mark.parametrize(("inputs", "code"), [
    (SelectionInputs("R", [Applicant("a", True, 1, False, ("nowhere",))], [Unit("u", 1)]),
     "unknown_unit"),
    (SelectionInputs("R", [Applicant("a", True, 1), Applicant("a", True, 2)], [Unit("u", 1)]),
     "duplicate_applicant"),
    (SelectionInputs("R", [Applicant("a", True, float("nan"), False, ("u",))], [Unit("u", 1)]),
     "score_not_finite"),
    (SelectionInputs("R", [Applicant("a", True, 1, False, ("u", "u"))], [Unit("u", 1)]),
     "duplicate_preference"),
    (SelectionInputs("R", [], [Unit("u", -1)]), "capacity_negative"),
    (SelectionInputs("R", [], [Unit("u", 1, "field")]), "unknown_group"),
])
def test_bad_input_says_where_and_what(inputs, code):
    with pytest.raises(SelectionInputError) as error:
        select(inputs, SelectionPolicy(priority_share="0"), b"s" * 32)
    assert error.value.code == code


@settings(max_examples=300, deadline=None)
@given(rounds(), policies, seeds)
def test_every_allocation_keeps_seats_quota_and_merit(inputs, policy, seed):
    assert_invariants(select(inputs, policy, seed), policy)


@settings(max_examples=300, deadline=None)
@given(rounds(), policies, seeds)
def test_matches_the_one_at_a_time_reference(inputs, policy, seed):
    allocation = select(inputs, policy, seed)
    numbers = dict(zip([a.id for a in inputs.applicants],
                       lottery_numbers(seed, [a.id for a in inputs.applicants]), strict=True))
    expected = reference_select(inputs, numbers, policy)
    got = {o.applicant_id: (o.unit, o.seat) for o in allocation.outcomes()
           if o.status is Status.SELECTED}
    assert got == expected


@settings(max_examples=150, deadline=None)
@given(rounds(), policies, seeds, st.randoms(use_true_random=False))
def test_same_seed_same_result_whatever_the_input_order(inputs, policy, seed, rnd: random.Random):
    first = select(inputs, policy, seed).canonical_rows()
    applicants, units = list(inputs.applicants), list(inputs.units)
    rnd.shuffle(applicants)
    rnd.shuffle(units)
    shuffled = SelectionInputs(inputs.round_id, applicants, units, inputs.groups)
    assert select(shuffled, policy, seed).canonical_rows() == first
    assert select(inputs, policy, seed).canonical_rows() == first


@settings(max_examples=100, deadline=None)
@given(rounds(max_choices=1), seeds)
def test_without_quota_a_higher_score_is_never_behind_a_lower_one_in_a_unit(inputs, seed):
    allocation = select(inputs, SelectionPolicy(priority_share="0"), seed)
    out = {o.applicant_id: o for o in allocation.outcomes()}
    score = {a.id: a.score for a in inputs.applicants}
    for unit in inputs.units:
        seated = allocation.selected(unit.id)
        waiting = allocation.waitlist_of(unit.id)
        if seated and waiting:
            assert min(score[a] for a in seated) >= max(score[a] for a in waiting)
        assert [score[a] for a in waiting] == sorted((score[a] for a in waiting), reverse=True)
        assert all(out[a].waitlist == ((unit.id, k),) for k, a in enumerate(waiting, 1))
