"""The registry service: register, find, show (masked), reveal, merge and export persons.

Plain functions, ``session`` first and keyword arguments after it. None of them commits: the
caller owns the transaction (one per request, one per import), and every audit entry is written
in it, so an action and its record stand or fall together. Every staff read of personal data is
audited (``person.read``, ``person.read_rrn``, ``person.export``; 안전성 확보조치 기준 §8), with
ids and field names only — never a name, a phone number or an RRN.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.accounts.roles import Permission, PermissionDenied, Role, has_permission
from ilja.db import Base
from ilja.people.models import DuplicateFlag, FlagStatus, Household, Person
from ilja.people.records import (
    Problem,
    RecordInvalid,
    RegistryError,
    ValidRecord,
    format_phone,
    korean_today,
    mask_name,
    mask_phone,
    validate_record,
)
from ilja.people.rrn import (
    KeyRing,
    Rrn,
    blind_index,
    blind_index_candidates,
    decrypt_rrn,
    encrypt_rrn,
    parse_rrn,
)
from ilja.rules import population

NEAR_DUPLICATE = "same_name_birth_date_phone"
FORMAT_COLUMNS = (
    "birth_date", "sido", "sigungu", "employment_status", "able_to_work",
    "unemployment_benefit_periods", "household_head", "household_size", "vulnerable_groups",
    "veteran_service_months", "nationality", "visa", "training_history",
    "household_income_krw", "household_assets_krw", "receives_livelihood_benefit",
)
OPTIONAL_COLUMNS = ("household_income_krw", "household_assets_krw",
                    "receives_livelihood_benefit", "phone", "address_detail", "household_id")
MIN_REASON_LENGTH = 4


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _context(person_id: int) -> str:
    """Tokens are bound to their row (AES-GCM associated data), so one cannot be moved to another
    person; ``rotate_records(bind_to_record_id=True)`` uses the same context."""
    return str(person_id)


# --- registering ----------------------------------------------------------------------------


@dataclass
class Registration:
    """What ``register_person`` did. Unpacks as ``person, created = register_person(...)``."""

    person: Person
    created: bool
    warnings: list[Problem] = field(default_factory=list)
    flags: list[DuplicateFlag] = field(default_factory=list)
    rrn_refused: bool = False

    def __iter__(self):
        yield self.person
        yield self.created


def find_by_rrn(session: Session, rrn: Rrn | str, *, keyring: KeyRing) -> Person | None:
    """The person holding this RRN, looked up under every loaded index key (safe mid-rotation)."""
    number = rrn if isinstance(rrn, Rrn) else parse_rrn(rrn)
    candidates = blind_index_candidates(number, keyring)
    return session.execute(select(Person).where(Person.rrn_index.in_(candidates))).scalars().first()


def register_person(session: Session, record: Mapping[str, Any] | ValidRecord, *,
                    actor: audit.Actor, program: str, keyring: KeyRing,
                    on: dt.date | None = None) -> Registration:
    """Add a person, or update the one who already holds the same RRN.

    The same RRN registered twice is one person (found by its blind index under every key); a
    record that matches another person's name, birth date and phone without an RRN match is
    flagged for staff, not merged. An RRN is stored only for a program with a legal basis
    (개인정보 보호법 §24-2), otherwise the person is stored without it and ``rrn_refused`` says so.
    Raises ``RecordInvalid`` (format or date errors); check-digit doubts come back as warnings.
    """
    valid = record if isinstance(record, ValidRecord) else validate_record(
        record, program=program, on=on)
    existing = find_by_rrn(session, valid.rrn, keyring=keyring) if valid.rrn else None
    if existing is None and valid.rrn is not None:
        existing, created = _insert_or_find(session, valid, keyring=keyring, program=program)
    elif existing is None:
        existing, created = _insert(session, valid, keyring=keyring, program=program), True
    else:
        created = False
    person = existing
    if created:
        changed = sorted({"name", *FORMAT_COLUMNS} | _optional_set(valid))
        audit.record(session, actor, "person.create", subject_person_id=person.id,
                     object_type="person", object_id=person.id,
                     details={"program": program, "rrn": _rrn_state(valid), "fields": changed})
    else:
        changed = _update(person, valid, keyring=keyring, program=program)
        audit.record(session, actor, "person.update", subject_person_id=person.id,
                     object_type="person", object_id=person.id,
                     details={"program": program, "rrn": "matched", "fields": changed})
    flags = _flag_near_duplicates(session, person, actor=actor) if valid.rrn is None or created \
        else []
    return Registration(person, created, list(valid.warnings), flags, valid.rrn_refused)


def _rrn_state(valid: ValidRecord) -> str:
    return "stored" if valid.rrn else ("refused" if valid.rrn_refused else "absent")


def _optional_set(valid: ValidRecord) -> set[str]:
    record = valid.record
    return {name for name in OPTIONAL_COLUMNS if getattr(record, name) is not None}


def _row_values(valid: ValidRecord) -> dict[str, Any]:
    record = valid.record
    values = valid.format_fields()
    values["birth_date"] = record.birth_date
    values.update(name=record.name, phone=record.phone, address_detail=record.address_detail,
                  household_id=record.household_id)
    return values


def _insert(session: Session, valid: ValidRecord, *, keyring: KeyRing, program: str) -> Person:
    now = _now()
    person = Person(**_row_values(valid), created_at=now, updated_at=now)
    session.add(person)
    session.flush()
    if valid.rrn is not None:
        _store_rrn(person, valid.rrn, keyring=keyring, program=program)
        session.flush()
    return person


def _insert_or_find(session: Session, valid: ValidRecord, *, keyring: KeyRing,
                    program: str) -> tuple[Person, bool]:
    """Insert in a savepoint; if a concurrent transaction stored the same RRN first, the unique
    blind index refuses the row and the person it stored is updated instead."""
    try:
        with session.begin_nested():
            return _insert(session, valid, keyring=keyring, program=program), True
    except IntegrityError:
        found = find_by_rrn(session, valid.rrn, keyring=keyring)  # type: ignore[arg-type]
        if found is None:
            raise
        return found, False


def _store_rrn(person: Person, number: Rrn, *, keyring: KeyRing, program: str) -> None:
    person.rrn_token = encrypt_rrn(number, keyring, context=_context(person.id))
    person.rrn_index = blind_index(number, keyring)
    person.rrn_masked = number.masked
    person.rrn_basis = program


def _update(person: Person, valid: ValidRecord, *, keyring: KeyRing, program: str) -> list[str]:
    """The newer intake wins for every field it carries; fields it leaves empty are kept."""
    changed = []
    for name, value in _row_values(valid).items():
        if value is None and name in OPTIONAL_COLUMNS:
            continue
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    if valid.rrn is not None and person.rrn_index != blind_index(valid.rrn, keyring):
        _store_rrn(person, valid.rrn, keyring=keyring, program=program)  # moved to current keys
    if changed:
        person.updated_at = _now()
    return sorted(changed)


def _flag_near_duplicates(session: Session, person: Person, *,
                          actor: audit.Actor) -> list[DuplicateFlag]:
    """Same name, birth date and phone as another person: a flag for staff to decide."""
    if not person.phone:
        return []
    others = session.execute(
        select(Person.id).where(Person.name == person.name, Person.birth_date == person.birth_date,
                                Person.phone == person.phone, Person.id != person.id)
    ).scalars().all()
    flags = []
    for other in sorted(others):
        a, b = sorted((other, person.id))
        known = session.execute(select(DuplicateFlag.id).where(
            DuplicateFlag.person_a_id == a, DuplicateFlag.person_b_id == b)).first()
        if known:
            continue
        flag = DuplicateFlag(person_a_id=a, person_b_id=b, reason=NEAR_DUPLICATE,
                             status=FlagStatus.OPEN.value, created_at=_now())
        session.add(flag)
        session.flush()
        audit.record(session, actor, "person.duplicate_flag", subject_person_id=person.id,
                     object_type="person_duplicate_flag", object_id=flag.id,
                     details={"person_a_id": a, "person_b_id": b, "reason": NEAR_DUPLICATE})
        flags.append(flag)
    return flags


def create_household(session: Session, *, actor: audit.Actor, head: Person | None = None,
                     address: str | None = None, members: Iterable[Person] = ()) -> Household:
    """A household (세대) with its head; members (and the head) point at it."""
    people = list(members)
    household = Household(head_person_id=head.id if head else None, address=address,
                          created_at=_now())
    session.add(household)
    session.flush()
    for member in [*people, *([head] if head else [])]:
        member.household_id = household.id
    audit.record(session, actor, "household.create", object_type="household",
                 object_id=household.id, details={"head_person_id": head.id if head else None,
                                                  "members": sorted(m.id for m in people)})
    return household


# --- reading --------------------------------------------------------------------------------


def get_person(session: Session, person_id: int) -> Person | None:
    """Load a person by id, without an audit entry: for services (eligibility, selection) that
    use the record themselves. A staff read shown on screen goes through ``read_person``."""
    return session.get(Person, person_id)


def read_person(session: Session, person_id: int, *, actor: audit.Actor,
                personal: bool = False) -> PersonView | None:
    """A staff member reads one person: the masked view (contact and address with ``personal``),
    audited as ``person.read``."""
    person = session.get(Person, person_id)
    if person is None:
        return None
    view = masked_view(person, personal=personal)
    audit.record(session, actor, "person.read", subject_person_id=person.id, object_type="person",
                 object_id=person.id, details={"fields": view.shown_fields()})
    return view


def person_format(person: Person, **fields: Any) -> population.Person:
    """The person as the rules engine reads it (``ilja.rules.population.Person``), id = registry id;
    ``fields`` stand in for stored values (e.g. the training history with Ilja's own courses)."""
    return population.Person.model_validate({
        "id": str(person.id), **{name: getattr(person, name) for name in FORMAT_COLUMNS}, **fields})


def _search_query(q: str | None, district: str | None) -> Select[Any]:
    """Conditions as bound parameters; LIKE wildcards in the query are escaped."""
    query = select(Person)
    if district:
        query = query.where(Person.sigungu == district.strip())
    text = (q or "").strip()
    if not text:
        return query
    try:
        return query.where(Person.birth_date == dt.date.fromisoformat(text))
    except ValueError:
        pass
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits and len(digits) >= 4 and not any(ch.isalpha() for ch in text):
        if len(digits) == 8:
            try:
                born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
            except ValueError:
                born = None
            if born is not None:
                return query.where(or_(Person.birth_date == born,
                                       Person.phone.contains(digits, autoescape=True)))
        return query.where(Person.phone.contains(digits, autoescape=True))
    return query.where(Person.name.contains(text, autoescape=True))


def search_people(session: Session, *, q: str | None = None, district: str | None = None,
                  limit: int = 50, offset: int = 0) -> tuple[list[Person], int]:
    """People by name (part), phone (digits, part) or birth date (YYYY-MM-DD or YYYYMMDD), in a
    district (시군구 name); with the total count. Callers show ``masked_view`` and audit the
    listing with ``audit_search``."""
    query = _search_query(q, district)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(Person.name, Person.id)
                           .limit(max(1, min(limit, 500))).offset(max(0, offset))).scalars().all()
    return list(rows), int(total)


