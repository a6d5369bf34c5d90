"""What the pages ask of the messages: a citizen's inbox and choices, staff's view of deliveries.

Every read goes through the caller's scope (``Kind.MESSAGE``: a message is its person's), so a
citizen reaches only their own messages and staff only those of people they may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import Kind, Scope
from ilja.messages import outbox
from ilja.messages.models import ChannelKind, Delivery, MessagePreference, OutboxMessage

PHONE_CHANNELS = ("none", ChannelKind.SMS.value, ChannelKind.ALIMTALK.value)


class PreferenceError(ValueError):
    def __init__(self, field: str, message_ko: str, message_en: str) -> None:
        super().__init__(message_en)
        self.field, self.message_ko, self.message_en = field, message_ko, message_en

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_ko


@dataclass(frozen=True)
class Listed:
    message: OutboxMessage
    deliveries: list[Delivery]


def inbox(session: Session, person_id: int, *, limit: int = 200) -> list[OutboxMessage]:
    """A person's messages, newest first."""
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.person_id == person_id)
                                .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)))


def unread(session: Session, person_id: int) -> int:
    return session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.person_id == person_id, OutboxMessage.read_at.is_(None))) or 0


def open_message(session: Session, scope: Scope, message_id: int, *,
                 reader_person_id: int | None = None) -> OutboxMessage | None:
    """The message if the caller may see it (else None: "not found"); its own person opening it
    (``reader_person_id``) marks it read, staff looking at it do not."""
    message = scope.get(session, Kind.MESSAGE, message_id)
    if message is not None and message.person_id == reader_person_id and message.read_at is None:
        message.read_at = clock.now()
    return message


def optional_topics(session: Session, person_id: int) -> dict[str, str]:
    """The topics of the person's optional messages, each with its latest subject (a label)."""
    rows = session.execute(select(OutboxMessage.topic, OutboxMessage.subject).where(
        OutboxMessage.person_id == person_id, OutboxMessage.mandatory.is_(False))
        .order_by(OutboxMessage.created_at)).all()
    return {topic: subject for topic, subject in rows}


def save_preference(session: Session, person_id: int, *, language: str, email: bool, phone_channel: str,
                    opted_out: list[str], actor: audit.Actor) -> MessagePreference:
    if language not in outbox.LANGUAGES:
        raise PreferenceError("language", "알림 언어를 골라 주세요.", "Choose the language of your messages.")
    if phone_channel not in PHONE_CHANNELS:
        raise PreferenceError("phone_channel", "문자 알림 방법을 골라 주세요.", "Choose how texts reach you.")
    known = set(outbox.topics()) | set(optional_topics(session, person_id)) | {outbox.OPT_OUT_ALL}
    if set(opted_out) - known:
        raise PreferenceError("opted_out", "알 수 없는 알림 종류입니다.", "Unknown kind of message.")
    pref = session.get(MessagePreference, person_id)
    if pref is None:
        pref = MessagePreference(person_id=person_id)
        session.add(pref)
    pref.language, pref.email, pref.phone_channel = language, email, phone_channel
    pref.opted_out, pref.updated_at = sorted(set(opted_out)), clock.now()
    audit.record(session, actor, "messages.preference", subject_person_id=person_id,
                 object_type="message_preference", object_id=person_id,
                 details={"language": language, "email": email, "phone_channel": phone_channel,
                          "opted_out": sorted(set(opted_out))})
    return pref


def sent(session: Session, scope: Scope, *, person_id: int | None = None, status: str | None = None,
         limit: int = 200) -> list[Listed]:
    """Messages within the caller's scope, newest first, each with its deliveries."""
    query = select(OutboxMessage).where(scope.where(Kind.MESSAGE))
    if person_id is not None:
        query = query.where(OutboxMessage.person_id == person_id)
    if status:
        query = query.where(OutboxMessage.status == status)
    messages = list(session.scalars(query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
                                    .limit(limit)))
    rows = outbox.deliveries(session, [m.id for m in messages])
    return [Listed(m, rows[m.id]) for m in messages]
