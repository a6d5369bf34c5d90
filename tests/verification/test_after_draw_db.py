"""A fact verified after the draw that takes eligibility away gives the seat up through the
selection's withdrawal, which the caller hands in (verification sits below selection); without it
the finding is refused and nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from bench.verification import world
from sqlalchemy import select

from ilja.applications.models import Application
from ilja.db import engine_for, transaction
from ilja.people.rrn import generate_key_file
from ilja.selection import service as selection
from ilja.verification import records_check, service
from tests.verification.households import with_households

STAFF = world.MANAGER


def _statuses(session, round_id):
    rows = session.execute(select(Application.id, Application.status).where(Application.round_id == round_id))
    return dict(rows.all())


def test_a_seat_holder_found_not_eligible_after_the_draw_gives_the_seat_to_the_next_in_line(database_url,
                                                                                            tmp_path):
    keyring = generate_key_file(tmp_path / "keys.json")
    engine = engine_for(database_url)
    with transaction(engine) as session:
        built = world.build(session, 8, keyring, seats=2)
        records_check.import_check(session, with_households(built, world.records_file(built)), "c.csv",
                                   built.round_id, checked_on=dt.date(2025, 6, 2), actor=STAFF, keyring=keyring)
    with transaction(engine) as session:
        selection.run_selection(session, built.round_id, actor=STAFF)
    with transaction(engine) as session:
        before = _statuses(session, built.round_id)
    holder = min(i for i, status in before.items() if status == "selected")
    assert "waitlisted" in before.values()
    with pytest.raises(TypeError, match="withdraw"), transaction(engine) as session:
        service.correct_fact(session, holder, "receives_livelihood_benefit", "Y", reason="생계급여 수급 확인",
                             actor=STAFF)
    with transaction(engine) as session:
        assert _statuses(session, built.round_id) == before
        outcome = service.correct_fact(session, holder, "receives_livelihood_benefit", "Y",
                                       reason="생계급여 수급 확인", actor=STAFF, withdraw=selection.withdraw)
        assert outcome.became_ineligible == [holder]
    with transaction(engine) as session:
        after = _statuses(session, built.round_id)
        assert after[holder] == "ineligible"
        assert sum(status == "selected" for status in after.values()) == 2
        assert selection.verify(session, built.round_id, actor=STAFF).ok