def audit_search(session: Session, people: Sequence[Person], *, actor: audit.Actor,
                 district: str | None = None) -> None:
    """A result list shows masked personal data: record whose (ids), not what was typed."""
    audit.record(session, actor, "person.search", object_type="person",
                 details={"person_ids": [p.id for p in people], "district": district or ""})


@dataclass(frozen=True)
class PersonView:
    """What a screen or the API may show of a person: the RRN always masked; name, phone and
    address masked unless the reader holds people.read_personal."""

    id: int
    name: str
    rrn: str | None
    birth_date: dt.date
    phone: str | None
    sido: str
    sigungu: str
    address_detail: str | None
    household_id: int | None
    employment_status: str
    able_to_work: bool
    household_head: bool
    household_size: int
    vulnerable_groups: list[str]
    veteran_service_months: int
    nationality: str
    visa: str
    household_income_krw: int | None
    household_assets_krw: int | None
    receives_livelihood_benefit: bool | None
    rrn_basis: str | None
    personal: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    def shown_fields(self) -> list[str]:
        shown = ["name_masked", "birth_date", "sido", "sigungu", "rrn_masked", "phone_masked"]
        return shown + ["name", "phone", "address_detail"] if self.personal else shown


def masked_view(person: Person, *, personal: bool = False) -> PersonView:
    """The RRN as ``900101-1******`` and the phone as ``010-****-5678``; with ``personal`` the
    full name, phone and address (people.read_personal). The full RRN only via ``reveal_rrn``."""
    return PersonView(
        id=person.id,
        name=person.name if personal else mask_name(person.name),
        rrn=person.rrn_masked,
        birth_date=person.birth_date,
        phone=format_phone(person.phone) if personal else mask_phone(person.phone),
        sido=person.sido,
        sigungu=person.sigungu,
        address_detail=person.address_detail if personal else None,
        household_id=person.household_id,
        employment_status=person.employment_status,
        able_to_work=person.able_to_work,
        household_head=person.household_head,
        household_size=person.household_size,
        vulnerable_groups=list(person.vulnerable_groups or []),
        veteran_service_months=person.veteran_service_months,
        nationality=person.nationality,
        visa=person.visa,
        household_income_krw=person.household_income_krw,
        household_assets_krw=person.household_assets_krw,
        receives_livelihood_benefit=person.receives_livelihood_benefit,
        rrn_basis=person.rrn_basis,
        personal=personal,
        created_at=person.created_at,
        updated_at=person.updated_at,
    )


