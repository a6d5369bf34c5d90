"""Everything Ilja holds on one person, for them to download (개인정보 보호법 §35 열람, §35-2 전송).

One small collector per domain reads that domain's rows about the person (read-only queries,
table by table); a domain with a new table about people adds it to its collector, and a new
domain adds a collector. ``tests/privacy/test_export.py`` fails when a table holding a person
column, or one hanging off such a table, is read by no collector and not named in ``LEFT_OUT``.

Secrets are left out, not personal data: the encrypted forms and blind indexes of numbers
(``*_token``, ``rrn_index``; the masked number and the last digits stay), password and token
hashes, the audit chain's hashes, and who among staff did what (the audit entries give the role,
not the staff member's account or address).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, String, Table, select
from sqlalchemy.orm import Session

from ilja import __version__, clock
from ilja.accounts import audit
from ilja.accounts import models as _accounts  # noqa: F401
from ilja.applications import models as _applications  # noqa: F401
from ilja.db import Base
from ilja.decisions.models import Appeal, Decision
from ilja.matching import models as _matching  # noqa: F401
from ilja.messages import models as _messages  # noqa: F401
from ilja.outcomes import models as _outcomes  # noqa: F401
from ilja.people import consent_models as _consents  # noqa: F401
from ilja.people import models as _people  # noqa: F401
from ilja.people.keys import get_keyring
from ilja.privacy import models as _privacy  # noqa: F401
from ilja.publicjobs import attendance_models as _pj_attendance  # noqa: F401
from ilja.publicjobs import models as _publicjobs  # noqa: F401
from ilja.publicjobs import payment_models as _payments  # noqa: F401
from ilja.rights import service
from ilja.selection import models as _selection  # noqa: F401
from ilja.support import models as _support  # noqa: F401
from ilja.training import models as _training  # noqa: F401
from ilja.verification import models as _verification  # noqa: F401

Rows = list[dict[str, Any]]
Found = dict[str, Rows]

SECRET_COLUMNS = frozenset({"rrn_index", "password_hash", "token_hash", "idempotency_key", "request_digest",
                            "canonical", "previous_hash", "entry_hash", "lease_owner", "lease_until"})
STAFF_COLUMNS = frozenset({"actor_id", "source_address"})
LEFT_OUT: dict[str, str] = {
    "api_tokens": "an account's API tokens are secrets (only their hashes are stored)",
    "login_sessions": "an account's log-in sessions are secrets (only their hashes are stored)",
    "audit_reviews": "the auditor's monthly review: about the log, not about a person",
    "matching_org_members": "employers' staff accounts, not applicants",
    "training_instructors": "instructors are staff; their register is not about the applicants",
    "selection_withdrawals": "a round's withdrawal chain (pseudonymous keys); the person's own moves are "
                             "in their application history and selection outcome",
    "pj_transfers": "a bank-transfer batch of many people; the person's own payment rows are exported",
    "messages_deliveries": "the delivery attempts of a message (the message itself is exported)",
    "outcome_states": "the dashboard's kept count of a completer's outcome records (exported), "
                      "the days they were first counted or excluded; rebuilt from those records",
}
"""Tables reachable from a person that no collector reads, each with the reason."""


def _table(name: str) -> Table | None:
    """A table by name; the models of every domain the collectors read are imported above (as
    ilja.models imports them for Alembic, from above every domain), however the export is reached."""
    return Base.metadata.tables.get(name)


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _dump(session: Session, name: str, where: Callable[[Table], ColumnElement[bool]]) -> Rows:
    """The rows of table ``name`` that ``where`` picks, without secret or staff-identifying columns."""
    table = _table(name)
    if table is None:  # a domain not installed
        return []
    columns = [c for c in table.columns if c.name not in SECRET_COLUMNS | STAFF_COLUMNS
               and not c.name.endswith("_token")]
    order = list(table.primary_key.columns)
    query = select(*columns).where(where(table)).order_by(*order)
    return [{key: _value(value) for key, value in row._mapping.items()} for row in session.execute(query)]


def _applications_of(person_id: int) -> Select[Any]:
    """The ids of the person's applications, for the tables that hang off an application."""
    table = _table("applications")
    assert table is not None
    return select(table.c.id).where(table.c.person_id == person_id)


def _ids(rows: Rows, key: str = "id") -> list[Any]:
    return [row[key] for row in rows if row.get(key) is not None]


@dataclass(frozen=True)
class Collector:
    domain: str
    tables: tuple[str, ...]
    collect: Callable[[Session, int], Found]


