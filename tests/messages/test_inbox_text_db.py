"""The inbox's delivery keeps no copy of its message's text (migration 0601); the e-mail's keeps
the message's text, the SMS its short one; 0601's downgrade writes the message's text back."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select, text

from ilja.db import alembic_config, dispose_engines, engine_for, transaction
from ilja.messages import outbox
from ilja.messages.models import Delivery, MessagePreference, OutboxMessage
from tests.messages.factories import NOTICE, person


def test_the_inbox_delivery_is_the_message_and_0601_down_copies_it_back(database_url):
    engine = engine_for(database_url)
    with transaction(engine) as session:
        pid = person(session)
        session.add(MessagePreference(person_id=pid, language="ko", email=True, phone_channel="sms",
                                      opted_out=[], updated_at=outbox.clock.now()))
        one = outbox.send(session, person_id=pid, topic="decision_notice", context=NOTICE).id
        many = outbox.send_many(session, [(pid, "decision_notice", NOTICE, "application:1")])
    with transaction(engine) as session:
        for message in session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_([one, *many]))):
            rows = {d.channel: d for d in session.scalars(select(Delivery).where(Delivery.message_id == message.id))}
            assert (rows["inbox"].subject, rows["inbox"].body) == (None, None)
            assert (rows["email"].subject, rows["email"].body) == (message.subject, message.body)
            assert rows["sms"].body and len(rows["sms"].body) < len(message.body)
            assert "선발 점수 62점" in message.body
    dispose_engines()
    command.downgrade(alembic_config(database_url), "0600")
    with engine_for(database_url).connect() as connection:
        copied = connection.execute(text(
            "SELECT d.subject = m.subject AND d.body = m.body FROM messages_deliveries AS d "
            "JOIN messages_outbox AS m ON m.id = d.message_id WHERE d.channel = 'inbox'")).scalars().all()
    assert copied and all(copied)
    dispose_engines()
    command.upgrade(alembic_config(database_url), "heads")