def own_view(person: Person) -> PersonView:
    """A citizen's own record: their full name, phone and address; the RRN still masked."""
    return masked_view(person, personal=True)


def _check_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if len(text) < MIN_REASON_LENGTH:
        raise RegistryError("reason_required", "Give the reason for this access (at least "
                            f"{MIN_REASON_LENGTH} characters).",
                            f"조회·내려받기 사유를 {MIN_REASON_LENGTH}자 이상 입력하세요.")
    return text[:500]


def _require(actor: audit.Actor, permission: Permission) -> None:
    role = {r.value: r for r in Role}.get(actor.role)
    if role is None or not has_permission(role, permission):
        raise PermissionDenied(permission)


def reveal_rrn(session: Session, person: Person, *, actor: audit.Actor, reason: str,
               keyring: KeyRing) -> str:
    """The full ``YYMMDD-GNNNNNN``, for a role holding people.read_rrn, with a reason; audited as
    ``person.read_rrn`` (개인정보 보호법 §24-2, 안전성 확보조치 기준 §8)."""
    _require(actor, Permission.PEOPLE_READ_RRN)
    text = _check_reason(reason)
    if person.rrn_token is None:
        raise RegistryError("rrn_absent", "No resident registration number is stored for this "
                            "person.", "이 대상자의 주민등록번호는 저장되어 있지 않습니다.")
    number = decrypt_rrn(person.rrn_token, keyring, context=_context(person.id))
    audit.record(session, actor, "person.read_rrn", subject_person_id=person.id,
                 object_type="person", object_id=person.id, reason=text,
                 details={"fields": ["rrn"]})
    return number.formatted


