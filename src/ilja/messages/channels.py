"""How a delivery leaves Ilja: e-mail over SMTP, SMS and 카카오 알림톡 through a provider, or —
with neither configured (development) — a file under ``<data_dir>/outbox/``.

Every transport sends a delivery's ``idempotency_key`` with it, so a delivery sent again after a
worker died between the send and its record is recognisable as the same one:

- SMTP: the key is the Message-ID (``<key@ilja>``). SMTP has no way to ask what a server already
  accepted, so a resend after a crash in that window reaches the server twice with one
  Message-ID, which is what mail stores de-duplicate on (Gmail, Dovecot's ``duplicate``); the
  window is the few milliseconds between the server's "250" and our commit.
- The provider (NHN Cloud Notification, https://docs.nhncloud.com/ko/Notification/SMS/ko/api-guide/
  and …/KakaoTalk Bizmessage/AlimTalk/ko/api-guide/): the key is the recipient's
  ``recipientGroupingKey``, and before sending a delivery again the adapter asks the provider's
  list API for that key (``lookup``): found, it was sent, and is not sent twice.
- Files: named by the key, written whole (temporary file, then rename): a second write replaces
  the first.

Errors are ``Transient`` (try again later: connection refused, timeouts, 4xx SMTP replies, HTTP
5xx and 429) or ``Permanent`` (5xx SMTP replies, refused by the provider). Their text names the
kind of failure and its code only, never an address or a message's words (``last_error``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any, Protocol

from ilja import clock
from ilja.config import Settings


@dataclass(frozen=True)
class Outgoing:
    """What a transport needs of a claimed delivery (a snapshot, outside any session)."""

    delivery_id: int
    message_id: int
    channel: str
    address: str | None
    subject: str
    body: str
    key: str
    topic: str


class SendError(Exception):
    """A failed send; ``str()`` is safe to store (kind and code only)."""


class Transient(SendError):
    pass


class Permanent(SendError):
    pass


class Transport(Protocol):
    def send(self, outgoing: Outgoing) -> str:
        """Send; returns the provider's reference. Raises Transient or Permanent."""

    def lookup(self, outgoing: Outgoing) -> str | None:
        """The reference of an earlier send of this delivery (its key), if the far side knows it."""


def message_id_of(key: str) -> str:
    return f"<{key}@ilja>"


