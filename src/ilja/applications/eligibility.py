"""An application's stored eligibility decision read back: the shared context it was taken in,
and its reasons in plain language (the pages, the API and the not-eligible decision's reasons)."""

from __future__ import annotations

import json
import weakref
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja.applications import snapshot as snapshots
from ilja.applications.models import Application, EligibilityContext


def eligibility_context(session: Session, application: Application) -> dict[str, Any]:
    return session.execute(select(EligibilityContext.content).where(
        EligibilityContext.id == application.eligibility_context_id)).scalar_one()


def reasons(session: Session, application: Application, langs: Sequence[str] = ("ko", "en"),
            context: dict[str, Any] | None = None, *, decision: bool = False) -> dict[str, list[str]]:
    """The applicant's eligibility reasons in plain language, from the snapshot, per language
    (``context``: the stored shared context, if the caller has it already): the full check, or
    with ``decision`` a not-eligible decision's reasons (``snapshot.reason_lines``)."""
    bind = session.get_bind()
    known = _REASONS.setdefault(bind, {}) if bind.dialect.name == "postgresql" else None
    key = None if known is None else (  # no key where nothing is kept (SQLite)
        application.eligibility_context_id, tuple(langs), decision,
        json.dumps(application.eligibility, sort_keys=True, separators=(",", ":")))
    lines = None if known is None else known.get(key)
    if lines is None:  # a round's applicants share a few outcomes: each is worded once
        context = context if context is not None else eligibility_context(session, application)
        lines = snapshots.reason_lines(application.eligibility, context, langs, decision=decision)
        if known is not None:
            if len(known) >= 4096:
                known.clear()
            known[key] = lines
    return {lang: list(words) for lang, words in lines.items()}


# Reason lines by (context id, languages, decision or full, snapshot), per PostgreSQL engine: a context stored
# there is committed and never changes (see ``service.context_id``), so the same snapshot in it always
# reads the same (SQLite's may still roll back, and its id be reused: worded each time).
_REASONS: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], dict[str, list[str]]]] = (
    weakref.WeakKeyDictionary())
