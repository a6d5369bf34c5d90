"""A round's run as stored, read by the service and by the results alike: the run row,
the run once drawn, and the round's units as the draw takes them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja.applications import rounds
from ilja.selection.errors import NotDrawn
from ilja.selection.model import Unit, UnitGroup
from ilja.selection.models import RunStatus, SelectionRunRow


def get_run(session: Session, round_id: int) -> SelectionRunRow | None:
    return session.execute(select(SelectionRunRow).where(SelectionRunRow.round_id == round_id)
                           .execution_options(populate_existing=True)).scalar_one_or_none()


def completed_run(session: Session, round_id: int) -> SelectionRunRow:
    run_row = get_run(session, round_id)
    if run_row is None or run_row.status != RunStatus.COMPLETED:
        raise NotDrawn(round_id)
    return run_row


def units_of(session: Session, round_id: int) -> tuple[list[Unit], list[UnitGroup]]:
    """The round's units as the selection sees them: choosable units, and the fields grouping
    them (with their own seat totals where set)."""
    units = rounds.round_units(session, round_id)
    parents = {u.parent_code for u in units if u.parent_code}
    groups = [UnitGroup(u.code, u.seats) for u in units if u.code in parents]
    leaves = [Unit(u.code, int(u.seats or 0), u.parent_code) for u in units
              if u.code not in parents]
    return leaves, groups
