"""What every allocation must satisfy, checked one applicant at a time."""

from __future__ import annotations

from ilja.selection import Allocation, Seat, SelectionPolicy, Status


def assert_invariants(allocation: Allocation, policy: SelectionPolicy) -> None:
    p = allocation.problem
    outcomes = allocation.outcomes()
    by_id = {o.applicant_id: o for o in outcomes}
    applicant = {aid: i for i, aid in enumerate(p.applicant_ids)}
    capacity = dict(zip(p.unit_ids, p.capacity.tolist(), strict=True))
    group_of = {u: (p.group_ids[g] if g >= 0 else None)
                for u, g in zip(p.unit_ids, p.unit_group.tolist(), strict=True)}
    group_cap = {g: c for g, c in zip(p.group_ids, p.group_capacity.tolist(), strict=True)
                 if c >= 0}
    holders: dict[str, list[str]] = {u: [] for u in p.unit_ids}
    for o in outcomes:
        i = applicant[o.applicant_id]
        if o.status is Status.SELECTED:
            assert p.eligible[i] and not p.withdrawn[i]
            assert o.unit == p.unit_ids[p.preferences[i, o.choice - 1]]
            assert o.seat in (Seat.RESERVED, Seat.OPEN)
            holders[o.unit].append(o.applicant_id)
        else:
            assert o.unit is None and o.seat is None
        if not p.eligible[i]:
            assert o.status is Status.INELIGIBLE
    for u, seated in holders.items():
        # No unit over capacity.
        assert len(seated) <= capacity[u], u
        # The priority share is a cap on the seats filled through the quota.
        reserved = [a for a in seated if by_id[a].seat is Seat.RESERVED]
        assert len(reserved) <= policy.reserved_seats(capacity[u])
        if policy.rounding.value == "floor":
            assert len(reserved) <= policy.priority_share * capacity[u]
        assert all(p.priority[applicant[a]] for a in reserved)
    for g, cap in group_cap.items():
        assert sum(len(s) for u, s in holders.items() if group_of[u] == g) <= cap, g

    def beats(b: str, a: str, u: str) -> bool:
        """b may hold a seat (at u or elsewhere in u's field) that a wanted at u: b is ahead in
        merit, or b holds a reserved seat while a could not have had one of u's — a is not in a
        priority group, or u's reserved seats are all held by priority applicants ahead of a."""
        ib, ia = applicant[b], applicant[a]
        if allocation.place[ib] < allocation.place[ia]:
            assert p.score[ib] >= p.score[ia]
            return True
        if by_id[b].seat is not Seat.RESERVED:
            return False
        if not p.priority[ia]:
            return True
        reserved_at_u = [c for c in holders[u] if by_id[c].seat is Seat.RESERVED]
        return (len(reserved_at_u) == policy.reserved_seats(capacity[u])
                and all(allocation.place[applicant[c]] < allocation.place[ia]
                        for c in reserved_at_u))

    for o in outcomes:
        i = applicant[o.applicant_id]
        if o.status in (Status.INELIGIBLE, Status.WITHDRAWN):
            continue
        above = (o.choice - 1) if o.choice else p.preferences.shape[1]
        for j in range(above):
            if not p.allowed[i, j] or p.preferences[i, j] < 0:
                continue
            u = p.unit_ids[p.preferences[i, j]]
            # A higher score never loses a unit to a lower one outside the lottery and the quota.
            assert all(beats(b, o.applicant_id, u) for b in holders[u]), (o, u)
            if len(holders[u]) < capacity[u]:
                # A seat left empty while someone wants it: only when the field is full.
                g = group_of[u]
                assert g in group_cap, (o, u)
                seated = [b for v, s in holders.items() if group_of[v] == g for b in s]
                assert len(seated) == group_cap[g]
                if policy.order.value == "reserved_first":
                    # (With open_first a reserved seat reverts only after the open seats of the
                    # whole field are filled, so the field may be full by then.)
                    assert all(beats(b, o.applicant_id, u) for b in seated), (o, u)
