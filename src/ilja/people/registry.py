"""The registry service: register, find, show (masked) and reveal persons (merging
duplicates is in ``people.merging``, exports in ``people.exports``).

Plain functions, ``session`` first and keyword arguments after it. None of them commits: the
caller owns the transaction (one per request, one per import), and every audit entry is written
in it, so an action and its record stand or fall together. Every staff read of personal data is
audited (``person.read``, ``person.read_rrn``, ``person.export``; 안전성 확보조치 기준 §8), with
ids and field names only — never a name, a phone number or an RRN.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import operator
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import psycopg
from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ilja import clock, paging
from ilja.accounts import audit
from ilja.accounts.roles import Permission, PermissionDenied, Role, has_permission
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.db import insert_ids, insert_rows, reserve_ids
from ilja.people.contact import check_contact
from ilja.people.models import DuplicateFlag, FlagStatus, Household, Person
from ilja.people.records import (
    Problem,
    RecordInvalid,
    RegistryError,
    ValidRecord,
    format_phone,
    mask_name,
    mask_phone,
    validate_record,
)
from ilja.people.rrn import (
    KeyRing,
    Rrn,
    blind_index,
    blind_index_candidates,
    candidate_indexers,
    decrypt_rrn,
    encrypt_rrn,
    parse_rrn,
    rrn_encrypter,
)
from ilja.rules import population
from ilja.text import TEXT_PROBLEMS, text_problem

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



def rrn_context(person_id: int) -> str:
    """Tokens are bound to their row (AES-GCM associated data), so one cannot be moved to another
    person; ``rotate_records(bind_to_record_id=True)`` uses the same context."""
    return str(person_id)


# --- registering ----------------------------------------------------------------------------


@dataclass
class Registration:
    """What ``register_person`` did. Unpacks as ``person, created = register_person(...)``."""

    person: Person | SimpleNamespace  # a batch's new persons: their columns, as written
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
        changed = list(_created_fields(_optional_set(valid)))
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


REGISTER_BATCH = 2_000


def register_people(session: Session, records: Sequence[ValidRecord], *, actor: audit.Actor,
                    program: str, keyring: KeyRing, file: str | None = None) -> list[Registration]:
    """``register_person`` for many validated records (an import), in order, with the same
    outcome and flags, in a few statements per ``REGISTER_BATCH`` records: one
    look-up by blind index, one insert (see ``_insert_many``), one near-duplicate query, and an
    audit entry per kind of change naming its persons (``_batch_entry``; ``file``: the
    import's file digest, said in each). The same RRN twice in ``records`` is one person,
    as one by one: the second occurrence starts a new batch and finds the first. If a concurrent
    transaction stored one of a batch's RRNs first, that batch is registered one by one."""
    done: list[Registration] = []
    batch: list[ValidRecord] = []
    digits: set[str] = set()
    for valid in records:
        if len(batch) >= REGISTER_BATCH or (valid.rrn is not None and valid.rrn.digits in digits):
            done += _register_batch(session, batch, actor=actor, program=program, keyring=keyring,
                                    file=file)
            batch, digits = [], set()
        batch.append(valid)
        if valid.rrn is not None:
            digits.add(valid.rrn.digits)
    return done + _register_batch(session, batch, actor=actor, program=program, keyring=keyring,
                                  file=file)


def _register_batch(session: Session, batch: list[ValidRecord], *, actor: audit.Actor,
                    program: str, keyring: KeyRing, file: str | None) -> list[Registration]:
    if not batch:
        return []
    indexers = candidate_indexers(keyring)  # each key's hash made once for the batch
    indexes = [None if valid.rrn is None else [index(valid.rrn.digits) for index in indexers]
               for valid in batch]
    candidates = {index: i for i, found_under in enumerate(indexes) if found_under is not None
                  for index in found_under}
    found: dict[int, Person] = {}
    if candidates:
        for person in session.execute(select(Person).where(
                Person.rrn_index.in_(list(candidates)))).scalars():
            found[candidates[person.rrn_index]] = person  # type: ignore[index]
    fresh = [i for i in range(len(batch)) if i not in found]
    try:
        with session.begin_nested():
            created = _insert_many(session, [batch[i] for i in fresh], keyring=keyring,
                                   program=program, active=[indexes[i] for i in fresh])
    except (IntegrityError, psycopg.IntegrityError):  # a concurrent transaction stored one of
        # these RRNs (PostgreSQL's COPY raises the driver's error): one by one
        return [register_person(session, valid, actor=actor, program=program, keyring=keyring)
                for valid in batch]
    people = dict(found) | dict(zip(fresh, created, strict=True))
    groups: dict[tuple[str, str, tuple[str, ...]], list[int]] = {}
    for i, valid in enumerate(batch):
        person = people[i]
        if i in found:
            changed, action, state = _update(person, valid, keyring=keyring, program=program), \
                "person.update", "matched"
        else:
            changed = _created_fields(_optional_set(valid))
            action, state = "person.create", _rrn_state(valid)
        groups.setdefault((action, state, tuple(changed)), []).append(person.id)
    audit.record_many(session, actor, [_batch_entry(action, ids, program, state, changed, file)
                                       for (action, state, changed), ids in groups.items()])
    flags = _flag_many(session, [people[i] for i in fresh if batch[i].record.phone], actor=actor)
    return [Registration(people[i], i not in found, list(valid.warnings),
                         flags.get(people[i].id, []) if i not in found else [], valid.rrn_refused)
            for i, valid in enumerate(batch)]


def _batch_entry(action: str, ids: list[int], program: str, state: str,
                 changed: tuple[str, ...], file: str | None) -> dict[str, Any]:
    """One audit entry for the persons of a batch that were created (or updated) alike: who did
    it (the actor), to whom (``person_ids``; the subject too when there is one), what (the
    fields, the RRN's state) and from which file. One entry for thousands of persons keeps an
    import's sealing to a few entries."""
    details = {"program": program, "rrn": state, "fields": list(changed), "person_ids": ids,
               **({"file": file} if file else {})}
    one = ids[0] if len(ids) == 1 else None
    return {"action": action, "subject_person_id": one, "object_type": "person", "object_id": one,
            "details": details}


def _insert_many(session: Session, records: list[ValidRecord], *, keyring: KeyRing,
                 program: str, active: list[list[str] | None]) -> list[Any]:
    """New persons in one insert through the driver (``db.insert_rows``), their ids taken first
    so that each RRN token is bound to its id in the same insert. Returned as written, their
    columns as attributes of plain objects (an ORM object costs 0.1 ms to make), not attached
    to the session. ``active``: each record's blind indexes, the active key's first."""
    if not records:
        return []
    now = clock.now()
    table = Person.__table__
    encrypt = rrn_encrypter(keyring)
    rows = []
    for new_id, valid, indexes in zip(reserve_ids(session, table, len(records)), records, active,
                                      strict=True):
        number = valid.rrn
        rows.append(_row_values(valid) | {
            "id": new_id, "created_at": now, "updated_at": now,
            "rrn_token": None if number is None else encrypt(number, rrn_context(new_id)),
            "rrn_index": None if indexes is None else indexes[0],
            "rrn_masked": None if number is None else number.masked,
            "rrn_basis": None if number is None else program})
    insert_rows(session, table, rows)
    return [SimpleNamespace(email=None, **values) for values in rows]


def _flag_many(session: Session, people: list[Any], *,
               actor: audit.Actor) -> dict[int, list[DuplicateFlag]]:
    """``_flag_near_duplicates`` for persons just created, in one query: each is flagged with
    the others of the same name, birth date and phone that were there before it (persons
    created later in the same import are flagged with it when their turn comes)."""
    if not people:
        return {}
    new = {p.id for p in people}
    same: dict[tuple[Any, ...], list[int]] = {}
    query = select(Person.id, Person.name, Person.birth_date, Person.phone)
    low, high = min(new), max(new)
    if high - low + 1 == len(new):  # every id from low to high is one of these: not read back
        query = query.where(~Person.id.between(low, high))
        for person in people:
            same.setdefault((person.name, person.birth_date, person.phone), []).append(person.id)
    phones = sorted({p.phone for p in people})
    for start in range(0, len(phones), REGISTER_BATCH):
        for row in session.execute(query.where(
                Person.phone.in_(phones[start:start + REGISTER_BATCH]))):
            same.setdefault((row.name, row.birth_date, row.phone), []).append(row.id)
    pairs: list[tuple[int, int, int]] = []
    for person in people:
        for other in sorted(same.get((person.name, person.birth_date, person.phone), [])):
            if other != person.id and not (other in new and other > person.id):
                pairs.append((person.id, *sorted((other, person.id))))
    if not pairs:
        return {}
    now = clock.now()
    table = DuplicateFlag.__table__
    ids = insert_ids(session, table, [
        {"person_a_id": a, "person_b_id": b, "reason": NEAR_DUPLICATE,
         "status": FlagStatus.OPEN.value, "created_at": now} for _, a, b in pairs])
    flags: dict[int, list[DuplicateFlag]] = {}
    for flag_id, (subject, a, b) in zip(ids, pairs, strict=True):
        flags.setdefault(subject, []).append(DuplicateFlag(
            id=flag_id, person_a_id=a, person_b_id=b, reason=NEAR_DUPLICATE,
            status=FlagStatus.OPEN.value, created_at=now))
    audit.record_many(session, actor, [
        {"action": "person.duplicate_flag", "subject_person_id": subject, "object_type": "person_duplicate_flag",
         "object_id": flag_id, "details": {"person_a_id": a, "person_b_id": b, "reason": NEAR_DUPLICATE}}
        for flag_id, (subject, a, b) in zip(ids, pairs, strict=True)])
    return flags


def _rrn_state(valid: ValidRecord) -> str:
    return "stored" if valid.rrn else ("refused" if valid.rrn_refused else "absent")


_OPTIONAL_VALUES = operator.attrgetter(*OPTIONAL_COLUMNS)


def _optional_set(valid: ValidRecord) -> frozenset[str]:
    given = map(operator.is_not, _OPTIONAL_VALUES(valid.record), itertools.repeat(None))
    return frozenset(itertools.compress(OPTIONAL_COLUMNS, given))


@functools.cache
def _created_fields(optional: frozenset[str]) -> tuple[str, ...]:
    """The fields a new person's audit entry names: sorted once for each set of optional ones."""
    return tuple(sorted({"name", *FORMAT_COLUMNS} | optional))


def _row_values(valid: ValidRecord) -> dict[str, Any]:
    record = valid.record
    values = valid.format_fields()
    values["birth_date"] = record.birth_date
    values.update(name=record.name, phone=record.phone, address_detail=record.address_detail,
                  household_id=record.household_id)
    return values


def _insert(session: Session, valid: ValidRecord, *, keyring: KeyRing, program: str) -> Person:
    now = clock.now()
    person = Person(**_row_values(valid), created_at=now, updated_at=now)
    session.add(person)
    session.flush()
    if valid.rrn is not None:
        store_rrn(person, valid.rrn, keyring=keyring, program=program)
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


def store_rrn(person: Person, number: Rrn, *, keyring: KeyRing, program: str) -> None:
    person.rrn_token = encrypt_rrn(number, keyring, context=rrn_context(person.id))
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
        store_rrn(person, valid.rrn, keyring=keyring, program=program)  # moved to current keys
    if changed:
        person.updated_at = clock.now()
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
                             status=FlagStatus.OPEN.value, created_at=clock.now())
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
                          created_at=clock.now())
    session.add(household)
    session.flush()
    for member in [*people, *([head] if head else [])]:
        member.household_id = household.id
    audit.record(session, actor, "household.create", object_type="household",
                 object_id=household.id, details={"head_person_id": head.id if head else None,
                                                  "members": sorted(m.id for m in people)})
    return household


