"""경쟁률 and selection statistics per round, unit and field."""

from __future__ import annotations

from decimal import Decimal

from ilja.selection import (
    Applicant,
    SelectionInputs,
    SelectionPolicy,
    Unit,
    UnitGroup,
    competition_rate,
    selection_stats,
)
from tests.selection.test_allocation import cohort, select


def test_competition_rate_is_applicants_per_seat_to_two_places():
    assert competition_rate(3300, 1000) == Decimal("3.30")
    assert competition_rate(10, 3) == Decimal("3.33")
    assert competition_rate(5, 0) is None


def test_cohort_figures():
    _, allocation = cohort(SelectionPolicy(priority_share="0.5"))
    stats = selection_stats(allocation)
    (unit,) = stats.units
    assert (unit.seats, unit.reserved_seats, unit.applicants, unit.eligible_applicants) == (4, 2, 8, 7)
    assert (unit.selected, unit.selected_reserved, unit.selected_open) == (4, 2, 2)
    assert (unit.reverted_seats, unit.vacant_seats, unit.waitlisted) == (0, 0, 3)
    assert unit.competition_rate == Decimal("2.00")
    assert unit.lowest_selected_score == 70
    assert stats.statuses == {"selected": 4, "waitlisted": 3, "not_selected": 0,
                              "ineligible": 1, "withdrawn": 0}
    assert stats.competition_rate == Decimal("2.00")
    assert stats.as_dict()["units"][0]["competition_rate"] == "2.00"


def test_fields_report_their_own_total_beside_the_sum_of_their_projects():
    inputs = SelectionInputs("동행일자리-2025-하반기", [
        Applicant(f"a{i}", True, i % 7, i % 5 == 0, (f"p{i % 3}",)) for i in range(30)
    ], [Unit("p0", 4, "돌봄"), Unit("p1", 4, "돌봄"), Unit("p2", 5)],
        [UnitGroup("돌봄", 6)])
    allocation = select(inputs, SelectionPolicy(priority_share="0.30"), b"s" * 32)
    stats = selection_stats(allocation)
    care = next(g for g in stats.groups if g.group == "돌봄")
    assert (care.unit_seats, care.group_capacity, care.seats, care.units) == (8, 6, 6, 2)
    assert care.selected == 6 and care.applicants == 20
    assert care.competition_rate == Decimal("3.33")
    loose = next(g for g in stats.groups if g.group is None)
    assert (loose.seats, loose.applicants) == (5, 10)
    assert stats.seats == 11 and stats.selected == allocation.status.tolist().count(0)


def test_reverted_seats_are_counted():
    inputs = SelectionInputs("R", [Applicant(f"p{i}", True, 10 - i, i == 5, ("u",))
                                   for i in range(10)], [Unit("u", 6)])
    allocation = select(inputs, SelectionPolicy(priority_share="0.5"), b"s" * 32)
    (unit,) = selection_stats(allocation).units
    assert (unit.reserved_seats, unit.selected_reserved, unit.reverted_seats) == (3, 1, 2)