# --- duplicates -----------------------------------------------------------------------------


def list_duplicate_flags(session: Session, *, status: str | None = FlagStatus.OPEN.value,
                         limit: int = 100, offset: int = 0) -> tuple[list[DuplicateFlag], int]:
    query = select(DuplicateFlag)
    if status:
        query = query.where(DuplicateFlag.status == status)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(DuplicateFlag.id).limit(max(1, min(limit, 500)))
                           .offset(max(0, offset))).scalars().all()
    return list(rows), int(total)


def _person_references() -> list[Any]:
    """Every column that points at a person: foreign keys to persons.id anywhere in the schema,
    plus ``users.person_id`` (a citizen's account; no foreign key yet)."""
    columns = []
    for table in Base.metadata.sorted_tables:
        if table.name == DuplicateFlag.__tablename__:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == Person.__tablename__ and fk.parent.table is table:
                columns.append(fk.parent)
    users = Base.metadata.tables.get("users")
    if users is not None and "person_id" in users.c:
        columns.append(users.c.person_id)
    return columns


def resolve_duplicate(session: Session, flag_id: int, *, decision: str, actor: audit.Actor,
                      keyring: KeyRing) -> DuplicateFlag:
    """Staff decide a flag: ``merge`` folds the newer record into the older (whose id is kept;
    fields the older lacks are filled, every reference moves, the newer row is deleted), or
    ``dismiss`` (two different people). Audited as ``person.merge`` / ``person.duplicate_dismiss``.
    Two records with different RRNs are never merged."""
    _require(actor, Permission.PEOPLE_MERGE)
    flag = session.get(DuplicateFlag, flag_id, with_for_update=True)
    if flag is None:
        raise RegistryError("flag_unknown", "No such duplicate flag.", "해당 중복 의심 건이 없습니다.")
    if flag.status != FlagStatus.OPEN.value:
        raise RegistryError("flag_resolved", "This flag has already been resolved.",
                            "이미 처리된 중복 의심 건입니다.")
    if decision == "dismiss":
        flag.status = FlagStatus.DISMISSED.value
        flag.resolved_by, flag.resolved_at = actor.id, _now()
        audit.record(session, actor, "person.duplicate_dismiss", subject_person_id=flag.person_a_id,
                     object_type="person_duplicate_flag", object_id=flag.id,
                     details={"person_a_id": flag.person_a_id, "person_b_id": flag.person_b_id})
        return flag
    if decision != "merge":
        raise RegistryError("decision_unknown", "Decide 'merge' or 'dismiss'.",
                            "'merge'(병합) 또는 'dismiss'(별개 인물) 중 하나를 고르세요.")
    first, second = session.get(Person, flag.person_a_id), session.get(Person, flag.person_b_id)
    if first is None or second is None:
        raise RegistryError("flag_stale", "One of the two records no longer exists.",
                            "두 기록 중 하나가 이미 없습니다.")
    kept, dropped = sorted((first, second), key=lambda p: (p.created_at, p.id))
    filled = _merge_into(session, kept, dropped, keyring=keyring)
    dropped_id = dropped.id
    _move_flags(session, kept.id, dropped_id, resolving=flag.id)
    flag.person_a_id, flag.person_b_id, flag.merged_person_id = kept.id, None, dropped_id
    flag.status = FlagStatus.CONFIRMED.value
    flag.resolved_by, flag.resolved_at = actor.id, _now()
    session.flush()
    session.delete(dropped)
    session.flush()
    audit.record(session, actor, "person.merge", subject_person_id=kept.id, object_type="person",
                 object_id=kept.id, details={"merged_person_id": dropped_id, "flag_id": flag.id,
                                             "fields_filled": filled})
    return flag


