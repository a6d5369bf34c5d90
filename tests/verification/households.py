"""The world's records-check file with the household columns (세대번호, 가구원), for the tests."""

from __future__ import annotations

from collections.abc import Mapping

from bench.verification.world import World


def with_households(world: World, data: bytes,
                    households: Mapping[int, tuple[str, str]] | None = None) -> bytes:
    """``data`` (``world.records_file``) with each applicant in a household of their own with a
    spouse of no income (two members, as declared), except ``households``: applicant index →
    (세대번호, 가구원), whose 가구소득(원) is left empty (summed from the members)."""
    households = households or {}
    index = {rrn: i for i, rrn in enumerate(world.rrns)}
    lines = data.decode("utf-8").splitlines()
    out = [lines[0] + ",세대번호,가구원"]
    for line in lines[1:]:
        cells = line.split(",")
        i = index[cells[0]]
        if i in households:
            cells[2] = ""
            household, members = households[i]
        else:
            household, members = f"세대-{i}", f"본인:{cells[2]};배우자:0"
        out.append(",".join([*cells, household, members]))
    return ("\n".join(out) + "\n").encode("utf-8")
