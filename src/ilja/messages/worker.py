"""``ilja worker``: delivers the outbox, each delivery exactly once, with retries and backoff.

Why a polling loop over the outbox and no job library: the outbox rows already are the queue —
they must be, to be written in the decision's transaction — and what makes a delivery happen once
is per-row state (claimed by whom until when, sent with which key) that lives in those rows on
SQLite and PostgreSQL alike. procrastinate (PostgreSQL only) would add a second queue to keep
in step with the outbox, leave the SQLite default without one, and still run a job at least once
after a crash (a stalled job is retried), so the lease and the idempotency key below would be
needed all the same. One indexed query every ``messages_poll_seconds`` is what it costs.

A delivery's life, and why it is delivered exactly once across a SIGKILL:

1. Claim, in its own committed transaction: the oldest due row (``pending`` and
   ``next_attempt_at`` passed, or ``sending`` whose lease has run out) is taken with
   ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (two workers never take one row; neither
   waits on the other) and under SQLite's write lock (``BEGIN IMMEDIATE``, ``ilja.db``) there,
   and set ``sending`` with this worker's name and a lease. Once committed, no other worker
   touches it until the lease has passed.
2. Send with the row's ``idempotency_key`` (``ilja.messages.channels``).
3. Record, in a second transaction, only while this worker still holds the lease (the fence):
   ``delivered`` with the provider's reference, or back to ``pending`` with the next attempt
   ``messages_backoff_seconds · 2^(attempts−1)`` later (capped at 6 hours), or ``failed``
   after ``messages_max_attempts`` or a permanent refusal.

A worker killed before 2 leaves a claimed row nobody sent: after the lease it is taken again.
Killed between 2 and 3, the row is *in doubt*: it may have gone out. The next claim sees that
(the row was ``sending``), and before sending asks the transport for the key (``lookup``): the
provider's list API and the outbox files answer, and what was sent is recorded, not sent again.
SMTP cannot be asked, so the mail is sent again with the same Message-ID, which the mail store
drops as a repeat. The lease must outlast the longest send (it is several times
``smtp_timeout``): a worker whose lease ran out while it was still sending loses the fence in 3
and leaves the row to whoever took it over.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, and_, func, or_, select

from ilja import clock
from ilja.config import Settings
from ilja.db import transaction
from ilja.messages.channels import Outgoing, Permanent, SendError, Transport, transports
from ilja.messages.models import Delivery, DeliveryStatus, MessageStatus, OutboxMessage
from ilja.people import models as _people  # noqa: F401 - persons, the one table messages' foreign keys name

log = logging.getLogger("ilja.messages.worker")
BACKOFF_CAP = dt.timedelta(hours=6)


def backoff(attempts: int, base_seconds: float) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: base, 2·base, 4·base, … up to 6 h."""
    seconds = base_seconds * 2 ** min(max(attempts - 1, 0), 40)  # 2^40 waits pass any cap
    return min(dt.timedelta(seconds=min(seconds, BACKOFF_CAP.total_seconds())), BACKOFF_CAP)


@dataclass(frozen=True)
class Claim:
    outgoing: Outgoing
    attempts: int
    in_doubt: bool


