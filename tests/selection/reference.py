"""A slow, obvious implementation of the choice rule, one applicant at a time, to hold the
vectorised one to: sequential greedy phases inside deferred acceptance."""

from __future__ import annotations

from collections import Counter

from ilja.selection import Seat, SelectionInputs, SelectionPolicy


def reference_select(inputs: SelectionInputs, numbers: dict[str, int], policy: SelectionPolicy,
                     withdrawn: frozenset[str] = frozenset()) -> dict[str, tuple[str, Seat]]:
    """Who holds which unit and seat: {applicant id: (unit id, seat)}."""
    people = {a.id: a for a in inputs.applicants if a.eligible and a.id not in withdrawn}
    order = sorted(people.values(), key=lambda a: (-a.score, numbers[a.id]))
    rank = {a.id: i for i, a in enumerate(order)}
    capacity = {u.id: u.capacity for u in inputs.units}
    reserved = {u.id: policy.reserved_seats(u.capacity) for u in inputs.units}
    group_of = {u.id: u.group or f"own:{u.id}" for u in inputs.units}
    group_cap = {g.id: g.capacity for g in inputs.groups if g.capacity is not None}

    def choose(proposals: dict[str, str]) -> dict[str, Seat]:
        chosen: dict[str, Seat] = {}
        group_used: Counter[str] = Counter()

        def phase(candidates: list[str], room: dict[str, int], seat: Seat) -> Counter[str]:
            taken: Counter[str] = Counter()
            for a in sorted(candidates, key=rank.__getitem__):
                u = proposals[a]
                g = group_of[u]
                if taken[u] < room[u] and (g not in group_cap or group_used[g] < group_cap[g]):
                    taken[u] += 1
                    group_used[g] += 1
                    chosen[a] = seat
            return taken

        everyone = list(proposals)
        if policy.order.value == "reserved_first":
            first = phase([a for a in everyone if people[a].priority], reserved, Seat.RESERVED)
            phase([a for a in everyone if a not in chosen],
                  {u: capacity[u] - first[u] for u in capacity}, Seat.OPEN)
        else:
            first = phase(everyone, {u: capacity[u] - reserved[u] for u in capacity}, Seat.OPEN)
            second = phase([a for a in everyone if a not in chosen and people[a].priority],
                           reserved, Seat.RESERVED)
            phase([a for a in everyone if a not in chosen],
                  {u: capacity[u] - first[u] - second[u] for u in capacity}, Seat.OPEN)
        return chosen

    pointer = dict.fromkeys(people, 0)
    while True:
        proposals = {a: people[a].preferences[pointer[a]] for a in people
                     if pointer[a] < len(people[a].preferences)}
        chosen = choose(proposals)
        rejected = [a for a in proposals if a not in chosen]
        if not rejected:
            return {a: (proposals[a], seat) for a, seat in chosen.items()}
        for a in rejected:
            pointer[a] += 1