COLLECTORS: list[Collector] = []


def collector(domain: str,
              *tables: str) -> Callable[[Callable[[Session, int], Found]], Callable[[Session, int], Found]]:
    """Register a domain's collector and the tables it reads."""
    def register(function: Callable[[Session, int], Found]) -> Callable[[Session, int], Found]:
        COLLECTORS.append(Collector(domain, tables, function))
        return function
    return register


def _by_person(session: Session, name: str, person_id: int, column: str = "person_id") -> Rows:
    """The rows whose ``column`` names the person (a text column, as the audit log's, by the id's text)."""
    return _dump(session, name, lambda t: t.c[column] == (
        str(person_id) if isinstance(t.c[column].type, String) else person_id))


def _within(session: Session, name: str, column: str, ids: Iterable[Any]) -> Rows:
    wanted = list(ids)
    if not wanted:
        return []
    return _dump(session, name, lambda t: t.c[column].in_(wanted))


@collector("people", "persons", "households", "person_duplicate_flags", "person_ended_courses")
def people(session: Session, person_id: int) -> Found:
    persons = _dump(session, "persons", lambda t: t.c.id == person_id)
    household = persons[0]["household_id"] if persons else None
    return {"persons": persons,
            "person_ended_courses": _dump(session, "person_ended_courses", lambda t: t.c.person_id == person_id),
            "households": _dump(session, "households",
                                lambda t: (t.c.head_person_id == person_id) | (t.c.id == household)),
            "person_duplicate_flags": _dump(session, "person_duplicate_flags", lambda t: (
                t.c.person_a_id == person_id) | (t.c.person_b_id == person_id) | (t.c.merged_person_id == person_id))}


@collector("accounts", "users", "audit_log", "audit_intake")
def accounts(session: Session, person_id: int) -> Found:
    """The person's account and who read or changed their data (the audit log: when, which
    role, what; 안전성 확보조치 기준 §8)."""
    return {"users": _by_person(session, "users", person_id),
            "audit_log": _dump(session, "audit_log", lambda t: audit.about_person(session, t, person_id)),
            "audit_intake": _dump(session, "audit_intake",
                                  lambda t: audit.about_person(session, t, person_id))}


@collector("applications", "applications", "application_events")
def applications(session: Session, person_id: int) -> Found:
    rows = _by_person(session, "applications", person_id)
    return {"applications": rows, "application_events": _within(session, "application_events", "application_id",
                                                                _ids(rows))}


@collector("selection", "selection_outcomes", "selection_offers")
def selection(session: Session, person_id: int) -> Found:
    mine = _applications_of(person_id)
    return {name: _dump(session, name, lambda t: t.c.application_id.in_(mine))
            for name in ("selection_outcomes", "selection_offers")}


ENROLMENT_TABLES = ("training_attendance", "training_overrides", "training_excused",
                    "training_findings", "training_scores", "training_surveys")


@collector("training", "training_enrolments", "training_participants", "training_checkin_attempts",
           *ENROLMENT_TABLES)
def training(session: Session, person_id: int) -> Found:
    enrolments = _by_person(session, "training_enrolments", person_id)
    found = {name: _by_person(session, name, person_id)
             for name in ("training_enrolments", "training_participants", "training_checkin_attempts")}
    for name in ENROLMENT_TABLES:
        found[name] = _within(session, name, "enrolment_id", _ids(enrolments))
    return found


PLACEMENT_TABLES = ("pj_placement_events", "pj_timesheet_entries", "pj_corrections", "pj_excused", "pj_overrides")


@collector("publicjobs", "pj_placements", "pj_pay_lines", "pj_pay_accounts", "pj_payments", "pj_payment_events",
           "pj_checkin_attempts", *PLACEMENT_TABLES)
def publicjobs(session: Session, person_id: int) -> Found:
    placements = _by_person(session, "pj_placements", person_id)
    payments = _by_person(session, "pj_payments", person_id)
    found = {"pj_placements": placements, "pj_payments": payments,
             "pj_payment_events": _within(session, "pj_payment_events", "payment_id", _ids(payments))}
    for name in ("pj_pay_lines", "pj_pay_accounts", "pj_checkin_attempts"):
        found[name] = _by_person(session, name, person_id)
    for name in PLACEMENT_TABLES:
        found[name] = _within(session, name, "placement_id", _ids(placements))
    return found


