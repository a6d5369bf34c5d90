"""The rounds and applications API's request and response bodies: explicit models, so a new
column is never exposed by default."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ilja.applications import rounds
from ilja.applications.models import ApplicationStatus, UnitKind
from ilja.text import FreeText, MultilineText

CONSENT_VERSION = r"^[0-9A-Za-z._-]{1,32}$"


class UnitIn(BaseModel):
    code: str = Field(min_length=1, max_length=64, examples=["care_health"])
    name: FreeText = Field(min_length=1, max_length=200, examples=["돌봄·건강"])
    kind: UnitKind = UnitKind.PROJECT
    seats: int | None = Field(None, ge=0, le=1_000_000)
    parent_code: str | None = Field(None, max_length=64)


class UnitOut(BaseModel):
    code: str
    name: str
    kind: str
    seats: int | None
    parent_code: str | None


class RoundIn(BaseModel):
    """A round as staff set it up (모집 공고); ``units_from_plan`` takes the plan's fields or
    tracks with their planned head counts when ``units`` is empty."""

    program_code: str = Field(max_length=64, examples=["companion_jobs"])
    track_code: str | None = Field(None, max_length=64)
    project: FreeText | None = Field(None, max_length=200)
    title: FreeText = Field(min_length=1, max_length=300)
    announced_on: dt.date
    opens_at: dt.datetime
    closes_at: dt.datetime
    starts_on: dt.date = Field(description="Work or course start date (근무·교육 시작일)")
    max_preferences: int = Field(1, ge=1, le=10)
    units: list[UnitIn] = Field(default_factory=list, max_length=5000)
    units_from_plan: bool = False
    policy_options: dict[str, str] | None = Field(
        None, description="rounding (floor|ceil|half_up), order (reserved_first|open_first), "
                          "waitlist_ratio (e.g. '1.0')")

    def to_input(self) -> rounds.RoundInput:
        units = [rounds.UnitInput(u.code, u.name, u.kind, u.seats, u.parent_code)
                 for u in self.units]
        if not units and self.units_from_plan:
            units = rounds.units_from_plan(self.program_code)
        return rounds.RoundInput(
            program_code=self.program_code, title=self.title, announced_on=self.announced_on,
            opens_at=_aware(self.opens_at), closes_at=_aware(self.closes_at),
            starts_on=self.starts_on, units=units, track_code=self.track_code,
            project=self.project, max_preferences=self.max_preferences,
            policy_options=self.policy_options)


def _aware(moment: dt.datetime) -> dt.datetime:
    """A time without a zone is Korea time (the office's clock)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone(dt.timedelta(hours=9)))


class RoundOut(BaseModel):
    id: int
    program_code: str
    track_code: str | None
    project: str | None
    title: str
    status: str
    announced_on: dt.date
    opens_at: dt.datetime
    closes_at: dt.datetime
    starts_on: dt.date
    max_preferences: int
    taking_applications: bool
    seed_commitment: str | None = Field(description="SHA-256 of the lottery seed, published "
                                                    "when the round opened")
    seed_revealed: str | None = Field(description="The seed, shown after the draw")
    units: list[UnitOut]


class EligibilityOut(BaseModel):
    """The snapshot taken at submission: the verdict, the dates and versions it used."""

    eligible: bool
    failed: list[str]
    to_verify: list[str]
    bonus_points: float
    priority_group: bool
    evaluated_on: dt.date = Field(description="The round's work or course start date")
    announced_on: dt.date
    parameter_version: str
    code_version: str
    reasons: dict[str, list[str]] = Field(description="Plain-language reasons, ko and en")


class EventOut(BaseModel):
    from_status: str | None
    to_status: str
    actor_role: str
    reason_code: str
    note: str | None
    details: dict[str, Any] | None
    at: dt.datetime


class MyApplicationOut(BaseModel):
    id: int
    round_id: int
    round_title: str
    status: str
    preferences: list[str]
    channel: str
    submitted_at: dt.datetime
    eligibility: EligibilityOut
    history: list[EventOut]


class ApplicationOut(MyApplicationOut):
    """What staff see: the citizen's view plus whose it is and the selection inputs."""

    person_id: int
    score: float
    priority: bool
    submitted_by: str | None


class ApplicationDetailOut(ApplicationOut):
    explanation: dict[str, Any] = Field(description="The engine's result and explanation as "
                                                    "stored: conditions, inputs, parameters")


class ApplicationSummaryOut(BaseModel):
    id: int
    person_id: int
    status: str
    preferences: list[str]
    score: float
    priority: bool
    eligible: bool
    failed: list[str]
    channel: str
    submitted_at: dt.datetime


class ApplicationPage(BaseModel):
    total: int
    items: list[ApplicationSummaryOut]


class ConsentIn(BaseModel):
    """The consent an API client sends with an application: the version of each purpose's text
    the applicant agreed to (``GET /api/v1/privacy/consent-texts`` lists the texts in force)."""

    model_config = ConfigDict(extra="forbid")
    collection_use: str | None = Field(None, pattern=CONSENT_VERSION, examples=["2025-01-01"],
                                       description="Version of the collection-and-use text agreed to (required)")
    sensitive: str | None = Field(None, pattern=CONSENT_VERSION,
                                  description="Version of the sensitive-data (disability) text, if agreed to")
    unique_id: str | None = Field(None, pattern=CONSENT_VERSION,
                                  description="Version of the RRN text, for programs that collect the number")

    def given(self) -> dict[str, str]:
        return {purpose: version for purpose, version in self.model_dump().items() if version}


class ApplyIn(BaseModel):
    model_config = ConfigDict(hide_input_in_errors=True)
    preferences: list[str] = Field(default_factory=list, max_length=10,
                                   description="Unit codes in order of preference (1지망 first)")
    consent: ConsentIn | None = Field(
        None, description="The consent texts' versions agreed to (개인정보 수집·이용 동의): required when a "
                          "citizen applies; on someone's behalf, a signed paper form's consent to the required "
                          "texts in force when left out")


class ApplyOnBehalfIn(ApplyIn):
    person_id: int = Field(ge=1)


class StatusIn(BaseModel):
    status: ApplicationStatus
    note: MultilineText = Field(min_length=1, max_length=1000, description="Why (shown in the history)")
    withdrawal: Literal["declined", "dropped", "ineligible"] | None = Field(
        None, description="For a selected or waitlisted application leaving: why; the seat "
                          "goes to the next on the waitlist")


class ImportOut(BaseModel):
    rows: int
    applications: int
    replayed: int
    persons_created: int
    persons_matched: int
    eligible: int
    ineligible: int
    warnings: list[dict[str, Any]]