class SmtpTransport:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def lookup(self, outgoing: Outgoing) -> str | None:
        return None  # SMTP cannot be asked; the Message-ID lets the mail store drop a repeat

    def send(self, outgoing: Outgoing) -> str:
        s = self.settings
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = s.smtp_from, outgoing.address, outgoing.subject
        mail["Message-ID"] = message_id_of(outgoing.key)
        mail["Date"] = formatdate(clock.now().timestamp(), localtime=False)
        mail["X-Ilja-Topic"] = outgoing.topic
        mail.set_content(outgoing.body)
        try:
            with smtplib.SMTP(s.smtp_host or "", s.smtp_port, timeout=s.smtp_timeout) as smtp:
                if s.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if s.smtp_user:
                    smtp.login(s.smtp_user, s.smtp_password or "")
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            codes = sorted({code for code, _ in error.recipients.values()})
            raise (Permanent if all(c >= 500 for c in codes) else Transient)(
                f"smtp recipient refused {'/'.join(map(str, codes))}") from None
        except smtplib.SMTPResponseException as error:
            raise (Permanent if error.smtp_code >= 500 else Transient)(
                f"{type(error).__name__} {error.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as error:
            raise Transient(f"smtp {type(error).__name__}") from None
        return message_id_of(outgoing.key)


class NhnCloudTransport:
    """SMS (LMS when it does not fit 90 bytes) and 알림톡 through NHN Cloud Notification.

    SMS: ``POST {base}/sms/v3.0/appKeys/{appKey}/sender/sms`` (``…/sender/mms`` with a ``title``
    for LMS), header ``X-Secret-Key``, body ``{"body", "sendNo", "recipientList": [{"recipientNo",
    "recipientGroupingKey"}]}``; the answer ``{"header": {"isSuccessful", "resultCode",
    "resultMessage"}, "body": {"data": {"requestId", "sendResultList": [{"resultCode", …}]}}}``.
    Look-up: ``GET …/sender/sms?recipientGroupingKey=…&startRequestDate=…&endRequestDate=…``,
    ``body.data`` a list of sends with their ``requestId``.
    알림톡: ``POST {base}/alimtalk/v2.3/appkeys/{appKey}/raw-messages``, body ``{"senderKey",
    "templateCode", "recipientList": [{"recipientNo", "content", "recipientGroupingKey"}]}`` (the
    content must match the template registered with Kakao under the topic's name), the answer
    ``{"header": …, "message": {"requestId", "sendResults": [{"resultCode", …}]}}``; look-up
    ``GET …/messages?recipientGroupingKey=…`` with ``messageSearchResultResponse.messages``.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _base(self, channel: str) -> str:
        s = self.settings
        base = (s.alimtalk_provider_url or s.sms_provider_url) if channel == "alimtalk" else s.sms_provider_url
        return (base or "").rstrip("/")

    def _call(self, method: str, url: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        data = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Content-Type": "application/json;charset=UTF-8", "X-Secret-Key": self.settings.sms_secret_key or ""})
        try:
            with urllib.request.urlopen(request, timeout=self.settings.smtp_timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            transient = error.code >= 500 or error.code == 429
            raise (Transient if transient else Permanent)(f"provider http {error.code}") from None
        except OSError as error:  # refused, reset, timed out (URLError is one)
            raise Transient(f"provider {type(error).__name__}") from None
        except ValueError:
            raise Transient("provider answered no JSON") from None
        header = answer.get("header") or {}
        if not header.get("isSuccessful", False):
            raise Permanent(f"provider refused {header.get('resultCode')}")
        return answer

    def _window(self) -> str:
        now = clock.seoul_now()
        start = now - dt.timedelta(days=3)
        fmt = "%Y-%m-%d %H:%M:%S"
        return urllib.parse.urlencode({"startRequestDate": start.strftime(fmt), "endRequestDate": now.strftime(fmt)})

    def lookup(self, outgoing: Outgoing) -> str | None:
        app = self.settings.sms_app_key
        key = urllib.parse.quote(outgoing.key)
        if outgoing.channel == "alimtalk":
            url = (f"{self._base('alimtalk')}/alimtalk/v2.3/appkeys/{app}/messages"
                   f"?recipientGroupingKey={key}&{self._window()}")
            found = (self._call("GET", url).get("messageSearchResultResponse") or {}).get("messages") or []
        else:
            url = f"{self._base('sms')}/sms/v3.0/appKeys/{app}/sender/sms?recipientGroupingKey={key}&{self._window()}"
            found = (self._call("GET", url).get("body") or {}).get("data") or []
        return str(found[0].get("requestId")) if found else None

    def send(self, outgoing: Outgoing) -> str:
        s, app = self.settings, self.settings.sms_app_key
        recipient = {"recipientNo": outgoing.address, "recipientGroupingKey": outgoing.key}
        if outgoing.channel == "alimtalk":
            url = f"{self._base('alimtalk')}/alimtalk/v2.3/appkeys/{app}/raw-messages"
            payload = {"senderKey": s.alimtalk_sender_key, "templateCode": outgoing.topic,
                       "recipientList": [{**recipient, "content": f"{outgoing.subject}\n{outgoing.body}"}]}
            result = self._call("POST", url, payload).get("message") or {}
            results = result.get("sendResults") or []
        else:
            text = f"{outgoing.subject}\n{outgoing.body}"
            long = len(text.encode("euc-kr", errors="replace")) > 90
            url = f"{self._base('sms')}/sms/v3.0/appKeys/{app}/sender/{'mms' if long else 'sms'}"
            payload = {"body": text, "sendNo": s.sms_sender_no, "recipientList": [recipient]}
            if long:
                payload["title"] = outgoing.subject[:40]
            result = (self._call("POST", url, payload).get("body") or {}).get("data") or {}
            results = result.get("sendResultList") or []
        if results and results[0].get("resultCode") not in (0, "0", None):
            raise Permanent(f"provider refused recipient {results[0].get('resultCode')}")
        return str(result.get("requestId"))


class FileTransport:
    """The development default: each delivery a file named by its key under ``outbox/<date>/``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, outgoing: Outgoing) -> Path:
        suffix = "eml" if outgoing.channel == "email" else "txt"
        return self.directory / f"{outgoing.message_id:08d}-{outgoing.channel}-{outgoing.key}.{suffix}"

    def lookup(self, outgoing: Outgoing) -> str | None:
        path = self._path(outgoing)
        return path.name if path.exists() else None

    def send(self, outgoing: Outgoing) -> str:
        path = self._path(outgoing)
        path.parent.mkdir(parents=True, exist_ok=True)
        head = (f"Message-ID: {message_id_of(outgoing.key)}\nTo: {outgoing.address}\n"
                f"Subject: {outgoing.subject}\nX-Ilja-Channel: {outgoing.channel}\n\n")
        temporary = path.with_suffix(".tmp")
        temporary.write_text(head + outgoing.body + "\n", encoding="utf-8")
        os.replace(temporary, path)
        return path.name


def transports(settings: Settings) -> dict[str, Transport]:
    """The transport of each channel that leaves Ilja, from the settings."""
    files = FileTransport(settings.data_dir / "outbox")
    email: Transport = SmtpTransport(settings) if settings.smtp_host else files
    provider: Transport = NhnCloudTransport(settings) if settings.sms_provider_url else files
    alimtalk: Transport = (NhnCloudTransport(settings) if settings.alimtalk_provider_url or settings.sms_provider_url
                           else files)
    return {"email": email, "sms": provider, "alimtalk": alimtalk}