@collector("verification", "verification_documents", "verified_facts", "verification_at_selection")
def verification(session: Session, person_id: int) -> Found:
    """The documents and facts checked for the person's applications."""
    mine = _applications_of(person_id)
    return {"verification_documents": _by_person(session, "verification_documents", person_id),
            "verified_facts": _by_person(session, "verified_facts", person_id),
            "verification_at_selection": _dump(session, "verification_at_selection",
                                               lambda t: t.c.application_id.in_(mine))}


@collector("matching", "matching_candidates", "matching_counsel_sessions", "matching_day_entries",
           "matching_interviews", "matching_proposals", "matching_rankings", "matching_offers", "matching_outcomes")
def matching(session: Session, person_id: int) -> Found:
    candidates = _by_person(session, "matching_candidates", person_id)
    found = {"matching_candidates": candidates,
             "matching_outcomes": _by_person(session, "matching_outcomes", person_id)}
    for name in ("matching_counsel_sessions", "matching_day_entries", "matching_interviews", "matching_proposals",
                 "matching_rankings", "matching_offers"):
        found[name] = _within(session, name, "candidate_id", _ids(candidates))
    return found


@collector("outcomes", "outcome_participations", "outcome_records", "outcome_follow_ups", "alumni_members",
           "alumni_activities")
def outcomes(session: Session, person_id: int) -> Found:
    participations = _by_person(session, "outcome_participations", person_id)
    members = _by_person(session, "alumni_members", person_id)
    ids = _ids(participations)
    return {"outcome_participations": participations,
            "outcome_records": _within(session, "outcome_records", "participation_id", ids),
            "outcome_follow_ups": _within(session, "outcome_follow_ups", "participation_id", ids),
            "alumni_members": members,
            "alumni_activities": _within(session, "alumni_activities", "member_id", _ids(members))}


@collector("support", "support_exam_attempts", "support_fee_claims", "support_subsidy_grants",
           "support_subsidy_payments", "support_subsidy_progress", "support_event_signups",
           "support_startup_members", "support_mentoring_pairs", "support_scholarships")
def support(session: Session, person_id: int) -> Found:
    grants = _by_person(session, "support_subsidy_grants", person_id)
    return {"support_exam_attempts": _by_person(session, "support_exam_attempts", person_id),
            "support_fee_claims": _by_person(session, "support_fee_claims", person_id),
            "support_subsidy_grants": grants,
            "support_subsidy_payments": _within(session, "support_subsidy_payments", "grant_id", _ids(grants)),
            "support_subsidy_progress": _within(session, "support_subsidy_progress", "grant_id", _ids(grants)),
            "support_event_signups": _by_person(session, "support_event_signups", person_id),
            "support_startup_members": _by_person(session, "support_startup_members", person_id),
            "support_mentoring_pairs": _by_person(session, "support_mentoring_pairs", person_id, "mentee_person_id"),
            "support_scholarships": _by_person(session, "support_scholarships", person_id, "recipient_person_id")}


@collector("privacy", "privacy_consents", "privacy_corrections")
def privacy(session: Session, person_id: int) -> Found:
    return {name: _by_person(session, name, person_id) for name in ("privacy_consents", "privacy_corrections")}


@collector("messages", "messages_outbox", "messages_preferences")
def messages(session: Session, person_id: int) -> Found:
    return {name: _by_person(session, name, person_id) for name in ("messages_outbox", "messages_preferences")}


@collector("rights", "rights_decisions", "rights_appeals")
def rights(session: Session, person_id: int) -> Found:
    """Decisions about the person and their appeals, with the person's own words (their answer to
    a prior notice, their appeal) decrypted: stored encrypted, they are theirs to read."""
    found = {name: _by_person(session, name, person_id) for name in ("rights_decisions", "rights_appeals")}
    keyring = get_keyring()
    for row in found["rights_decisions"]:
        row["answer"] = service.answer_text(session.get_one(Decision, row["id"]), keyring)
    for row in found["rights_appeals"]:
        row["text"] = service.appeal_text(session.get_one(Appeal, row["id"]), keyring)
    return found


def collect(session: Session, person_id: int) -> dict[str, Any]:
    """The whole download: when, for whom, and each domain's tables with their rows."""
    domains = {c.domain: c.collect(session, person_id) for c in COLLECTORS}
    return {"format": "ilja-personal-data/1", "person_id": person_id,
            "generated_at": clock.now().isoformat(), "code_version": __version__,
            "legal_basis": "개인정보 보호법 제35조 (개인정보의 열람)", "domains": domains}


def collected_tables() -> set[str]:
    return {name for c in COLLECTORS for name in c.tables}
