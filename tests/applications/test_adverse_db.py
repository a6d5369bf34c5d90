"""An adverse status move is a decision about the applicant, told with its reasons: the caller
that moves the application words them (``applications.adverse``), and a move no wording covers is
refused with nothing written, never passed over silently."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.applications.factories import MANAGER, apply, open_round, register

from ilja.applications.adverse import Unworded, eligibility_wording
from ilja.applications.models import Application
from ilja.applications.models import ApplicationStatus as S
from ilja.applications.statuses import BulkMove, record_moves
from ilja.db import engine_for, transaction
from ilja.decisions.models import Decision


def _decisions(session, application_id: int) -> list[Decision]:
    return list(session.scalars(select(Decision).where(Decision.subject_ref == f"application:{application_id}")))


def test_an_adverse_move_is_refused_without_its_reasons_and_recorded_with_them(database_url, keyring):
    round_id = open_round(database_url)
    application_id, _ = apply(database_url, round_id, register(database_url, keyring))
    moves = [BulkMove(application_id, S.ELIGIBLE.value, S.INELIGIBLE, "test.ineligible")]
    with pytest.raises(Unworded), transaction(engine_for(database_url)) as session:
        record_moves(session, moves, actor=MANAGER, program_kind="public_job")
    with pytest.raises(Unworded), transaction(engine_for(database_url)) as session:
        record_moves(session, moves, actor=MANAGER, program_kind="public_job",
                     wording=lambda _, adverse: [None] * len(adverse))
    with transaction(engine_for(database_url)) as session:
        assert session.get_one(Application, application_id).status == S.ELIGIBLE
        assert _decisions(session, application_id) == []
    with transaction(engine_for(database_url)) as session:
        record_moves(session, moves, actor=MANAGER, program_kind="public_job", wording=eligibility_wording)
    with transaction(engine_for(database_url)) as session:
        decision, = _decisions(session, application_id)
        assert decision.kind == "not_eligible" and decision.reasons_ko and decision.reasons_en
        assert decision.details == {"application_id": application_id, "round_id": round_id,
                                    "reason_code": "test.ineligible"}
        assert decision.basis[0]["ref"] == f"round:{round_id}"


def test_a_move_that_decides_nothing_needs_no_wording(database_url, keyring):
    round_id = open_round(database_url)
    application_id, _ = apply(database_url, round_id, register(database_url, keyring))
    with transaction(engine_for(database_url)) as session:
        record_moves(session, [BulkMove(application_id, S.ELIGIBLE.value, S.WITHDRAWN, "applicant.withdrew")],
                     actor=MANAGER, program_kind="public_job")
    with transaction(engine_for(database_url)) as session:
        assert session.get_one(Application, application_id).status == S.WITHDRAWN
        assert _decisions(session, application_id) == []
