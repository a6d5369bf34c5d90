"""Training subsidies for employment-vulnerable youth: the company social-contribution programs
that fund them, grants (who qualifies, checked and stamped), the online course's monthly
progress, and the monthly payment run (attendance from training, or the online progress).

A grant commits its whole schedule (months × monthly amount) on the funding program with one
conditional UPDATE, so concurrent grants never exceed the program's budget. The payment run is
idempotent: a grant-month is written once (``UNIQUE(grant_id, month)``)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.people import registry
from ilja.rules.parameters import default_tree
from ilja.support.budgets import now
from ilja.support.errors import BudgetExceeded, Conflict, Invalid, NotFound, Refused
from ilja.support.errors import required_text as _text
from ilja.support.models import CsrProgram, SubsidyGrant, SubsidyPayment, SubsidyProgress
from ilja.support.subsidy import month_payment, qualification_refusals, schedule, uses_on
from ilja.training import progress
from ilja.training import service as training
from ilja.training.attendance import summarise_one
from ilja.training.dropout import DropoutRules
from ilja.training.errors import NotFound as TrainingNotFound


def add_program(session: Session, *, code: str, company: str, name: str, budget_won: int, starts_on: dt.date,
                ends_on: dt.date, organisation_id: int | None = None, actor: audit.Actor) -> CsrProgram:
    code = _text(code, "code")
    if budget_won < 0:
        raise Invalid("예산은 0원 이상입니다.", "The budget is not negative.", field="budget_won")
    if ends_on < starts_on:
        raise Invalid("종료일이 시작일보다 빠릅니다.", "The program ends before it starts.", field="ends_on")
    if session.execute(select(CsrProgram.id).where(CsrProgram.code == code)).first():
        raise Conflict(f"프로그램 코드 {code}가 이미 있습니다.", f"Program {code} exists.", field="code")
    row = CsrProgram(code=code, company=_text(company, "company"), name=_text(name, "name"),
                     organisation_id=organisation_id, budget_won=budget_won, committed_won=0, paid_won=0,
                     starts_on=starts_on, ends_on=ends_on, created_at=now())
    audit.created(session, actor, row, "support.csr_program.add", object_type="csr_program",
                  details={"budget_won": budget_won})
    return row


def programs(session: Session) -> list[CsrProgram]:
    return list(session.scalars(select(CsrProgram).order_by(CsrProgram.starts_on.desc(), CsrProgram.code)))


def get_program(session: Session, program_id: int) -> CsrProgram:
    row = session.get(CsrProgram, program_id)
    if row is None:
        raise NotFound("program", program_id)
    return row


def _commit(session: Session, program: CsrProgram, amount: int) -> None:
    taken = session.execute(
        update(CsrProgram).where(CsrProgram.id == program.id,
                                 CsrProgram.committed_won + amount <= CsrProgram.budget_won)
        .values(committed_won=CsrProgram.committed_won + amount)
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(program)
    if taken != 1:
        raise BudgetExceeded(program.code, program.starts_on.year, program.budget_won - program.committed_won, amount)


def check(session: Session, person_id: int, on: dt.date, scope: Scope = SYSTEM) -> list[str]:
    """Why the person does not qualify on ``on`` (empty: they do); not found outside ``scope``."""
    person = registry.get_person(session, person_id, scope)
    if person is None:
        raise NotFound("person", person_id)
    active = session.execute(select(SubsidyGrant.id).where(SubsidyGrant.person_id == person_id,
                                                           SubsidyGrant.status == "active")).first()
    return [r.value for r in qualification_refusals(
        birth_date=person.birth_date, groups=person.vulnerable_groups or [], has_active_grant=active is not None,
        on=on, uses=uses_on(on))]


def grant(session: Session, *, person_id: int, program_id: int, starts_on: dt.date, course_label: str,
          enrolment_id: int | None = None, months: int | None = None, actor: audit.Actor,
          scope: Scope = SYSTEM) -> SubsidyGrant:
    """Grant the subsidy when the person qualifies and the program's budget holds the schedule."""
    program = get_program(session, program_id)
    if not program.starts_on <= starts_on <= program.ends_on:
        raise Invalid("지원 프로그램 기간 밖입니다.", "The start is outside the funding program's period.",
                      field="starts_on")
    refusals = check(session, person_id, starts_on, scope)
    if refusals:
        raise Refused(refusals)
    uses = uses_on(starts_on)
    longest = int(uses["max_months"].value)
    months = longest if months is None else months
    if not 1 <= months <= longest:
        raise Invalid(f"지급 개월은 1~{longest}개월입니다.", f"months is 1 to {longest}", field="months")
    monthly = int(uses["monthly_amount_won"].value)
    if enrolment_id is not None:
        try:
            if training.get_enrolment(session, enrolment_id).person_id != person_id:
                raise Invalid("다른 사람의 교육 이력입니다.", "The enrolment is another person's.",
                              field="enrolment_id")
        except TrainingNotFound:
            raise NotFound("enrolment", enrolment_id) from None
    _commit(session, program, monthly * months)
    row = SubsidyGrant(person_id=person_id, program_id=program.id, enrolment_id=enrolment_id,
                       course_label=_text(course_label, "course_label"), starts_on=starts_on, months=months,
                       monthly_amount_won=monthly, status="active", created_at=now(), created_by=actor.id,
                       eligibility={"refusals": [], "parameters": [u.as_dict() for u in uses.values()],
                                    "version": default_tree().version()})
    audit.created(session, actor, row, "support.subsidy.grant", object_type="subsidy_grant",
                  subject_person_id=person_id,
                  details={"program_id": program.id, "months": months, "monthly_won": monthly})
    return row


