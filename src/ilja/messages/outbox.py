"""Writing a message: ``send()`` renders a topic's template in the person's language and writes
the message with one delivery row per channel, in the caller's transaction.

Templates: ``templates/<topic>.<language>.txt`` (Korean ``ko`` and English ``en``), Jinja2; the
first line is the subject, the rest (after one blank line, if any) the body. An optional
``<topic>.<language>.sms.txt`` is the short text for SMS and 알림톡 (else the subject and body).
A template sees the caller's ``context`` and ``person_name``; a name the context lacks is an
error (StrictUndefined), not a blank in a notice.

Channels: the inbox always; e-mail where the person has an address and has not turned e-mail
off; SMS or 알림톡 where they have a phone and chose one. A message that is not mandatory goes
only to the inbox once the person opted out of its topic (or of all optional topics, ``"*"``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.db import insert_ids, insert_rows
from ilja.messages.models import (
    ChannelKind,
    Delivery,
    DeliveryStatus,
    MessagePreference,
    MessageStatus,
    OutboxMessage,
)
from ilja.people.models import Person

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGES = ("ko", "en")
OPT_OUT_ALL = "*"


class UnknownTopic(LookupError):
    """No template for a topic (or not in the person's language)."""


class MessageError(ValueError):
    """A message could not be rendered (its context lacks a name the template uses)."""


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                              autoescape=False, keep_trailing_newline=False)


def topics() -> list[str]:
    """Every topic with a Korean template."""
    return sorted(p.name.removesuffix(".ko.txt") for p in TEMPLATES.glob("*.ko.txt"))


def render(topic: str, language: str, context: dict[str, Any], *, short: bool = False) -> tuple[str, str]:
    """(subject, body) of ``topic`` in ``language`` (the short SMS text when ``short``)."""
    name = template_name(topic, language, short=short)
    try:
        text = _environment().get_template(name).render(**context)
    except jinja2.UndefinedError as error:
        raise MessageError(f"message template {name}: {error.message}") from None
    return _subject_and_body(text)


def template_name(topic: str, language: str, *, short: bool = False) -> str:
    """The file of ``topic``'s template in ``language`` (its short SMS text where there is one
    and ``short``); raises ``MessageError`` for an unknown language, ``UnknownTopic`` for none."""
    if language not in LANGUAGES:
        raise MessageError(f"unknown language {language!r} (one of {', '.join(LANGUAGES)})")
    name = f"{topic}.{language}.txt"
    if not (TEMPLATES / name).is_file():
        raise UnknownTopic(f"no message template for topic {topic!r} in {language!r}: "
                           f"add {TEMPLATES / name} (known topics: {', '.join(topics())})")
    if short and (TEMPLATES / f"{topic}.{language}.sms.txt").is_file():
        name = f"{topic}.{language}.sms.txt"
    return name


def _subject_and_body(text: str) -> tuple[str, str]:
    subject, _, body = text.strip().partition("\n")
    return subject.strip()[:300], body.strip()  # the subject column's width


class _BatchTemplate:
    """A template looked up and compiled once for a batch of messages (``send_many``). One made
    only of text and plain ``{{ name }}`` outputs is rendered by joining its parts, the way Jinja
    renders it (``str`` of each value, no escaping) without a Jinja context per message; any other
    goes through Jinja."""

    def __init__(self, name: str):
        environment = _environment()
        self.name, self.template = name, environment.get_template(name)
        source = environment.loader.get_source(environment, name)[0]
        self.parts = _plain_parts(environment.parse(source))

    def render(self, context: dict[str, Any]) -> tuple[str, str]:
        if self.parts is not None:
            try:
                return _subject_and_body("".join([part if literal else str(context[part])
                                                  for literal, part in self.parts]))
            except KeyError:
                pass  # a name the context lacks: Jinja's global, or its error, as ever
        try:
            return _subject_and_body(self.template.render(**context))
        except jinja2.UndefinedError as error:
            raise MessageError(f"message template {self.name}: {error.message}") from None


class _BatchTemplates(dict[tuple[str, str, bool], _BatchTemplate]):
    """A batch's templates, each looked up and compiled at its first message; ``render`` as ``render``."""

    def render(self, topic: str, language: str, context: dict[str, Any], *, short: bool = False) -> tuple[str, str]:
        key = (topic, language, short)
        if key not in self:
            self[key] = _BatchTemplate(template_name(topic, language, short=short))
        return self[key].render(context)


def _plain_parts(template: jinja2.nodes.Template) -> list[tuple[bool, str]] | None:
    """(is literal, text or name) for each part of a template of text and ``{{ name }}`` only."""
    parts = []
    for output in template.body:
        if not isinstance(output, jinja2.nodes.Output):
            return None
        for node in output.nodes:
            if isinstance(node, jinja2.nodes.TemplateData):
                parts.append((True, node.data))
            elif isinstance(node, jinja2.nodes.Name) and node.ctx == "load":
                parts.append((False, node.name))
            else:
                return None
    return parts


def preference(session: Session, person_id: int) -> MessagePreference:
    """The person's stored choice, or the default (Korean, e-mail on, no phone channel, no
    opt-out), not added to the session."""
    return session.get(MessagePreference, person_id) or _default_preference(person_id)


def _default_preference(person_id: int) -> MessagePreference:
    return MessagePreference(person_id=person_id, language="ko", email=True, phone_channel="none", opted_out=[])


def opted_out(pref: MessagePreference, topic: str) -> bool:
    chosen = pref.opted_out or []
    return OPT_OUT_ALL in chosen or topic in chosen


