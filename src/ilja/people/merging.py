"""Possible duplicate persons: the flags registration raises, and resolving them — merge the
two records (every reference moved to the one kept) or dismiss the flag; audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ilja import clock, paging
from ilja.accounts import audit
from ilja.accounts.roles import Permission
from ilja.db import Base
from ilja.people.models import DuplicateFlag, FlagStatus, Person
from ilja.people.records import RegistryError
from ilja.people.registry import OPTIONAL_COLUMNS, require_permission, rrn_context, store_rrn
from ilja.people.rrn import KeyRing, decrypt_rrn
from ilja.rules import population


def list_duplicate_flags(session: Session, *, status: str | None = FlagStatus.OPEN.value,
                         limit: int = 100, offset: int = 0) -> tuple[list[DuplicateFlag], int]:
    query = select(DuplicateFlag)
    if status:
        query = query.where(DuplicateFlag.status == status)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(paging.window(query.order_by(DuplicateFlag.id), limit,
                                         offset)).scalars().all()
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
    require_permission(actor, Permission.PEOPLE_MERGE)
    flag = session.get(DuplicateFlag, flag_id, with_for_update=True)
    if flag is None:
        raise RegistryError("flag_unknown", "No such duplicate flag.", "해당 중복 의심 건이 없습니다.")
    if flag.status != FlagStatus.OPEN.value:
        raise RegistryError("flag_resolved", "This flag has already been resolved.",
                            "이미 처리된 중복 의심 건입니다.")
    if decision == "dismiss":
        flag.status = FlagStatus.DISMISSED.value
        flag.resolved_by, flag.resolved_at = actor.id, clock.now()
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
    _refuse_two_citizen_accounts(session, first.id, second.id)
    kept, dropped = sorted((first, second), key=lambda p: (p.created_at, p.id))
    filled = _merge_into(session, kept, dropped, keyring=keyring)
    dropped_id = dropped.id
    _move_flags(session, kept.id, dropped_id, resolving=flag.id)
    flag.person_a_id, flag.person_b_id, flag.merged_person_id = kept.id, None, dropped_id
    flag.status = FlagStatus.CONFIRMED.value
    flag.resolved_by, flag.resolved_at = actor.id, clock.now()
    session.flush()
    session.delete(dropped)
    session.flush()
    audit.record(session, actor, "person.merge", subject_person_id=kept.id, object_type="person",
                 object_id=kept.id, details={"merged_person_id": dropped_id, "flag_id": flag.id,
                                             "fields_filled": filled})
    return flag


def _refuse_two_citizen_accounts(session: Session, *person_ids: int) -> None:
    """A person has at most one citizen account: two records that each have one are not merged
    until an administrator has deactivated and unlinked one of them."""
    users = Base.metadata.tables.get("users")
    if users is None or "person_id" not in users.c:
        return
    linked = session.execute(select(func.count()).select_from(users)
                             .where(users.c.person_id.in_(person_ids))).scalar_one()
    if linked > 1:
        raise RegistryError("accounts_both",
                            "Both records have a citizen account: an administrator must unlink one "
                            "before they are merged.",
                            "두 기록 모두 시민 계정이 연결되어 있습니다. 관리자가 한 계정의 연결을 "
                            "해제한 뒤 병합하세요.")


def _merge_into(session: Session, kept: Person, dropped: Person, *, keyring: KeyRing) -> list[str]:
    if kept.rrn_token and dropped.rrn_token and (
            decrypt_rrn(kept.rrn_token, keyring, context=rrn_context(kept.id)).digits
            != decrypt_rrn(dropped.rrn_token, keyring, context=rrn_context(dropped.id)).digits):
        raise RegistryError("merge_rrn_conflict",
                            "The two records hold different resident registration numbers: "
                            "they are two people.",
                            "두 기록의 주민등록번호가 달라 같은 사람으로 병합할 수 없습니다.")
    filled = []
    if dropped.rrn_token and not kept.rrn_token:
        number = decrypt_rrn(dropped.rrn_token, keyring, context=rrn_context(dropped.id))
        basis = dropped.rrn_basis or ""
        dropped.rrn_token = dropped.rrn_index = dropped.rrn_masked = None
        session.flush()  # free the unique blind index before the kept row takes it
        store_rrn(kept, number, keyring=keyring, program=basis)
        filled.append("rrn")
    for name in (*OPTIONAL_COLUMNS, "email"):  # the e-mail comes from 내 정보, not an intake
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
    kept.updated_at = clock.now()
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
