"""send(): rendering in the person's language, the channels chosen, opt-out, and the outbox rows
written in the caller's transaction (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ilja.db import engine_for, transaction
from ilja.messages import outbox
from ilja.messages.models import Delivery, MessagePreference, OutboxMessage
from tests.messages.factories import NOTICE, person


def test_render_subject_and_body_in_both_languages():
    subject, body = outbox.render("decision_notice", "ko", {"person_name": "김민준", **NOTICE})
    assert subject == "[일자리] 2026년 동행일자리 1차 모집 결과를 알려 드립니다"
    assert "김민준님" in body and "선발 점수 62점" in body and "행정심판" in body
    subject, body = outbox.render("decision_notice", "en", {"person_name": "Minjun", **NOTICE})
    assert subject.startswith("[Ilja]") and "Reasons and basis" in body
    short = outbox.render("decision_notice", "ko", {"person_name": "김민준", **NOTICE}, short=True)
    assert len(short[1]) < len(body)


def test_unknown_topic_and_missing_context_are_clear_errors():
    with pytest.raises(outbox.UnknownTopic, match="no message template for topic 'nope'.*nope.ko.txt"):
        outbox.render("nope", "ko", {})
    with pytest.raises(outbox.MessageError, match="decision_notice.ko.txt.*'title' is undefined"):
        outbox.render("decision_notice", "ko", {"person_name": "김민준"})
    assert {"decision_notice", "application_received", "event_reminder"} <= set(outbox.topics())


def test_channels_follow_the_preference_and_opt_out():
    pref = MessagePreference(person_id=1, language="ko", email=True, phone_channel="none", opted_out=[])
    both = {"email": "a@example.org", "phone": "01012345678"}
    assert set(outbox.channels_for(pref, **both, topic="t", mandatory=True)) == {"inbox", "email"}
    pref.phone_channel = "alimtalk"
    assert set(outbox.channels_for(pref, **both, topic="t", mandatory=True)) == {"inbox", "email", "alimtalk"}
    assert set(outbox.channels_for(pref, email=None, phone=None, topic="t", mandatory=True)) == {"inbox"}
    pref.opted_out = ["t"]
    assert set(outbox.channels_for(pref, **both, topic="t", mandatory=False)) == {"inbox"}
    assert set(outbox.channels_for(pref, **both, topic="t", mandatory=True)) == {"inbox", "email", "alimtalk"}
    assert set(outbox.channels_for(pref, **both, topic="other", mandatory=False)) == {"inbox", "email", "alimtalk"}
    pref.opted_out, pref.email = [outbox.OPT_OUT_ALL], False
    assert set(outbox.channels_for(pref, **both, topic="other", mandatory=False)) == {"inbox"}
    assert set(outbox.channels_for(pref, **both, topic="other", mandatory=True)) == {"inbox", "alimtalk"}


def test_send_writes_the_message_in_the_callers_transaction(database_url):
    engine = engine_for(database_url)
    with transaction(engine) as session:
        pid = person(session)
        session.add(MessagePreference(person_id=pid, language="en", email=True, phone_channel="sms",
                                      opted_out=[], updated_at=outbox.clock.now()))
    with pytest.raises(RuntimeError), transaction(engine) as session:
        outbox.send(session, person_id=pid, topic="decision_notice", context=NOTICE, subject_ref="application:1")
        raise RuntimeError("the decision failed")
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        message = outbox.send(session, person_id=pid, topic="decision_notice", context=NOTICE,
                              subject_ref="application:1")
    with transaction(engine) as session:
        stored = session.get(OutboxMessage, message.id)
        assert (stored.language, stored.status, stored.mandatory) == ("en", "pending", True)
        assert stored.subject.startswith("[Ilja]")
        rows = {d.channel: d for d in session.scalars(select(Delivery).where(Delivery.message_id == message.id))}
        assert set(rows) == {"inbox", "email", "sms"}
        assert rows["inbox"].status == "delivered" and rows["email"].status == "pending"
        assert rows["email"].address == "minjun@example.org" and rows["sms"].address == "01012345678"
        assert len(rows["sms"].body) < len(rows["email"].body)
        assert len({d.idempotency_key for d in rows.values()}) == 3


def test_an_opted_out_optional_message_stays_in_the_inbox(database_url):
    with transaction(engine_for(database_url)) as session:
        pid = person(session, phone=None)
        session.add(MessagePreference(person_id=pid, language="ko", email=True, phone_channel="none",
                                      opted_out=["event_reminder"], updated_at=outbox.clock.now()))
        context = {"event_title": "채용설명회", "starts_at": "12월 9일 14:00", "place": "마포캠퍼스"}
        optional = outbox.send(session, person_id=pid, topic="event_reminder", context=context, mandatory=False)
        assert optional.status == "delivered"
        assert [d.channel for d in outbox.deliveries(session, [optional.id])[optional.id]] == ["inbox"]
        with pytest.raises(LookupError):
            outbox.send(session, person_id=pid + 999, topic="event_reminder", context=context)


def test_migration_matches_the_models(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ilja.models import metadata

    with engine_for(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata) if "messages_" in repr(d)]
    assert diffs == []


def test_every_topic_has_korean_and_english_templates_that_parse():
    names = {p.name for p in outbox.TEMPLATES.glob("*.txt")}
    for topic in outbox.topics():
        assert f"{topic}.en.txt" in names, f"{topic} has no English template"
    for name in names:
        topic, language = name.split(".")[:2]
        assert language in outbox.LANGUAGES and f"{topic}.ko.txt" in names and f"{topic}.en.txt" in names, name
        outbox._environment().get_template(name)  # a syntax error fails here, not in a worker