# --- reading --------------------------------------------------------------------------------


def get_person(session: Session, person_id: int, scope: Scope = SYSTEM) -> Person | None:
    """Load a person by id, without an audit entry: for services (eligibility, selection) that
    use the record themselves. A staff read shown on screen goes through ``read_person``. None
    also when the person is outside ``scope``: to the caller they do not exist."""
    return scope.get(session, Kind.PERSON, person_id)


def registered_name(session: Session, person_id: int) -> str | None:
    """The registry's name of the person, None when no person has this id: the name a linked
    citizen's account goes by, and whether there is a person to link one to (``accounts.needs``)."""
    person = session.get(Person, person_id)
    return person.name if person is not None else None


def read_person(session: Session, person_id: int, *, actor: audit.Actor,
                personal: bool = False, scope: Scope = SYSTEM) -> PersonView | None:
    """A staff member reads one person within their scope: the masked view (contact and address
    with ``personal``), audited as ``person.read``."""
    person = get_person(session, person_id, scope)
    if person is None:
        return None
    view = masked_view(person, personal=personal)
    audit.record(session, actor, "person.read", subject_person_id=person.id, object_type="person",
                 object_id=person.id, details={"fields": view.shown_fields()})
    return view


def person_format(person: Person | SimpleNamespace, **fields: Any) -> population.Person:
    """The person as the rules engine reads it (``ilja.rules.population.Person``), id = registry id;
    ``fields`` stand in for stored values (e.g. the training history with Ilja's own courses)."""
    return population.Person.model_validate({
        "id": str(person.id), **{name: getattr(person, name) for name in FORMAT_COLUMNS}, **fields})


