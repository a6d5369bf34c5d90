"""An import's not-eligible decisions and their notices are written a batch at a time
(``decisions.service.write_decisions``, ``messages.outbox.send_many``); what they write must be
what the one-by-one path writes (``record_decisions`` for one item at a time), column by column
and text by text, but for ids, timestamps and the deliveries' random idempotency keys."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from sqlalchemy import select
from tests.applications.factories import MANAGER, open_round, register
from tests.applications.test_import import row, run_import, write_csv

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.models import AuditIntake, AuditRecord
from ilja.db import engine_for, transaction
from ilja.decisions.catalogue import DecisionKind
from ilja.decisions.models import Decision
from ilja.decisions.service import NewDecision, notice_context, record_decisions, write_decisions
from ilja.messages.models import Delivery, MessagePreference, OutboxMessage
from ilja.messages.outbox import render
from ilja.people.models import Person

pytestmark = pytest.mark.usefixtures("keyring")

DECISION_ID = re.compile(r"(decision:|/my/decisions/)(\d+)\b")
SKIPPED = {"id", "created_at", "delivered_at", "next_attempt_at", "idempotency_key", "message_id"}


def _values(row: Any, ordinals: dict[int, int]) -> dict[str, Any]:
    """A row's columns but ids and timestamps, each decision id in a text as its ordinal."""
    values = {}
    for column in row.__table__.columns:
        if column.name in SKIPPED:
            continue
        value = getattr(row, column.name)
        if isinstance(value, str):
            value = DECISION_ID.sub(lambda found: f"{found[1]}#{ordinals[int(found[2])]}", value)
        values[column.name] = value
    return values


def _written(session, decisions_after: int, messages_after: int, intake_after: int) -> dict[str, Any]:
    """What was written past these ids: decisions, notices with their deliveries, audit."""
    session.flush()
    decisions = session.scalars(select(Decision).where(Decision.id > decisions_after).order_by(Decision.id)).all()
    ordinals = {d.id: n for n, d in enumerate(decisions)}
    messages = session.scalars(select(OutboxMessage).where(OutboxMessage.id > messages_after)
                               .order_by(OutboxMessage.id)).all()
    deliveries = session.scalars(select(Delivery).where(Delivery.message_id > messages_after)
                                 .order_by(Delivery.message_id, Delivery.channel)).all()
    order = {m.id: n for n, m in enumerate(messages)}
    _as_jinja_renders_them(session, messages, deliveries)
    audit = session.scalars(select(AuditIntake).where(AuditIntake.id > intake_after, AuditIntake.object_type ==
                                                      "decision").order_by(AuditIntake.id)).all()
    return {"decisions": [_values(d, ordinals) for d in decisions],
            "messages": [_values(m, ordinals) for m in messages],
            "deliveries": [(order[d.message_id], _values(d, ordinals)) for d in deliveries],
            "audit": [_audit_entry(a, ordinals) for a in audit]}


def _as_jinja_renders_them(session, messages: list[OutboxMessage], deliveries: list[Delivery]) -> None:
    """Each text is the one ``outbox.render`` makes through Jinja for its decision, one at a time."""
    texts = {}
    for message in messages:
        decision = session.get(Decision, int(message.subject_ref.removeprefix("decision:")))
        context = {"person_name": session.get(Person, message.person_id).name, **notice_context(decision)}
        texts[message.id] = {short: render(message.topic, message.language, context, short=short)
                             for short in (False, True)}
        assert (message.subject, message.body) == texts[message.id][False]
    for delivery in deliveries:
        short = delivery.channel in ("sms", "alimtalk")
        inbox = delivery.channel == "inbox"  # the message's own text, not a copy (migration 0601)
        assert (delivery.subject, delivery.body) == ((None, None) if inbox else texts[delivery.message_id][short])


def _audit_entry(entry: Any, ordinals: dict[int, int]) -> tuple[Any, ...]:
    details = dict(entry.details or {})
    for key in ("first", "last"):
        if key in details:
            details[key] = ordinals[details[key]]
    return (entry.action, entry.actor_id, entry.actor_role, entry.subject_person_id is not None,
            ordinals[int(entry.object_id)], details)


def _high_water(session) -> tuple[int, int, int]:
    return tuple(session.scalar(select(model.id).order_by(model.id.desc()).limit(1)) or 0
                 for model in (Decision, OutboxMessage, AuditIntake))


