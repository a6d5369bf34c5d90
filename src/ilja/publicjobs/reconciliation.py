"""Reconciling a program's pay for a year: every payroll run's net total split by what its
payments became (paid, in flight, waiting, not sent), each line without its payment or paid a
different amount listed as a difference, and the runs' charged total against the budget's paid
figure. It reads both the payroll runs (``payroll_service``) and the payments
(``payment_service``), so it sits above both."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja.publicjobs.models import PayLine, PayrollRun
from ilja.publicjobs.payment_models import Payment
from ilja.publicjobs.payments import Status
from ilja.publicjobs.payroll_service import budget_status


@dataclass(frozen=True)
class Difference:
    run_id: int | None
    line_id: int | None
    payment_id: int | None
    ko: str
    en: str


@dataclass(frozen=True)
class Reconciliation:
    """A program's year: what the runs charged, where every won of net pay is, and the budget."""

    program: str
    year: int
    budget: int
    charged: int  # gross + carried corrections of the runs (what the budget counts as paid)
    deductions: int  # withheld from pay (insurance, taxes)
    net: int  # the runs' net total
    paid: int  # credited by the bank
    in_flight: int  # in a transfer file, no result yet
    waiting: int  # refused by the bank or reissued, not yet paid
    not_sent: int  # scheduled, in no transfer file yet
    no_transfer: int  # lines with nothing to transfer (net ≤ 0)
    differences: list[Difference]

    @property
    def unexplained(self) -> int:
        return len(self.differences)


def reconcile(session: Session, program: str, year: int) -> Reconciliation:
    """Every run's net total split by the payments' statuses, with each line that has no payment
    (though net > 0) or whose payment's amount is not its net listed as a difference; and the
    runs' charged total against the budget's paid figure (``payroll_service.budget_status``)."""
    in_year = (PayLine.month >= year * 100) & (PayLine.month <= year * 100 + 12) & (PayrollRun.program_code == program)
    lines = session.execute(select(
        PayLine.id, PayLine.run_id, PayLine.gross + PayLine.adjustment, PayLine.deductions_total, PayLine.net,
        Payment.id, Payment.amount, Payment.status).join(PayrollRun, PayrollRun.id == PayLine.run_id)
        .outerjoin(Payment, Payment.line_id == PayLine.id).where(in_year)).all()
    by_status = dict.fromkeys(("paid", "in_flight", "waiting", "not_sent"), 0)
    buckets = {Status.PAID: "paid", Status.SENT: "in_flight", Status.REJECTED: "waiting",
               Status.REISSUED: "waiting", Status.SCHEDULED: "not_sent"}
    charged = deductions = net = no_transfer = 0
    differences: list[Difference] = []
    for line_id, run_id, line_charged, line_deductions, line_net, payment_id, amount, status in lines:
        charged += line_charged
        deductions += line_deductions
        net += line_net
        if payment_id is None:
            if line_net > 0:
                differences.append(Difference(run_id, line_id, None, f"실지급액 {line_net:,}원에 지급 건이 없습니다.",
                                              f"net {line_net:,} has no payment"))
            else:
                no_transfer += line_net
            continue
        if amount != line_net:
            differences.append(Difference(run_id, line_id, payment_id,
                                          f"지급액 {amount:,}원이 실지급액 {line_net:,}원과 다릅니다.",
                                          f"payment {amount:,} differs from net {line_net:,}"))
        by_status[buckets[Status(status)]] += amount
    status = budget_status(session, program, year)
    if status.paid != charged:
        differences.append(Difference(None, None, None,
                                      f"예산 집행액 {status.paid:,}원이 급여 계산 합계 {charged:,}원과 다릅니다.",
                                      f"budget paid {status.paid:,} differs from the runs' {charged:,}"))
    return Reconciliation(program, year, status.budget, charged, deductions, net, by_status["paid"],
                          by_status["in_flight"], by_status["waiting"], by_status["not_sent"], no_transfer,
                          differences)


def summary_json(reconciliation: Reconciliation) -> str:
    """The reconciliation as JSON (the CLI's ``--format json``)."""
    data = {k: v for k, v in vars(reconciliation).items() if k != "differences"}
    data["differences"] = [vars(d) for d in reconciliation.differences]
    data["unexplained"] = reconciliation.unexplained
    return json.dumps(data, ensure_ascii=False, indent=2)