def search_query(q: str | None, district: str | None, scope: Scope = SYSTEM) -> Select[Any]:
    """Conditions as bound parameters; LIKE wildcards in the query are escaped. Only people
    within ``scope``: a search outside it finds nothing."""
    query = select(Person).where(scope.where(Kind.PERSON))
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
                  limit: int = 50, offset: int = 0, scope: Scope = SYSTEM) -> tuple[list[Person], int]:
    """People by name (part), phone (digits, part) or birth date (YYYY-MM-DD or YYYYMMDD), in a
    district (시군구 name); with the total count. Callers show ``masked_view`` and audit the
    listing with ``audit_search``."""
    query = search_query(q, district, scope)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(paging.window(query.order_by(Person.name, Person.id), limit,
                                         offset)).scalars().all()
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
    email: str | None
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
        return shown + ["name", "phone", "address_detail", "email"] if self.personal else shown


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
        email=person.email if personal else None,
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


def update_own_contact(session: Session, person_id: int, *, actor: audit.Actor, scope: Scope,
                       phone: str | None, email: str | None,
                       address_detail: str | None) -> list[str]:
    """A citizen changes their own phone, e-mail and detailed address (내 정보 수정), checked by
    ``people.contact`` and audited as ``person.update`` with the names of the fields that changed,
    never their values. Returns those names (none: nothing written, nothing audited). Raises
    ``RecordInvalid`` naming every bad field, and ``person_unknown`` for anyone outside
    ``scope`` (a citizen's scope is themselves)."""
    require_permission(actor, Permission.PROFILE_EDIT_OWN)
    person = get_person(session, person_id, scope)
    if person is None:
        raise RegistryError("person_unknown", "No such person.", "해당 대상자가 없습니다.")
    values, problems = check_contact(phone=phone, email=email, address_detail=address_detail)
    if problems:
        raise RecordInvalid(problems)
    changed = sorted(name for name, value in values.items() if getattr(person, name) != value)
    if not changed:
        return []
    for name in changed:
        setattr(person, name, values[name])
    person.updated_at = clock.now()
    audit.record(session, actor, "person.update", subject_person_id=person.id,
                 object_type="person", object_id=person.id,
                 details={"via": "own_profile", "fields": changed})
    return changed


