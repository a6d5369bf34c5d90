"""Promotion from the waitlist when a selected person declines or drops before the start."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilja.selection import (
    Applicant,
    ChangeKind,
    Seat,
    SelectionInputError,
    SelectionInputs,
    SelectionPolicy,
    Status,
    Unit,
    new_seed,
    replay,
    reproduce,
    run_selection,
    withdraw,
)
from tests.selection.invariants import assert_invariants
from tests.selection.strategies import policies, rounds, seeds
from tests.selection.test_allocation import COHORT, cohort, select


def test_a_declined_open_seat_goes_to_the_first_on_the_waitlist():
    _, allocation = cohort(SelectionPolicy(priority_share="0.5"))
    promotion = withdraw(allocation, {"A": "declined"})
    withdrawn, promoted = promotion.changes
    assert (withdrawn.applicant_id, withdrawn.kind, withdrawn.note) == ("A", ChangeKind.WITHDRAWN,
                                                                        "declined")
    assert withdrawn.status_after is Status.WITHDRAWN
    assert (promoted.applicant_id, promoted.kind, promoted.waitlist_place) == (
        "C", ChangeKind.PROMOTED, 1)
    assert (promoted.unit_after, promoted.seat_after, promoted.caused_by) == (
        "cohort", Seat.OPEN, ("A",))
    assert promotion.allocation.waitlist_of("cohort") == ["F", "G"]


def test_a_declined_priority_seat_goes_to_the_next_priority_applicant():
    _, allocation = cohort(SelectionPolicy(priority_share="0.5"))
    promotion = withdraw(allocation, {"E": "dropped"})
    # C is first on the waitlist but the vacant seat is a reserved one: F (2nd) takes it.
    assert promotion.promoted == ["F"]
    change = promotion.changes[1]
    assert (change.seat_after, change.waitlist_place) == (Seat.RESERVED, 2)
    assert promotion.allocation.waitlist_of("cohort") == ["C", "G"]


def test_a_reserved_seat_without_priority_applicants_left_reverts_to_the_open_pool():
    _, allocation = cohort(SelectionPolicy(priority_share="0.5"))
    after_e = withdraw(allocation, ["E"]).allocation
    promotion = withdraw(after_e, ["F"])
    assert promotion.promoted == ["C"]
    assert promotion.allocation.outcome_of("C").seat is Seat.OPEN


def test_a_promotion_can_free_a_lower_choice_and_the_chain_goes_on():
    inputs = SelectionInputs("R", [
        Applicant("x", True, 9, False, ("u",)),
        Applicant("y", True, 8, False, ("u", "v")),
        Applicant("z", True, 7, False, ("v",)),
    ], [Unit("u", 1), Unit("v", 1)])
    allocation = select(inputs, SelectionPolicy(priority_share="0"), b"s" * 32)
    promotion = withdraw(allocation, {"x": "declined"})
    kinds = [(c.applicant_id, c.kind, c.unit_before, c.unit_after) for c in promotion.changes]
    assert kinds == [("x", ChangeKind.WITHDRAWN, "u", None),
                     ("y", ChangeKind.MOVED_UP, "v", "u"),
                     ("z", ChangeKind.PROMOTED, None, "v")]


def test_only_selected_or_waitlisted_applications_can_be_withdrawn():
    _, allocation = cohort(SelectionPolicy(priority_share="0.5"))
    with pytest.raises(SelectionInputError) as error:
        withdraw(allocation, ["H"])
    assert error.value.code == "not_withdrawable"
    promotion = withdraw(allocation, ["G"])
    assert [(c.applicant_id, c.kind) for c in promotion.changes] == [("G", ChangeKind.WITHDRAWN)]
    with pytest.raises(SelectionInputError):
        withdraw(promotion.allocation, ["G"])


def test_successive_declines_promote_in_waitlist_order():
    inputs = SelectionInputs("R", [Applicant(f"p{i}", True, 20 - i, False, ("u",))
                                   for i in range(12)], [Unit("u", 3)])
    allocation = select(inputs, SelectionPolicy(priority_share="0"), b"s" * 32)
    waiting = allocation.waitlist_of("u")
    promoted = []
    for _ in range(len(waiting)):
        leaver = allocation.selected("u")[0]
        promotion = withdraw(allocation, [leaver])
        promoted += promotion.promoted
        allocation = promotion.allocation
    assert promoted == waiting


def _selected_or_waiting(allocation):
    return [o.applicant_id for o in allocation.outcomes()
            if o.status in (Status.SELECTED, Status.WAITLISTED)]


@settings(max_examples=200, deadline=None)
@given(rounds(), policies, seeds, st.data())
def test_a_withdrawal_never_costs_anyone_else_a_seat(inputs, policy, seed, data):
    allocation = select(inputs, policy, seed)
    left = []
    for _ in range(data.draw(st.integers(1, 4))):
        candidates = _selected_or_waiting(allocation)
        if not candidates:
            break
        leaver = data.draw(st.sampled_from(candidates))
        left.append(leaver)
        promotion = withdraw(allocation, [leaver])  # raises PromotionError if anyone lost
        assert_invariants(promotion.allocation, policy)
        before = {o.applicant_id: o for o in allocation.outcomes()}
        for change in promotion.changes[1:]:
            assert change.kind in (ChangeKind.PROMOTED, ChangeKind.MOVED_UP,
                                   ChangeKind.SEAT_CHANGED)
            if change.kind is not ChangeKind.SEAT_CHANGED:
                # Only someone on that unit's waitlist at the time is promoted to it.
                assert (change.unit_after, change.waitlist_place) in before[
                    change.applicant_id].waitlist
        allocation = promotion.allocation
    if policy.waitlist_ratio is None:
        # Without a waitlist limit, promotions end where a fresh run without the leavers does.
        assert allocation.canonical_rows() == select(inputs, policy, seed, left).canonical_rows()


@settings(max_examples=100, deadline=None)
@given(rounds(), policies, seeds)
def test_withdrawing_nobody_changes_nothing(inputs, policy, seed):
    allocation = select(inputs, policy, seed)
    promotion = withdraw(allocation, [])
    assert promotion.changes == ()
    assert promotion.allocation.canonical_rows() == allocation.canonical_rows()


def test_stored_withdrawals_replayed_on_the_reproduced_draw_give_the_allocation_in_force():
    seed = new_seed()
    policy = SelectionPolicy(priority_share="0.5")
    run = run_selection(COHORT, policy, seed)
    assert run.allocation is not None
    first = withdraw(run.allocation, {"E": "dropped"})
    second = withdraw(first.allocation, {"A": "declined", "B": "declined"})
    replayed = replay(reproduce(run, COHORT), [{"E": "dropped"}, ["A", "B"]])
    assert [p.allocation.canonical_rows() for p in replayed] == [
        first.allocation.canonical_rows(), second.allocation.canonical_rows()]
    assert [c.applicant_id for c in replayed[1].changes] == [c.applicant_id for c in second.changes]
