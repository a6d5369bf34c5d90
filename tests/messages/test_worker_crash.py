"""`ilja worker` SIGKILLed mid-delivery and started again delivers each message exactly once
(SQLite and PostgreSQL).

The far end holds the first send after recording it, so the worker dies in the worst window: the
message has arrived, the worker has not recorded it. Through the provider the restarted worker
finds the send by its key and does not send it again; over SMTP, which cannot be asked, it sends
it again with the same Message-ID, and the mail store keeps one (``Far.mailbox``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from ilja import clock
from ilja.db import engine_for, transaction
from ilja.messages import outbox
from ilja.messages.models import Delivery, MessagePreference
from tests.messages.factories import NOTICE, person
from tests.messages.servers import APP_KEY, SECRET, Far, provider_server, smtp_server, wait_for

ILJA = Path(sys.executable).parent / "ilja"
MESSAGES = 4


def _start(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen([str(ILJA), "worker"], env=env, stdout=out, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _deliveries(url: str, channel: str) -> list[Delivery]:
    with transaction(engine_for(url)) as session:
        return list(session.scalars(select(Delivery).where(Delivery.channel == channel).order_by(Delivery.id)))


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_a_worker_killed_mid_delivery_delivers_each_message_once(database_url, tmp_path, channel):
    with transaction(engine_for(database_url)) as session:
        for n in range(MESSAGES):
            pid = person(session, email=f"p{n}@example.org", phone=f"0101234{n:04d}")
            session.add(MessagePreference(person_id=pid, language="ko", email=channel == "email",
                                          phone_channel="sms" if channel == "sms" else "none", opted_out=[],
                                          updated_at=clock.now()))
            outbox.send(session, person_id=pid, topic="decision_notice", context=NOTICE)
    far = Far(slow_first=60)
    server = smtp_server(far) if channel == "email" else provider_server(far)
    with server as (where, _):
        env = {**os.environ, "ILJA_DATABASE_URL": database_url, "ILJA_DATA_DIR": str(tmp_path),
               "ILJA_MESSAGES_LEASE_SECONDS": "3", "ILJA_MESSAGES_POLL_SECONDS": "0.2", "ILJA_SMTP_TIMEOUT": "2",
               "ILJA_SMTP_STARTTLS": "false"}
        if channel == "email":
            env |= {"ILJA_SMTP_HOST": "127.0.0.1", "ILJA_SMTP_PORT": str(where)}
        else:
            env |= {"ILJA_SMS_PROVIDER_URL": where, "ILJA_SMS_APP_KEY": APP_KEY, "ILJA_SMS_SECRET_KEY": SECRET}
        log = tmp_path / "worker.log"
        first = _start(env, log)
        try:
            assert far.first_arrived.wait(30), log.read_text()
            held = [d for d in _deliveries(database_url, channel) if d.status == "sending"]
            assert len(held) == 1  # arrived at the far end, not recorded: the worst moment to die
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            _stop(first)
        far.release.set()
        second = _start(env, log)
        try:
            assert wait_for(lambda: all(d.status == "delivered" for d in _deliveries(database_url, channel)),
                            timeout=60), log.read_text()
        finally:
            _stop(second)
    rows = _deliveries(database_url, channel)
    assert len(rows) == MESSAGES
    keys = [d.idempotency_key for d in rows]
    if channel == "email":
        assert sorted(far.mailbox()) == sorted(f"<{k}@ilja>" for k in keys)  # each once in the mail store
        repeated = [m["Message-ID"] for m in far.received if m["Message-ID"] == far.received[0]["Message-ID"]]
        assert len(far.received) <= MESSAGES + 1 and len(repeated) == len(far.received) - MESSAGES + 1
    else:
        sent = [r["body"]["recipientList"][0]["recipientGroupingKey"] for r in far.received]
        assert sorted(sent) == sorted(keys)  # each sent exactly once: the in-doubt one was found, not resent
    in_doubt = next(d for d in rows if d.id == held[0].id)
    assert in_doubt.attempts == 2 and all(d.attempts == 1 for d in rows if d.id != in_doubt.id)