def _batch_and_one_by_one(url: str, items: list[NewDecision], now: dt.datetime, actor: audit.Actor = MANAGER):
    """What ``write_decisions`` writes for ``items`` at once, and what ``record_decisions`` writes
    for them one at a time; both rolled back."""
    outputs = []
    for one_by_one in (False, True):
        with transaction(engine_for(url)) as session:
            before = _high_water(session)
            if one_by_one:
                for item in items:
                    record_decisions(session, actor, [item], now=now)
            else:
                write_decisions(session, actor, items, now=now)
            outputs.append(_written(session, *before))
            session.rollback()
    return outputs


def _items_of(decisions: list[Decision]) -> list[NewDecision]:
    return [NewDecision(d.person_id, DecisionKind(d.kind), d.subject_ref, d.reasons_ko, d.reasons_en,
                        list(d.basis), dict(d.details or {})) for d in decisions]


def test_an_imports_decisions_and_notices_are_those_of_the_one_by_one_path(database_url, keyring, tmp_path):
    round_id = open_round(database_url)
    rows = [row(n, **({"able_to_work": "아니오"} if n % 3 else {})) for n in range(1, 13)]
    with transaction(engine_for(database_url)) as session:
        before = _high_water(session)
    report = run_import(database_url, write_csv(tmp_path / "mixed.csv", rows), round_id, keyring)
    assert report.ineligible >= 8
    with transaction(engine_for(database_url)) as session:
        imported = _written(session, *before)
        sealed = session.scalars(select(AuditRecord).where(AuditRecord.object_type == "decision")).all()
        imported["audit"] = [_audit_entry(a, {d: n for n, d in enumerate(sorted(
            d.id for d in session.scalars(select(Decision))))}) for a in sealed]
        decisions = session.scalars(select(Decision).order_by(Decision.id)).all()
        now = decisions[0].created_at
    actor = audit.Actor(decisions[0].actor_id, decisions[0].actor_role)
    batch, one_by_one = _batch_and_one_by_one(database_url, _items_of(decisions), now, actor)
    assert len(imported["decisions"]) == len(imported["messages"]) == report.ineligible
    for key in ("decisions", "messages", "deliveries"):
        for a, b, c in zip(imported[key], batch[key], one_by_one[key], strict=True):
            assert a == b == c, [(k, a[k], b[k], c[k]) for k in a if not a[k] == b[k] == c[k]]
    count = len(decisions)
    assert imported["audit"] == batch["audit"] == [
        ("rights.decisions", None, "system", False, 0,
         {"count": count, "first": 0, "last": count - 1, "not_eligible": count})]
    assert one_by_one["audit"] == [("rights.decision.effective", None, "system", True, n,
                                    {"kind": "not_eligible"}) for n in range(count)]


def test_notices_in_each_language_and_channel_are_those_of_the_one_by_one_path(database_url, keyring):
    """People who chose English, e-mail, SMS or 알림톡, and decisions that are proposed first (a
    prior notice, with its short text for the phone) as well as effective ones."""
    people = [register(database_url, keyring) for _ in range(6)]
    choices = [("ko", True, "none"), ("en", True, "sms"), ("en", False, "alimtalk"), ("ko", False, "sms"),
               ("en", False, "none"), None]
    with transaction(engine_for(database_url)) as session:
        for n, (person_id, choice) in enumerate(zip(people, choices, strict=True)):
            session.get(Person, person_id).email = f"p{n}@example.org"
            if choice:
                language, email, phone = choice
                session.add(MessagePreference(person_id=person_id, language=language, email=email,
                                              phone_channel=phone, opted_out=["*"], updated_at=clock.now()))
    kinds = [DecisionKind.NOT_ELIGIBLE, DecisionKind.DROPOUT, DecisionKind.NOT_SELECTED]
    items = [NewDecision(person_id, kinds[n % len(kinds)], f"application:{100 + n}", f" 사유 {n}\n둘째 줄 ",
                         f"Reason {n}\nsecond line", [{"ref": f"round:{n}", "ko": "공고", "en": "Notice"}],
                         {"application_id": 100 + n} if n % 2 else {})
             for n, person_id in enumerate(people * 2)]
    now = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)
    batch, one_by_one = _batch_and_one_by_one(database_url, items, now)
    assert len(batch["messages"]) == len(items) and len(batch["deliveries"]) > len(items)
    assert {m["language"] for m in batch["messages"]} == {"ko", "en"}
    assert {d["channel"] for _, d in batch["deliveries"]} == {"inbox", "email", "sms", "alimtalk"}
    for key in ("decisions", "messages", "deliveries"):
        assert batch[key] == one_by_one[key], key