class Worker:
    def __init__(self, engine: Engine, settings: Settings, *, name: str | None = None,
                 channels: dict[str, Transport] | None = None) -> None:
        self.engine, self.settings = engine, settings
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.channels = channels if channels is not None else transports(settings)

    def claim(self) -> Claim | None:
        with transaction(self.engine) as session:
            now = clock.now()
            due = or_(and_(Delivery.status == DeliveryStatus.PENDING.value, Delivery.next_attempt_at <= now),
                      and_(Delivery.status == DeliveryStatus.SENDING.value, Delivery.lease_until < now))
            row = session.scalars(select(Delivery).where(due).order_by(Delivery.next_attempt_at, Delivery.id)
                                  .limit(1).with_for_update(skip_locked=True)).first()
            if row is None:
                return None
            in_doubt = row.status == DeliveryStatus.SENDING.value
            row.status, row.lease_owner = DeliveryStatus.SENDING.value, self.name
            row.lease_until = now + dt.timedelta(seconds=self.settings.messages_lease_seconds)
            row.attempts += 1
            topic = session.scalar(select(OutboxMessage.topic).where(OutboxMessage.id == row.message_id))
            outgoing = Outgoing(row.id, row.message_id, row.channel, row.address, row.subject, row.body,
                                row.idempotency_key, topic or "")
            return Claim(outgoing, row.attempts, in_doubt)

    def _send(self, claim: Claim) -> str:
        transport = self.channels[claim.outgoing.channel]
        if claim.in_doubt:
            earlier = transport.lookup(claim.outgoing)
            if earlier is not None:
                log.info("delivery %s was sent before the last worker stopped: not sent again",
                         claim.outgoing.delivery_id)
                return earlier
        return transport.send(claim.outgoing)

    def deliver(self, claim: Claim) -> str:
        """Send a claimed delivery and record what happened; returns the delivery's new status."""
        try:
            reference, error = self._send(claim), None
        except SendError as failure:
            reference, error = None, failure
        except Exception as failure:  # a transport's bug must not stop the worker: retried, logged
            log.exception("delivery %s: unexpected error", claim.outgoing.delivery_id)
            reference, error = None, SendError(type(failure).__name__)
        with transaction(self.engine) as session:
            now = clock.now()
            row = session.scalars(select(Delivery).where(
                Delivery.id == claim.outgoing.delivery_id, Delivery.lease_owner == self.name,
                Delivery.status == DeliveryStatus.SENDING.value).with_for_update()).first()
            if row is None:
                log.warning("delivery %s: lease lost before it was recorded", claim.outgoing.delivery_id)
                return "lost"
            row.lease_owner = row.lease_until = None
            if error is None:
                row.status, row.delivered_at, row.provider_ref = DeliveryStatus.DELIVERED.value, now, reference
            elif isinstance(error, Permanent) or row.attempts >= self.settings.messages_max_attempts:
                row.status, row.last_error = DeliveryStatus.FAILED.value, str(error)[:300]
            else:
                row.status, row.last_error = DeliveryStatus.PENDING.value, str(error)[:300]
                row.next_attempt_at = now + backoff(row.attempts, self.settings.messages_backoff_seconds)
            session.flush()
            _settle(session, row.message_id, now)
            return row.status

    def run_once(self) -> bool:
        """Deliver one due delivery; False when there was none."""
        claim = self.claim()
        if claim is None:
            return False
        self.deliver(claim)
        return True

    def drain(self, limit: int = 10_000) -> int:
        """Deliver what is due now (tests, and the in-process use on SQLite); returns how many."""
        done = 0
        while done < limit and self.run_once():
            done += 1
        return done

    def run(self, stop: threading.Event, on_idle: Callable[[], object] | None = None) -> None:
        """Deliver until ``stop`` is set, looking for work every ``messages_poll_seconds`` when idle;
        ``on_idle`` (the periodic duties, ``ilja.ops.duties``) runs whenever nothing is due."""
        log.info("worker %s started", self.name)
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # the database away for a moment: wait and try again
                log.exception("worker %s: claim failed", self.name)
                busy = False
            if not busy:
                if on_idle is not None:
                    on_idle()
                stop.wait(self.settings.messages_poll_seconds)
        log.info("worker %s stopped", self.name)


def _settle(session, message_id: int, now: dt.datetime) -> None:
    """A message is done when each of its deliveries is: delivered, or partly failed."""
    counts = dict(session.execute(select(Delivery.status, func.count()).where(Delivery.message_id == message_id)
                                  .group_by(Delivery.status)).all())
    if counts.get(DeliveryStatus.PENDING.value) or counts.get(DeliveryStatus.SENDING.value):
        return
    message = session.get(OutboxMessage, message_id)
    failed = counts.get(DeliveryStatus.FAILED.value, 0)
    message.status = (MessageStatus.PARTLY_FAILED if failed else MessageStatus.DELIVERED).value
    message.delivered_at = now
