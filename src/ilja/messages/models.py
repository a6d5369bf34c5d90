"""Tables of the messages domain (migrations 0600…): the outbox, its deliveries, preferences.

A message is written once, in the transaction of the decision it tells about, with its text
rendered for the person's language. Each channel it goes out on has its own delivery row: the
worker claims a row (``lease_owner``/``lease_until``), sends it with the row's
``idempotency_key`` (the e-mail's Message-ID, the provider's grouping key) and marks it
delivered, so a row is the unit of "exactly once" (see ``ilja.messages.worker``). The in-app
inbox needs no sending: its delivery is written delivered, without a copy of the message's text
(its ``subject`` and ``body`` are NULL: the message's own, migration 0601), and the citizen's
"내 알림" reads the messages themselves. ``last_error`` holds only an error's kind and code, never
an address or text.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ilja.db import Base, UTCDateTime

_JSON = JSON(none_as_null=True)


class ChannelKind(StrEnum):
    INBOX = "inbox"
    EMAIL = "email"
    SMS = "sms"
    ALIMTALK = "alimtalk"  # 카카오 알림톡


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt at next_attempt_at
    SENDING = "sending"  # claimed by a worker until lease_until; past it, in doubt and re-claimable
    DELIVERED = "delivered"
    FAILED = "failed"  # refused for good, or out of attempts


class MessageStatus(StrEnum):
    PENDING = "pending"  # some channel still to go
    DELIVERED = "delivered"  # every channel delivered
    PARTLY_FAILED = "partly_failed"  # every channel done, some failed (the inbox never does)


class OutboxMessage(Base):
    __tablename__ = "messages_outbox"
    __table_args__ = (Index("ix_messages_outbox_person_created", "person_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    topic: Mapped[str] = mapped_column(String(64), index=True)
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    mandatory: Mapped[bool] = mapped_column(Boolean)
    subject_ref: Mapped[str | None] = mapped_column(String(200), index=True)  # e.g. "application:12"
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class Delivery(Base):
    __tablename__ = "messages_deliveries"
    __table_args__ = (UniqueConstraint("message_id", "channel"),
                      Index("ix_messages_deliveries_due", "status", "next_attempt_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages_outbox.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(254))  # where it went (e-mail, phone), at send()
    subject: Mapped[str | None] = mapped_column(String(300))  # None in the inbox's: the message's own
    body: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    provider_ref: Mapped[str | None] = mapped_column(String(200))  # the provider's request id, the file
    last_error: Mapped[str | None] = mapped_column(String(300))


class MessagePreference(Base):
    """A person's choice: language, e-mail on or off, the phone channel (none, SMS, 알림톡), and
    the topics (or all, ``"*"``) they opted out of where a message is not mandatory."""

    __tablename__ = "messages_preferences"

    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), default="ko")
    email: Mapped[bool] = mapped_column(Boolean, default=True)
    phone_channel: Mapped[str] = mapped_column(String(16), default="none")
    opted_out: Mapped[list[Any]] = mapped_column(_JSON, default=list)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