def channels_for(pref: MessagePreference, *, email: str | None, phone: str | None, topic: str,
                 mandatory: bool) -> dict[ChannelKind, str | None]:
    """The channels a message goes out on, each with its address (None for the inbox)."""
    chosen: dict[ChannelKind, str | None] = {ChannelKind.INBOX: None}
    if not mandatory and opted_out(pref, topic):
        return chosen
    if email and pref.email:
        chosen[ChannelKind.EMAIL] = email
    if phone and pref.phone_channel in (ChannelKind.SMS, ChannelKind.ALIMTALK):
        chosen[ChannelKind(pref.phone_channel)] = phone
    return chosen


def send(session: Session, *, person_id: int, topic: str, context: dict[str, Any], mandatory: bool = True,
         subject_ref: str | None = None) -> OutboxMessage:
    """Write a message to ``person_id`` about ``topic`` in the caller's transaction (nothing is
    committed here: the message exists exactly when the decision does). The worker delivers it.

    Raises ``UnknownTopic`` for a topic without a template, ``MessageError`` for a context the
    template cannot render with, and ``LookupError`` for a person who does not exist.
    """
    person = session.get(Person, person_id)
    if person is None:
        raise LookupError(f"no person {person_id}")
    values, rows = _compose(person, preference(session, person_id), topic, context, mandatory,
                            subject_ref, clock.now())
    message = OutboxMessage(**values)
    session.add(message)
    session.flush()
    session.add_all(Delivery(message_id=message.id, **row) for row in rows)
    session.flush()
    return message


def send_many(session: Session, notices: Sequence[tuple[int, str, dict[str, Any], str | None]], *,
              mandatory: bool = True) -> list[int]:
    """``send`` for many (person id, topic, context, subject_ref) notices (a draw's or an import's
    decisions): the people with their preferences read in one query, the messages and their
    deliveries written in one statement each. Returns the message ids, in order."""
    if not notices:
        return []
    ids = sorted({person_id for person_id, *_ in notices})
    people, prefs = {}, {}
    for start in range(0, len(ids), 5000):
        for row in session.execute(
                select(Person.id, Person.name, Person.email, Person.phone, MessagePreference.language,
                       MessagePreference.email.label("email_on"), MessagePreference.phone_channel,
                       MessagePreference.opted_out)
                .outerjoin(MessagePreference, MessagePreference.person_id == Person.id)
                .where(Person.id.in_(ids[start:start + 5000]))):
            people[row.id] = row
            if row.language is not None:  # the person's stored choice (``preference``), as read
                prefs[row.id] = MessagePreference(person_id=row.id, language=row.language, email=row.email_on,
                                                  phone_channel=row.phone_channel, opted_out=row.opted_out)
    now = clock.now()
    default = _default_preference(0)  # read only: its person id is not used
    templates = _BatchTemplates()
    composed = []
    for person_id, topic, context, subject_ref in notices:
        if person_id not in people:
            raise LookupError(f"no person {person_id}")
        composed.append(_compose(people[person_id], prefs.get(person_id) or default, topic, context, mandatory,
                                 subject_ref, now, templates.render))
    table = OutboxMessage.__table__
    message_ids = insert_ids(session, table, [values for values, _ in composed])
    insert_rows(session, Delivery.__table__, [
        {"message_id": message_id, **row}
        for message_id, (_, rows) in zip(message_ids, composed, strict=True) for row in rows])
    return list(message_ids)


def _compose(person: Any, pref: MessagePreference, topic: str, context: dict[str, Any], mandatory: bool,
             subject_ref: str | None, now: Any,
             render: Callable[..., tuple[str, str]] = render) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A message's row and its deliveries' rows (without the message id); ``render`` as ``render``
    (a batch's: ``_BatchTemplates.render``)."""
    values = {"person_name": person.name, **context}
    subject, body = render(topic, pref.language, values)
    chosen = channels_for(pref, email=person.email, phone=person.phone, topic=topic, mandatory=mandatory)
    rows = []
    for channel, address in chosen.items():
        short = channel in (ChannelKind.SMS, ChannelKind.ALIMTALK)
        inbox = channel == ChannelKind.INBOX
        # the inbox's text is the message's own, not copied (never sent: the inbox reads the message)
        text = render(topic, pref.language, values, short=True) if short else (None, None) if inbox \
            else (subject, body)
        rows.append({
            "channel": channel.value, "address": address, "subject": text[0], "body": text[1],
            "idempotency_key": uuid.uuid4().hex, "attempts": 0, "next_attempt_at": now,
            "status": (DeliveryStatus.DELIVERED if inbox else DeliveryStatus.PENDING).value,
            "delivered_at": now if inbox else None, "lease_owner": None, "lease_until": None,
            "provider_ref": None, "last_error": None})
    only_inbox = len(chosen) == 1  # the inbox only: delivered as it is written
    message = {"person_id": person.id, "topic": topic, "language": pref.language, "subject": subject,
               "body": body, "mandatory": mandatory, "subject_ref": subject_ref,
               "status": (MessageStatus.DELIVERED if only_inbox else MessageStatus.PENDING).value,
               "created_at": now, "delivered_at": now if only_inbox else None, "read_at": None}
    return message, rows


def deliveries(session: Session, message_ids: list[int]) -> dict[int, list[Delivery]]:
    """The delivery rows of these messages, by message, in channel order."""
    found: dict[int, list[Delivery]] = {i: [] for i in message_ids}
    order = {c.value: n for n, c in enumerate(ChannelKind)}
    rows = session.scalars(select(Delivery).where(Delivery.message_id.in_(message_ids))) if message_ids else []
    for row in sorted(rows, key=lambda d: order.get(d.channel, 9)):
        found[row.message_id].append(row)
    return found