def _merge_into(session: Session, kept: Person, dropped: Person, *, keyring: KeyRing) -> list[str]:
    if kept.rrn_token and dropped.rrn_token and (
            decrypt_rrn(kept.rrn_token, keyring, context=_context(kept.id)).digits
            != decrypt_rrn(dropped.rrn_token, keyring, context=_context(dropped.id)).digits):
        raise RegistryError("merge_rrn_conflict",
                            "The two records hold different resident registration numbers: "
                            "they are two people.",
                            "두 기록의 주민등록번호가 달라 같은 사람으로 병합할 수 없습니다.")
    filled = []
    if dropped.rrn_token and not kept.rrn_token:
        number = decrypt_rrn(dropped.rrn_token, keyring, context=_context(dropped.id))
        basis = dropped.rrn_basis or ""
        dropped.rrn_token = dropped.rrn_index = dropped.rrn_masked = None
        session.flush()  # free the unique blind index before the kept row takes it
        _store_rrn(kept, number, keyring=keyring, program=basis)
        filled.append("rrn")
    for name in OPTIONAL_COLUMNS:
        if getattr(kept, name) is None and getattr(dropped, name) is not None:
            setattr(kept, name, getattr(dropped, name))
            filled.append(name)
    for name in ("vulnerable_groups", "training_history", "unemployment_benefit_periods"):
        merged = list(getattr(kept, name) or [])
        for item in getattr(dropped, name) or []:
            if item not in merged:
                merged.append(item)
        if merged != list(getattr(kept, name) or []):
            if name == "vulnerable_groups":
                merged = [g for g in population.VULNERABLE_GROUPS if g in merged]
            setattr(kept, name, merged)
            filled.append(name)
    kept.updated_at = _now()
    session.flush()
    for column in _person_references():
        try:
            with session.begin_nested():
                session.execute(update(column.table).where(column == dropped.id)
                                .values({column.name: kept.id}))
        except IntegrityError:
            raise RegistryError("merge_conflict",
                                f"Both records have entries in {column.table.name} that cannot "
                                "be combined; resolve those first.",
                                f"두 기록 모두 {column.table.name}에 합칠 수 없는 항목이 있습니다. "
                                "먼저 정리하세요.", table=column.table.name) from None
    return sorted(filled)


