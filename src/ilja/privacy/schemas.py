"""The consent texts in force, as ``GET /api/v1/privacy/consent-texts`` lists them (an application
names the versions agreed to: ``applications.schemas.ConsentIn``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class ConsentTextOut(BaseModel):
    purpose: str
    version: str
    effective: dt.date
    required: bool
    label: dict[str, str]
    purpose_text: dict[str, str]
    items: dict[str, str]
    retention: dict[str, str]
    refusal: dict[str, str]
