"""The worker in process: e-mail through a real SMTP server (aiosmtpd), SMS and 알림톡 through a
local server speaking NHN Cloud's interface, files by default, and retries with backoff against
failing servers (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from ilja import clock
from ilja.config import Settings
from ilja.db import engine_for, transaction
from ilja.messages import outbox
from ilja.messages.channels import Outgoing
from ilja.messages.models import Delivery, MessagePreference, OutboxMessage
from ilja.messages.worker import Worker, backoff
from tests.messages.factories import NOTICE, person
from tests.messages.servers import APP_KEY, SECRET, Far, free_port, provider_server, smtp_server

T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=clock.SEOUL)


def _settings(url: str, tmp_path, **extra) -> Settings:
    return Settings(database_url=url, data_dir=tmp_path, smtp_starttls=False, smtp_timeout=5,
                    messages_backoff_seconds=30, messages_max_attempts=4, **extra)


def _notice(url: str, *, phone_channel: str = "none", language: str = "ko", **who) -> int:
    with transaction(engine_for(url)) as session:
        pid = person(session, **who)
        session.add(MessagePreference(person_id=pid, language=language, email=True, phone_channel=phone_channel,
                                      opted_out=[], updated_at=clock.now()))
        return outbox.send(session, person_id=pid, topic="decision_notice", context=NOTICE,
                           subject_ref="application:7").id


def _rows(url: str, message_id: int) -> dict[str, Delivery]:
    with transaction(engine_for(url)) as session:
        return {d.channel: d for d in session.scalars(select(Delivery).where(Delivery.message_id == message_id))}


def test_backoff_doubles_up_to_six_hours():
    assert [backoff(n, 30).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(40, 30) == dt.timedelta(hours=6)


@given(st.integers(1, 200), st.floats(0.01, 3600))
def test_backoff_never_shrinks_and_never_passes_the_cap(attempts, base):
    assert backoff(attempts, base) <= backoff(attempts + 1, base) <= dt.timedelta(hours=6)


def test_email_through_a_real_smtp_server(database_url, tmp_path):
    with clock.frozen(T0):
        message_id = _notice(database_url, phone=None)
    with smtp_server() as (port, far), clock.frozen(T0):
        worker = Worker(engine_for(database_url), _settings(database_url, tmp_path, smtp_host="127.0.0.1",
                                                            smtp_port=port))
        assert worker.drain() == 1
    [mail] = far.received
    email = _rows(database_url, message_id)["email"]
    assert mail["To"] == "minjun@example.org" and mail["Message-ID"] == f"<{email.idempotency_key}@ilja>"
    assert mail["Subject"] == "[일자리] 2026년 동행일자리 1차 모집 결과를 알려 드립니다"
    assert "선발 점수 62점" in mail.get_content() and "행정심판" in mail.get_content()
    assert (email.status, email.attempts, email.provider_ref) == ("delivered", 1, mail["Message-ID"])
    with transaction(engine_for(database_url)) as session:
        message = session.get(OutboxMessage, message_id)
        assert message.status == "delivered" and message.delivered_at == T0


def test_sms_and_alimtalk_through_the_provider_interface(database_url, tmp_path):
    with clock.frozen(T0):
        sms = _notice(database_url, phone_channel="sms", email=None, phone="01011112222")
        kakao = _notice(database_url, phone_channel="alimtalk", email=None, phone="01033334444", language="en")
    with provider_server() as (base, far), clock.frozen(T0):
        settings = _settings(database_url, tmp_path, sms_provider_url=base, sms_app_key=APP_KEY,
                             sms_secret_key=SECRET, alimtalk_sender_key="kakao-sender")
        assert Worker(engine_for(database_url), settings).drain() == 2
    by_path = {r["path"]: r for r in far.received}
    sent = by_path[f"/sms/v3.0/appKeys/{APP_KEY}/sender/mms"]["body"]  # Korean beyond 90 bytes: LMS
    assert sent["sendNo"] == "0221330000" and sent["title"].startswith("[일자리]")
    assert sent["recipientList"] == [{"recipientNo": "01011112222",
                                      "recipientGroupingKey": _rows(database_url, sms)["sms"].idempotency_key}]
    talk = by_path[f"/alimtalk/v2.3/appkeys/{APP_KEY}/raw-messages"]["body"]
    assert talk["senderKey"] == "kakao-sender" and talk["templateCode"] == "decision_notice"
    assert talk["recipientList"][0]["content"].startswith("[Ilja]")
    assert (_rows(database_url, sms)["sms"].provider_ref
            == by_path[f"/sms/v3.0/appKeys/{APP_KEY}/sender/mms"]["requestId"])
    assert _rows(database_url, kakao)["alimtalk"].status == "delivered"


def test_retries_back_off_on_a_failing_smtp_server_then_deliver(database_url, tmp_path):
    with clock.frozen(T0):
        message_id = _notice(database_url, phone=None)
    with smtp_server(Far(fail_first=2)) as (port, far):
        worker = Worker(engine_for(database_url), _settings(database_url, tmp_path, smtp_host="127.0.0.1",
                                                            smtp_port=port))
        for waited, status, attempts in ((0, "pending", 1), (29, None, 1), (30, "pending", 2),
                                         (30 + 59, None, 2), (30 + 60, "delivered", 3)):
            with clock.frozen(T0 + dt.timedelta(seconds=waited)):
                claim = worker.claim()
                assert (claim is None) == (status is None), waited
                if claim:
                    assert worker.deliver(claim) == status
            email = _rows(database_url, message_id)["email"]
            assert email.attempts == attempts
        assert len(far.received) == 1
    assert email.last_error == "SMTPDataError 451" and "@" not in email.last_error


def test_a_refusal_fails_at_once_and_an_unreachable_server_runs_out_of_attempts(database_url, tmp_path):
    with clock.frozen(T0):
        refused = _notice(database_url, phone=None)
    with smtp_server(Far(refuse=True)) as (port, _), clock.frozen(T0):
        Worker(engine_for(database_url), _settings(database_url, tmp_path, smtp_host="127.0.0.1",
                                                   smtp_port=port)).drain()
    email = _rows(database_url, refused)["email"]
    assert (email.status, email.attempts, email.last_error) == ("failed", 1, "smtp recipient refused 550")
    with transaction(engine_for(database_url)) as session:
        assert session.get(OutboxMessage, refused).status == "partly_failed"  # the inbox has it
    with clock.frozen(T0):
        lost = _notice(database_url, phone=None, email="b@example.org")
    worker = Worker(engine_for(database_url), _settings(database_url, tmp_path, smtp_host="127.0.0.1",
                                                        smtp_port=free_port()))
    for n in range(4):
        with clock.frozen(T0 + dt.timedelta(hours=n * 7)):
            worker.drain()
    email = _rows(database_url, lost)["email"]
    assert (email.status, email.attempts, email.last_error) == ("failed", 4, "smtp ConnectionRefusedError")


def test_the_provider_failing_then_refusing(database_url, tmp_path):
    with clock.frozen(T0):
        first = _notice(database_url, phone_channel="sms", email=None, phone="01011112222")
    with provider_server(Far(fail_first=1)) as (base, far):
        settings = _settings(database_url, tmp_path, sms_provider_url=base, sms_app_key=APP_KEY, sms_secret_key=SECRET)
        with clock.frozen(T0):
            Worker(engine_for(database_url), settings).drain()
        assert _rows(database_url, first)["sms"].last_error == "provider http 503"
        with clock.frozen(T0 + dt.timedelta(seconds=30)):
            Worker(engine_for(database_url), settings).drain()
        assert _rows(database_url, first)["sms"].status == "delivered" and len(far.received) == 1
        far.refuse = True
        with clock.frozen(T0):
            second = _notice(database_url, phone_channel="sms", email=None, phone="01055556666")
            Worker(engine_for(database_url), settings).drain()
    sms = _rows(database_url, second)["sms"]
    assert (sms.status, sms.last_error) == ("failed", "provider refused -1006")


def test_without_smtp_or_provider_messages_go_to_files(database_url, tmp_path):
    with clock.frozen(T0):
        message_id = _notice(database_url, phone_channel="sms")
        worker = Worker(engine_for(database_url), _settings(database_url, tmp_path))
        assert worker.drain() == 2
    files = sorted(p.name for p in (tmp_path / "outbox").iterdir())
    rows = _rows(database_url, message_id)
    assert files == sorted(f"{message_id:08d}-{c}-{rows[c].idempotency_key}.{s}" for c, s in (("email", "eml"),
                                                                                               ("sms", "txt")))
    text = (tmp_path / "outbox" / files[0]).read_text()
    assert "Subject: [일자리]" in text and "선발 점수 62점" in text
    again = Outgoing(rows["email"].id, message_id, "email", None, "", "", rows["email"].idempotency_key, "")
    assert worker.channels["email"].lookup(again) == files[0]  # an in-doubt resend finds it