def grants(session: Session, *, program_id: int | None = None, scope: Scope = SYSTEM) -> list[SubsidyGrant]:
    query = select(SubsidyGrant).where(scope.where(Kind.SUBSIDY_GRANT)).order_by(SubsidyGrant.starts_on.desc(),
                                                                                 SubsidyGrant.id.desc())
    if program_id is not None:
        query = query.where(SubsidyGrant.program_id == program_id)
    return list(session.scalars(query))


def grants_of(session: Session, person_id: int) -> list[tuple[SubsidyGrant, list[SubsidyPayment]]]:
    found = []
    for row in session.scalars(select(SubsidyGrant).where(SubsidyGrant.person_id == person_id)
                               .order_by(SubsidyGrant.starts_on)):
        found.append((row, list(session.scalars(select(SubsidyPayment).where(SubsidyPayment.grant_id == row.id)
                                                .order_by(SubsidyPayment.month)))))
    return found


def record_progress(session: Session, *, grant_id: int, month: str, progress_milli: int,
                    actor: audit.Actor, scope: Scope = SYSTEM) -> SubsidyProgress:
    """The online course's learning progress for a month (0–1000 per mille)."""
    row_grant = scope.get(session, Kind.SUBSIDY_GRANT, grant_id)
    if row_grant is None:
        raise NotFound("grant", grant_id)
    if month not in schedule(row_grant.starts_on, row_grant.months):
        raise Invalid("지원 기간의 달이 아닙니다.", "The month is outside the grant's schedule.", field="month")
    if not 0 <= progress_milli <= 1000:
        raise Invalid("진도율은 0~1000(‰)입니다.", "progress_milli is 0 to 1000", field="progress_milli")
    row = session.execute(select(SubsidyProgress).where(SubsidyProgress.grant_id == grant_id,
                                                        SubsidyProgress.month == month)).scalar_one_or_none()
    if row is None:
        row = SubsidyProgress(grant_id=grant_id, month=month, progress_milli=progress_milli, recorded_by=actor.id)
        session.add(row)
    row.progress_milli, row.recorded_by = progress_milli, actor.id
    session.flush()
    audit.record(session, actor, "support.subsidy.progress", subject_person_id=row_grant.person_id,
                 object_type="subsidy_grant", object_id=grant_id, details={"month": month})
    return row


def attendance_milli(session: Session, row: SubsidyGrant, month: str) -> int | None:
    """The month's attendance per mille: classroom marks from training, else the online progress."""
    if row.enrolment_id is not None:
        enrolment = training.get_enrolment(session, row.enrolment_id)
        cohort = training.get_cohort(session, enrolment.cohort_id)
        marks = [m for d, m in progress.attendance_of(session, enrolment.id) if d.isoformat()[:7] == month]
        if not marks:
            return None
        rate = summarise_one(marks, DropoutRules.at(cohort.starts_on).attendance).rate
        return math.floor(rate * 1000)
    return session.execute(select(SubsidyProgress.progress_milli).where(
        SubsidyProgress.grant_id == row.id, SubsidyProgress.month == month)).scalar()


@dataclass
class RunResult:
    month: str
    paid: int = 0
    withheld: int = 0
    amount_won: int = 0
    skipped: int = 0  # grant-months already run
    awaiting: int = 0  # grant-months without any attendance record yet: a later run decides them


def run_month(session: Session, *, month: str, run_on: dt.date, actor: audit.Actor) -> RunResult:
    """Pay every active grant for ``month`` (YYYY-MM) once: in full when attendance reaches the bar;
    a grant-month without any attendance record is left for a later run, never withheld for it."""
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise Invalid("달을 YYYY-MM으로 입력해 주세요.", "month is YYYY-MM", field="month") from None
    result = RunResult(month)
    uses = uses_on(first)
    done = set(session.scalars(select(SubsidyPayment.grant_id).where(SubsidyPayment.month == month)))
    for row in session.scalars(select(SubsidyGrant).where(SubsidyGrant.status == "active")).all():
        months = schedule(row.starts_on, row.months)
        if month not in months:
            continue
        if row.id in done:
            result.skipped += 1
            continue
        share = attendance_milli(session, row, month)
        if share is None:  # no record is not an absence: the month waits for its record
            result.awaiting += 1
            continue
        amount, reason = month_payment(share, row.monthly_amount_won, uses)
        session.add(SubsidyPayment(grant_id=row.id, month=month, attendance_milli=share, amount_won=amount,
                                   status="paid" if amount else "withheld", reason=reason, run_on=run_on))
        if amount:
            result.paid, result.amount_won = result.paid + 1, result.amount_won + amount
            session.execute(update(CsrProgram).where(CsrProgram.id == row.program_id)
                            .values(paid_won=CsrProgram.paid_won + amount)
                            .execution_options(synchronize_session=False))
        else:
            result.withheld += 1
        if month == months[-1]:
            row.status = "ended"
    session.flush()
    audit.record(session, actor, "support.subsidy.run", object_type="subsidy_month", object_id=month,
                 details={"paid": result.paid, "withheld": result.withheld, "amount_won": result.amount_won})
    return result
