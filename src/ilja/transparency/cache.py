"""The public pages' figures, kept while the tables behind them are unchanged.

A scorecard or a register takes a dozen aggregate queries; a public page is asked for again and
again. Like the outcomes dashboard's cache (``ilja.outcomes.dashboard``), an entry is keyed by the
data's version — the highest id of every table read, in one query — and the Seoul date, and
expires after ``SECONDS``, which bounds what an in-place change without an event row (a
participation set to completed) or a deletion can leave unseen.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.applications.models import Application
from ilja.outcomes.models import OutcomeRecord, Participation
from ilja.publicjobs.models import PayLine, Placement, PlacementEvent, TimesheetEntryRow
from ilja.publicjobs.payment_models import PaymentEvent
from ilja.training.models import SurveyResponse

SECONDS = 120
SIZE = 32
T = TypeVar("T")
_cache: OrderedDict[tuple, tuple[float, Any]] = OrderedDict()
_lock = threading.Lock()


def _models() -> tuple[Any, ...]:
    # an event row is added whenever a placement ends or a payment's status moves (in place)
    return (Participation, OutcomeRecord, Application, Placement, PlacementEvent, TimesheetEntryRow, PayLine,
            PaymentEvent, SurveyResponse)


def data_version(session: Session) -> tuple:
    """The highest id of every table read: an index look-up each (a count of the timesheet
    entries would scan millions of rows on PostgreSQL). A row only deleted shows after SECONDS."""
    return tuple(session.execute(select(*[select(func.max(m.id)).scalar_subquery() for m in _models()])).one())


def cached(session: Session, key: tuple, make: Callable[[], T]) -> T:
    full = (str(session.get_bind().url), data_version(session), clock.today(), *key)
    now = time.monotonic()
    with _lock:
        hit = _cache.get(full)
        if hit is not None and now - hit[0] < SECONDS:
            _cache.move_to_end(full)
            return hit[1]
    value = make()
    with _lock:
        _cache[full] = (now, value)
        while len(_cache) > SIZE:
            _cache.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _cache.clear()