CORRECTABLE_FIELDS = ("name", "phone", "email", "address_detail")
MAX_NAME = 100  # persons.name


def correct_fields(session: Session, person_id: int, values: Mapping[str, str], *, actor: audit.Actor,
                   scope: Scope, via: str) -> list[str]:
    """Staff correct fields of a person's record at the person's request (개인정보 보호법 §36),
    checked as on 내 정보 수정 (the name: not empty, at most 100 characters) and audited as
    ``person.update`` with the field names and ``via`` (the request), never the values. Returns
    the fields that changed."""
    require_permission(actor, Permission.PEOPLE_EDIT)
    person = get_person(session, person_id, scope)
    if person is None:
        raise RegistryError("person_unknown", "No such person.", "해당 대상자가 없습니다.")
    unknown = sorted(set(values) - set(CORRECTABLE_FIELDS))
    if unknown:
        raise RegistryError("field_not_correctable", f"Not a correctable field: {', '.join(unknown)}.",
                            f"여기서 정정할 수 없는 항목입니다: {', '.join(unknown)}.")
    contact = {name: values.get(name, getattr(person, name)) for name in ("phone", "email", "address_detail")}
    checked, problems = check_contact(**contact)
    if "name" in values:
        name = unicodedata.normalize("NFC", values["name"]).strip()
        if not name or len(name) > MAX_NAME:
            problems.append(Problem("name", "name_invalid", f"Name: 1 to {MAX_NAME} characters.",
                                    f"이름: 1~{MAX_NAME}자로 적어 주세요."))
        checked["name"] = name
    if problems:
        raise RecordInvalid(problems)
    changed = sorted(name for name in values if getattr(person, name) != checked[name])
    for name in changed:
        setattr(person, name, checked[name])
    if changed:
        person.updated_at = clock.now()
        audit.record(session, actor, "person.update", subject_person_id=person.id, object_type="person",
                     object_id=person.id, details={"via": via, "fields": changed})
    return changed


