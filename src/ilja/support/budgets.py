"""The budgets support payments draw on (one per kind of support and year).

Approving a payment commits its amount with one conditional UPDATE (``committed + amount <=
amount``), so concurrent approvals can never overspend; paying moves it to ``paid``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.support.errors import BudgetExceeded, Invalid, NotFound
from ilja.support.models import SupportBudget

KINDS = ("certification_fee", "training_subsidy")


def now() -> dt.datetime:
    return clock.now()


def set_budget(session: Session, *, kind: str, year: int, amount_won: int, source: str,
               actor: audit.Actor) -> SupportBudget:
    """Create or change a year's budget; never below what is already committed."""
    if kind not in KINDS:
        raise Invalid(f"예산 종류는 {', '.join(KINDS)} 중 하나입니다.", f"kind is one of {', '.join(KINDS)}",
                      field="kind")
    if amount_won < 0:
        raise Invalid("예산은 0원 이상입니다.", "The amount is not negative.", field="amount_won")
    if not source.strip():
        raise Invalid("예산의 근거를 적어 주세요.", "Say where the budget figure comes from.", field="source")
    row = find_budget(session, kind, year)
    if row is None:
        row = SupportBudget(kind=kind, year=year, amount_won=0, committed_won=0, paid_won=0, source="",
                            updated_at=now())
        session.add(row)
    elif amount_won < row.committed_won:
        raise Invalid(f"이미 승인된 {row.committed_won:,}원보다 적게 정할 수 없습니다.",
                      f"Cannot go below the {row.committed_won:,} won already committed.", field="amount_won")
    row.amount_won, row.source, row.updated_at = amount_won, source.strip(), now()
    session.flush()
    audit.record(session, actor, "support.budget.set", object_type="support_budget", object_id=row.id,
                 details={"kind": kind, "year": year, "amount_won": amount_won})
    return row


def find_budget(session: Session, kind: str, year: int) -> SupportBudget | None:
    return session.execute(select(SupportBudget).where(SupportBudget.kind == kind,
                                                       SupportBudget.year == year)).scalar_one_or_none()


def budgets(session: Session, kind: str | None = None) -> list[SupportBudget]:
    query = select(SupportBudget).order_by(SupportBudget.kind, SupportBudget.year)
    if kind:
        query = query.where(SupportBudget.kind == kind)
    return list(session.scalars(query))


def commit(session: Session, kind: str, year: int, amount_won: int) -> SupportBudget:
    """Hold ``amount_won`` of the year's budget, or refuse when it would overspend."""
    row = find_budget(session, kind, year)
    if row is None:
        raise NotFound("budget", f"{kind}/{year}")
    taken = session.execute(
        update(SupportBudget)
        .where(SupportBudget.id == row.id,
               SupportBudget.committed_won + amount_won <= SupportBudget.amount_won)
        .values(committed_won=SupportBudget.committed_won + amount_won, updated_at=now())
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(row)
    if taken != 1:
        raise BudgetExceeded(kind, year, row.amount_won - row.committed_won, amount_won)
    return row


def pay(session: Session, budget_id: int, amount_won: int) -> None:
    session.execute(update(SupportBudget).where(SupportBudget.id == budget_id)
                    .values(paid_won=SupportBudget.paid_won + amount_won, updated_at=now())
                    .execution_options(synchronize_session=False))
