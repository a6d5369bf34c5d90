"""Periodic duties ``ilja worker`` runs beside delivering messages, so no step of a program waits
for someone to remember a command or a cron line:

* proposed decisions whose answer window has closed without an answer take effect
  (행정절차법 §21; ``rights.service.take_effect_due``);
* offers past their deadline lapse and the waitlist moves up, each promotion notified
  (``selection.offer_service.lapse_offers``);
* a seat given on condition whose facts were not verified by its deadline goes to the next in
  line (``selection.service.lapse_conditional``).

Each duty is idempotent, runs in its own transaction, and one worker at a time runs it: on
PostgreSQL it takes a transaction-scoped advisory lock and skips the turn when another worker
holds it; on SQLite a writing transaction already waits for the one writer, and then finds the
work done. A duty that fails is logged and tried again at its next turn; the others still run.
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.db import transaction
from ilja.rights import service as rights
from ilja.selection import offer_service, verification_gate
from ilja.selection import service as selection

log = logging.getLogger("ilja.ops.duties")


@dataclass(frozen=True)
class Duty:
    name: str
    every: dt.timedelta
    run: Callable[[Session], int]  # how many things it did


def _decisions_take_effect(session: Session) -> int:
    return len(rights.take_effect_due(session))


def _offers_lapse(session: Session) -> int:
    return offer_service.lapse_offers(session)


def _conditional_seats_lapse(session: Session) -> int:
    today = clock.today()
    return sum(len(selection.lapse_conditional(session, round_id, actor=audit.SYSTEM_ACTOR, on=today))
               for round_id in verification_gate.rounds_with_lapsed(session, today))


DUTIES = (
    Duty("rights.take_effect_due", dt.timedelta(minutes=30), _decisions_take_effect),
    Duty("selection.lapse_offers", dt.timedelta(minutes=5), _offers_lapse),
    Duty("verification.lapse_conditional", dt.timedelta(minutes=30), _conditional_seats_lapse),
)


def _only_worker(session: Session, name: str) -> bool:
    """Whether this transaction may run the duty (PostgreSQL: nobody else holds its lock)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    key = zlib.crc32(f"ilja.duty.{name}".encode())
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}).scalar())


class Schedule:
    """Runs each duty when its interval has passed since this process last ran it (at once after
    a start): ``tick`` is cheap when nothing is due, so the worker calls it whenever it is idle."""

    def __init__(self, engine: Engine, duties: tuple[Duty, ...] = DUTIES) -> None:
        self.engine = engine
        self.duties = duties
        self.last: dict[str, dt.datetime] = {}

    def tick(self, now: dt.datetime | None = None) -> dict[str, int]:
        """Run the duties that are due; what each did (a skipped or failed one is absent)."""
        now = now or clock.now()
        done: dict[str, int] = {}
        for duty in self.duties:
            last = self.last.get(duty.name)
            if last is not None and now - last < duty.every:
                continue
            self.last[duty.name] = now
            try:
                with transaction(self.engine) as session:
                    if _only_worker(session, duty.name):
                        done[duty.name] = duty.run(session)
            except Exception:  # a failing duty must not stop deliveries or the other duties
                log.exception("duty %s failed; it runs again in %s", duty.name, duty.every)
                continue
            if done.get(duty.name):
                log.info("duty %s: %d done", duty.name, done[duty.name])
        return done