def checked_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if len(text) < MIN_REASON_LENGTH:
        raise RegistryError("reason_required", "Give the reason for this access (at least "
                            f"{MIN_REASON_LENGTH} characters).",
                            f"조회·내려받기 사유를 {MIN_REASON_LENGTH}자 이상 입력하세요.")
    if (code := text_problem(text)) is not None:  # the pages post the reason without a schema
        en, ko = TEXT_PROBLEMS[code]
        raise RegistryError(code, f"Reason: {en}.", f"사유: {ko}.")
    return text[:500]


def require_permission(actor: audit.Actor, permission: Permission) -> None:
    role = {r.value: r for r in Role}.get(actor.role)
    if role is None or not has_permission(role, permission):
        raise PermissionDenied(permission)


def reveal_rrn(session: Session, person: Person, *, actor: audit.Actor, reason: str,
               keyring: KeyRing) -> str:
    """The full ``YYMMDD-GNNNNNN``, for a role holding people.read_rrn, with a reason; audited as
    ``person.read_rrn`` (개인정보 보호법 §24-2, 안전성 확보조치 기준 §8)."""
    require_permission(actor, Permission.PEOPLE_READ_RRN)
    text = checked_reason(reason)
    if person.rrn_token is None:
        raise RegistryError("rrn_absent", "No resident registration number is stored for this "
                            "person.", "이 대상자의 주민등록번호는 저장되어 있지 않습니다.")
    number = decrypt_rrn(person.rrn_token, keyring, context=rrn_context(person.id))
    audit.record(session, actor, "person.read_rrn", subject_person_id=person.id,
                 object_type="person", object_id=person.id, reason=text,
                 details={"fields": ["rrn"]})
    return number.formatted


def delete_person_rrn(session: Session, person: Person, *, actor: audit.Actor, reason: str) -> None:
    """Erase a stored RRN (e.g. its legal basis lapsed), keeping the person; audited."""
    require_permission(actor, Permission.PEOPLE_EDIT)
    text = checked_reason(reason)
    person.rrn_token = person.rrn_index = person.rrn_masked = person.rrn_basis = None
    person.updated_at = clock.now()
    audit.record(session, actor, "person.rrn_erase", subject_person_id=person.id,
                 object_type="person", object_id=person.id, reason=text, details={"fields": ["rrn"]})


__all__ = [
    "PersonView", "RecordInvalid", "Registration", "RegistryError", "audit_search",
    "checked_reason", "correct_fields", "create_household", "delete_person_rrn", "find_by_rrn", "get_person",
    "masked_view", "own_view", "person_format", "read_person", "register_person",
    "register_people", "require_permission", "reveal_rrn", "rrn_context", "search_people", "search_query",
    "store_rrn", "update_own_contact", "validate_record",
]
