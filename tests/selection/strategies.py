"""Hypothesis strategies for small selection rounds: few units and scores, so ties and full
units are common."""

from __future__ import annotations

from hypothesis import strategies as st

from ilja.selection import Applicant, SelectionInputs, SelectionPolicy, Unit, UnitGroup

seeds = st.binary(min_size=16, max_size=32)


@st.composite
def rounds(draw: st.DrawFn, max_applicants: int = 30, max_choices: int = 3,
           groups: bool = True) -> SelectionInputs:
    group_list = [UnitGroup(f"G{g}", draw(st.one_of(st.none(), st.integers(0, 12))))
                  for g in range(draw(st.integers(0, 2)) if groups else 0)]
    group_ids = [None, *[g.id for g in group_list]]
    units = [Unit(f"U{u}", draw(st.integers(0, 6)), draw(st.sampled_from(group_ids)))
             for u in range(draw(st.integers(1, 5)))]
    unit_ids = [u.id for u in units]
    applicants = [
        Applicant(
            id=f"a{i}",
            eligible=draw(st.sampled_from([True, True, True, False])),
            score=float(draw(st.integers(0, 4))),
            priority=draw(st.booleans()),
            preferences=tuple(draw(st.lists(st.sampled_from(unit_ids), min_size=1,
                                            max_size=max_choices, unique=True))),
        )
        for i in range(draw(st.integers(0, max_applicants)))
    ]
    return SelectionInputs("R-test", applicants, units, group_list)


policies = st.builds(
    SelectionPolicy,
    priority_share=st.sampled_from(["0", "0.3", "0.30", "1/3", "0.5", "1"]),
    rounding=st.sampled_from(["floor", "ceil", "half_up"]),
    order=st.sampled_from(["reserved_first", "open_first"]),
    waitlist_ratio=st.sampled_from([None, "1", "1/2", "2"]),
)