def _move_flags(session: Session, kept_id: int, dropped_id: int, *, resolving: int) -> None:
    """Other open flags about the dropped record now concern the kept one (or vanish)."""
    others = session.execute(select(DuplicateFlag).where(
        DuplicateFlag.id != resolving,
        or_(DuplicateFlag.person_a_id == dropped_id, DuplicateFlag.person_b_id == dropped_id),
    )).scalars().all()
    for other in others:
        ids = {kept_id if pid == dropped_id else pid
               for pid in (other.person_a_id, other.person_b_id) if pid is not None}
        if len(ids) < 2 or other.status != FlagStatus.OPEN.value:
            if other.status == FlagStatus.OPEN.value:
                session.delete(other)
            else:
                if other.person_b_id == dropped_id:
                    other.person_b_id = None
                if other.person_a_id == dropped_id:
                    other.person_a_id = kept_id
            continue
        a, b = sorted(ids)
        taken = session.execute(select(DuplicateFlag.id).where(
            DuplicateFlag.person_a_id == a, DuplicateFlag.person_b_id == b,
            DuplicateFlag.id != other.id)).first()
        if taken:
            session.delete(other)
        else:
            other.person_a_id, other.person_b_id = a, b
    session.flush()


# --- export ---------------------------------------------------------------------------------

EXPORT_COLUMNS = ("id", "name", "rrn_masked", "birth_date", "phone", "sido", "sigungu",
                  "address_detail", "employment_status", "able_to_work", "household_head",
                  "household_size", "vulnerable_groups", "veteran_service_months", "nationality",
                  "visa", "household_income_krw", "household_assets_krw",
                  "receives_livelihood_benefit")


@dataclass(frozen=True)
class Export:
    content: bytes
    media_type: str
    filename: str
    count: int


def export_people(session: Session, *, actor: audit.Actor, reason: str, file_format: str = "xlsx",
                  q: str | None = None, district: str | None = None,
                  person_ids: Sequence[int] | None = None) -> Export:
    """Download people as XLSX or CSV (RRN masked) for a role holding people.export; the reason
    is required and recorded with every person's id (안전성 확보조치 기준 §8: 다운로드 사유)."""
    _require(actor, Permission.PEOPLE_EXPORT)
    text = _check_reason(reason)
    if file_format not in ("xlsx", "csv"):
        raise RegistryError("format_unknown", "Export as xlsx or csv.", "xlsx 또는 csv만 됩니다.")
    query = _search_query(q, district)
    if person_ids is not None:
        query = query.where(Person.id.in_(list(person_ids)))
    people = session.execute(query.order_by(Person.id)).scalars().all()
    rows = [_export_row(p) for p in people]
    audit.record(session, actor, "person.export", object_type="person", reason=text,
                 details={"format": file_format, "count": len(rows),
                          "person_ids": [p.id for p in people], "district": district or ""})
    stamp = korean_today().strftime("%Y%m%d")
    if file_format == "csv":
        return Export(_csv(rows), "text/csv; charset=utf-8", f"people-{stamp}.csv", len(rows))
    return Export(_xlsx(rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  f"people-{stamp}.xlsx", len(rows))


def _export_row(person: Person) -> list[Any]:
    values = {name: getattr(person, name, None) for name in EXPORT_COLUMNS}
    values["phone"] = format_phone(person.phone)
    values["vulnerable_groups"] = ";".join(person.vulnerable_groups or [])
    values["birth_date"] = person.birth_date.isoformat()
    return [values[name] for name in EXPORT_COLUMNS]


def _csv(rows: list[list[Any]]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([_csv_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens Korean text correctly


def _csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas (CSV injection) in text cells."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _xlsx(rows: list[list[Any]]) -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("people")
    sheet.append(list(EXPORT_COLUMNS))
    for row in rows:
        sheet.append([_csv_safe(v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def delete_person_rrn(session: Session, person: Person, *, actor: audit.Actor, reason: str) -> None:
    """Erase a stored RRN (e.g. its legal basis lapsed), keeping the person; audited."""
    _require(actor, Permission.PEOPLE_EDIT)
    text = _check_reason(reason)
    person.rrn_token = person.rrn_index = person.rrn_masked = person.rrn_basis = None
    person.updated_at = _now()
    audit.record(session, actor, "person.rrn_erase", subject_person_id=person.id,
                 object_type="person", object_id=person.id, reason=text, details={"fields": ["rrn"]})


__all__ = [
    "Export", "PersonView", "RecordInvalid", "Registration", "RegistryError", "audit_search",
    "create_household", "delete_person_rrn", "export_people", "find_by_rrn", "get_person",
    "list_duplicate_flags", "masked_view", "own_view", "person_format", "read_person",
    "register_person", "resolve_duplicate", "reveal_rrn", "search_people", "validate_record",
]
