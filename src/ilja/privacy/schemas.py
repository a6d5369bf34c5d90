"""The consent an API client sends with an application: the version of each purpose's text the
applicant agreed to (``GET /api/v1/privacy/consent-texts`` lists the texts in force)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

VERSION = r"^[0-9A-Za-z._-]{1,32}$"


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    collection_use: str | None = Field(None, pattern=VERSION, examples=["2025-01-01"],
                                       description="Version of the collection-and-use text agreed to (required)")
    sensitive: str | None = Field(None, pattern=VERSION,
                                  description="Version of the sensitive-data (disability) text, if agreed to")
    unique_id: str | None = Field(None, pattern=VERSION,
                                  description="Version of the RRN text, for programs that collect the number")

    def given(self) -> dict[str, str]:
        return {purpose: version for purpose, version in self.model_dump().items() if version}


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
