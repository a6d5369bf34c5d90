"""The sealer makes an intake row's entry without checking it again (issue 20 §1): the entry it
chains must be the one the checked entry would have been — the same canonical text, the same
hash — and the checks still refuse a bad entry when it is recorded."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from ilja.accounts import audit
from ilja.accounts.audit_chain import GENESIS_HASH, AuditEntry, AuditEntryError, canonical, entry_hash
from ilja.accounts.models import AuditRecord
from ilja.db import engine_for, transaction

SEOUL = ZoneInfo("Asia/Seoul")
ENTRIES = [
    {"action": "application.submit", "subject_person_id": 5, "object_type": "application", "object_id": 77,
     "details": {"round_id": 3, "on_behalf": True, "preferences": ["care", "돌봄"], "score": 1.5,
                 "nested": {"list": [1, None, {"k": "값"}]}}},
    {"action": "people.export", "reason": "월간 점검", "details": {}},
    {"action": "decision.record", "subject_person_id": None, "object_type": None, "object_id": None,
     "details": None},
]


@pytest.mark.parametrize("fields", ENTRIES)
def test_an_intake_row_makes_the_entry_the_checks_make(fields):
    actor = audit.Actor(12, "program_manager", "10.0.0.1")
    moment = dt.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=SEOUL)
    checked = AuditEntry(sequence=7, timestamp=moment, actor_id=actor.id, actor_role=actor.role,
                         source_address=actor.source_address,
                         **{**fields, "details": fields.get("details") or {}})
    row = json.loads(json.dumps(audit._intake_values(checked), default=str))  # as the database gives it back
    row["timestamp"] = checked.timestamp
    unchecked = AuditEntry.from_intake(7, row)
    assert unchecked == checked
    assert canonical(unchecked) == canonical(checked)
    assert entry_hash(GENESIS_HASH, unchecked) == entry_hash(GENESIS_HASH, checked)


def test_a_bad_entry_is_still_refused_when_recorded(database_url):
    with pytest.raises(AuditEntryError), transaction(engine_for(database_url)) as session:
        audit.record(session, audit.SYSTEM_ACTOR, "people.export", details={"note": "900101-1234567"})


def test_sealed_entries_verify_and_hold_what_was_recorded(database_url):
    engine = engine_for(database_url)
    actor = audit.Actor("12", "program_manager", "10.0.0.1")
    with transaction(engine) as session:
        audit.record_many(session, actor, ENTRIES, now=dt.datetime(2026, 3, 1, 9, 30, tzinfo=SEOUL))
    with transaction(engine) as session:
        assert audit.verify(session).ok
        rows = session.execute(select(AuditRecord).order_by(AuditRecord.sequence)).scalars().all()
    assert [row.action for row in rows] == [entry["action"] for entry in ENTRIES]
    for row, fields in zip(rows, ENTRIES, strict=True):
        expected = AuditEntry(sequence=row.sequence, timestamp=dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.UTC),
                              actor_id="12", actor_role="program_manager", source_address="10.0.0.1",
                              **{**fields, "details": fields.get("details") or {}})
        assert row.canonical == canonical(expected).decode("utf-8")
