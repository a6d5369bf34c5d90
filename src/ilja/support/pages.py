"""Helpers the support pages share: the page response (no caching of personal pages) and
lenient parsing of form fields (a bad value becomes an error message, never a 500)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja.accounts.deps import Principal
from ilja.accounts.roles import Permission
from ilja.people.models import Person
from ilja.people.records import mask_name
from ilja.web.templating import private_page


def page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return private_page(request, template, {"active": "support", "errors": [], **context}, status_code=status_code)


def person_names(db: Session, principal: Principal, person_ids: Iterable[int | None]) -> dict[int, str]:
    """Names by person (one query) to show beside their numbers, masked unless the viewer may read
    personal details (as on the outcomes drill-down): staff see whom a number stands for."""
    wanted = {i for i in person_ids if i is not None}
    if not wanted:
        return {}
    personal = principal.can(Permission.PEOPLE_READ_PERSONAL)
    rows = db.execute(select(Person.id, Person.name).where(Person.id.in_(wanted))).all()
    return {person_id: name if personal else mask_name(name) for person_id, name in rows}


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_int(text: str) -> int | None:
    try:
        value = int(text.replace(",", "").strip())
    except ValueError:
        return None
    return value if value >= 0 else None
