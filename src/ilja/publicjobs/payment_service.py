"""The payment loop in the database: schedule, send in transfer files, import the bank's results,
correct accounts, reissue — each in the caller's one transaction, audited.

Every step that moves payments takes the loop's turn first (``_take_turn``: a PostgreSQL
transaction lock; SQLite writers already take turns), so two imports of the same result file, or
two transfer files written at once, cannot both move a payment: the second sees the first's work.
Moves follow ``payments.MOVES``; each is a ``PaymentEvent``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Integer,
    and_,
    any_,
    bindparam,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.people.keys import get_keyring
from ilja.people.rrn import decrypt_value, encrypt_value, token_key_id
from ilja.publicjobs import payments
from ilja.publicjobs.bank_results import Problem, ResultFileRefused, read_results
from ilja.publicjobs.models import PayLine, PayrollRun, Placement, Project
from ilja.publicjobs.payment_models import PayAccount, Payment, PaymentEvent, PaymentTransfer
from ilja.publicjobs.payments import Event, Status
from ilja.publicjobs.service import NotFound, PublicJobError
from ilja.rules.parameters import ParameterTree, default_tree

ACCOUNT_PURPOSE = "pay_account"
BANKS = {
    "002": "KDB산업은행", "003": "IBK기업은행", "004": "KB국민은행", "007": "수협은행", "011": "NH농협은행",
    "020": "우리은행", "023": "SC제일은행", "027": "한국씨티은행", "031": "iM뱅크(대구)", "032": "부산은행",
    "034": "광주은행", "035": "제주은행", "037": "전북은행", "039": "경남은행", "045": "새마을금고",
    "048": "신협", "071": "우체국", "081": "하나은행", "088": "신한은행", "089": "케이뱅크",
    "090": "카카오뱅크", "092": "토스뱅크",
}
_CHUNK = 5000


def account_context(account_id: int) -> str:
    """What an account's tokens are bound to: its own row."""
    return f"pay_account:{account_id}"


def _take_turn(session: Session) -> None:
    """Wait for any other transaction moving payments (PostgreSQL; SQLite writers take turns)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    name = int.from_bytes(hashlib.sha256(b"ilja.payments").digest()[:8], "big", signed=True)
    session.execute(select(func.pg_advisory_xact_lock(bindparam("name", name, type_=BigInteger))))


def _seoul_date(instant: dt.datetime) -> dt.date:
    return instant.astimezone(clock.SEOUL).date()


def _among(session: Session, column, ids: list[int]) -> list:
    """Conditions ``column IN ids``, one per chunk; on PostgreSQL one array parameter
    (``= ANY``), so 16,000 ids are one bound value instead of 16,000 rendered ones."""
    if session.get_bind().dialect.name == "postgresql":
        return [column == any_(bindparam("ids", ids, type_=ARRAY(Integer)))]
    return [column.in_(ids[start:start + _CHUNK]) for start in range(0, len(ids), _CHUNK)]


@lru_cache(maxsize=4096)
def _due(tree: ParameterTree, program: str, month: int, left_on: dt.date | None) -> dt.date:
    return payments.due_date(tree, program, month, left_on)


def schedule_run(session: Session, run_id: int, tree: ParameterTree | None = None) -> int:
    """A scheduled payment for every line of the run with something to transfer (net > 0) that
    has none yet; returns how many were made. Safe to repeat.

    Every line of a run is of one program and month, so all but the leavers share a due date:
    their payments are made by one INSERT … SELECT; a leaver's (§36) is computed one by one."""
    tree = tree or default_tree()
    run = session.get(PayrollRun, run_id)
    if run is None:
        return 0
    year, number = divmod(run.month, 100)
    last = dt.date(year, number, calendar.monthrange(year, number)[1])
    now = clock.now()
    before = session.scalar(select(func.max(Payment.id))) or 0
    due = (PayLine.run_id == run_id) & (PayLine.net > 0) & PayLine.id.not_in(
        select(Payment.line_id).where(Payment.run_id == run_id))
    columns = ["line_id", "run_id", "placement_id", "project_id", "person_id", "program_code", "month", "amount",
               "status", "attempt", "due_on", "updated_at"]

    def payments_of(condition, due_on) -> Any:
        return select(PayLine.id, PayLine.run_id, PayLine.placement_id, Placement.project_id, PayLine.person_id,
                      Placement.program_code, PayLine.month, PayLine.net, literal(Status.SCHEDULED.value),
                      literal(0), due_on, literal(now, type_=Payment.updated_at.type)).join(
            Placement, Placement.id == PayLine.placement_id).where(due, condition)

    regular = literal(_due(tree, run.program_code, run.month, None), type_=Payment.due_on.type)
    session.execute(insert(Payment).from_select(columns, payments_of(Placement.end_on > last, regular)))
    for line_id, end_on in session.execute(select(PayLine.id, Placement.end_on).join(
            Placement, Placement.id == PayLine.placement_id).where(due, Placement.end_on <= last)).all():
        on = literal(_due(tree, run.program_code, run.month, end_on), type_=Payment.due_on.type)
        session.execute(insert(Payment).from_select(columns, payments_of(PayLine.id == line_id, on)))
    made = session.execute(insert(PaymentEvent).from_select(
        ["payment_id", "status", "attempt", "at"],
        select(Payment.id, Payment.status, Payment.attempt, literal(now, type_=PaymentEvent.at.type))
        .where(Payment.run_id == run_id, Payment.id > before))).rowcount
    return made


class NothingToSend(PublicJobError):
    def __init__(self) -> None:
        super().__init__("이체 파일에 넣을 지급이 없습니다 (모두 이미 이체 파일에 있거나, 계좌 정정을 기다리는 중).",
                         "Nothing to send: every payment is already in a transfer file or waits for "
                         "a corrected account.")


@dataclass(frozen=True)
class TransferItem:
    """One row of a transfer file (``documents.transfer_rows``)."""

    reference: str
    placement_id: int
    person_id: int
    month: int
    amount: int
    account_id: int | None


def _latest_accounts() -> object:
    newest = select(PayAccount.person_id, func.max(PayAccount.id).label("id")).group_by(
        PayAccount.person_id).subquery()
    return newest


def write_transfer(session: Session, program: str, *, actor: audit.Actor, reason: str,
                   run_id: int | None = None, tree: ParameterTree | None = None) -> PaymentTransfer:
    """The next transfer file of ``program``: the run's payments not yet sent (with ``run_id``)
    and every reissued payment of the program, now sent. With a run whose payments were all sent
    already and nothing reissued, the run's latest transfer file again (the same rows, the same
    references: a repeated download sends nothing new). Raises ``NothingToSend`` otherwise."""
    if not reason.strip():
        raise PublicJobError("내려받는 사유를 입력하십시오.", "Say why you download the file")
    _take_turn(session)
    if run_id is not None:
        schedule_run(session, run_id, tree)
    wanted = (Payment.program_code == program) & or_(
        Payment.status == Status.REISSUED.value,
        and_(Payment.status == Status.SCHEDULED.value, Payment.run_id == run_id) if run_id is not None
        else literal(False))
    count, total = session.execute(select(func.count(), func.coalesce(func.sum(Payment.amount), 0)).where(wanted)).one()
    if not count:
        if run_id is not None:
            latest = session.scalar(select(PaymentTransfer).where(PaymentTransfer.run_id == run_id)
                                    .order_by(PaymentTransfer.id.desc()).limit(1))
            if latest is not None:
                audit.record(session, actor, "publicjobs.payments.transfer_again", object_type="publicjob_transfer",
                             object_id=latest.id, reason=reason.strip(), details={"payments": latest.payments})
                return latest
        raise NothingToSend()
    now = clock.now()
    transfer = PaymentTransfer(program_code=program, run_id=run_id, payments=count, total=int(total),
                               actor_id=actor.id, at=now)
    session.add(transfer)
    session.flush()
    latest = _latest_accounts()
    session.execute(update(Payment).where(wanted).values(
        status=Status.SENT.value, attempt=Payment.attempt + 1, transfer_id=transfer.id, updated_at=now,
        account_id=select(latest.c.id).where(latest.c.person_id == Payment.person_id).scalar_subquery()))
    session.execute(insert(PaymentEvent).from_select(
        ["payment_id", "status", "attempt", "transfer_id", "account_id", "actor_id", "at"],
        select(Payment.id, literal(Status.SENT.value), Payment.attempt, Payment.transfer_id, Payment.account_id,
               literal(actor.id), literal(now, type_=PaymentEvent.at.type)).where(Payment.transfer_id == transfer.id,
                                                                                  Payment.status == Status.SENT.value)))
    audit.record(session, actor, "publicjobs.payments.transfer", object_type="publicjob_transfer",
                 object_id=transfer.id, reason=reason.strip(),
                 details={"program": program, "run": run_id, "payments": count, "total": int(total)})
    return transfer


def transfer_items(session: Session, transfer_id: int) -> list[TransferItem]:
    """The rows of a transfer file as it was written (from the history, so a later resend of a
    payment does not change an earlier file)."""
    rows = session.execute(select(
        PaymentEvent.payment_id, PaymentEvent.attempt, PaymentEvent.account_id, Payment.placement_id,
        Payment.person_id, Payment.month, Payment.amount).join(Payment, Payment.id == PaymentEvent.payment_id).where(
        PaymentEvent.transfer_id == transfer_id, PaymentEvent.status == Status.SENT.value)
        .order_by(PaymentEvent.payment_id)).all()
    return [TransferItem(payments.reference(pid, attempt), placement, person, month, amount, account)
            for pid, attempt, account, placement, person, month, amount in rows]


def accounts_for_file(session: Session, items: Sequence[TransferItem]) -> dict[int, tuple[str, str]]:
    """The corrected accounts a transfer file names: account id → (bank code, number), decrypted."""
    ids = sorted({i.account_id for i in items if i.account_id is not None})
    if not ids:
        return {}
    keyring = get_keyring()
    return {a.id: (a.bank_code, decrypt_value(a.number_token, keyring, purpose=ACCOUNT_PURPOSE,
                                              context=account_context(a.id)).decode())
            for a in session.scalars(select(PayAccount).where(PayAccount.id.in_(ids)))}


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    paid: int
    rejected: int
    digest: str


def _problem(row: int, column: str, ko: str, en: str) -> Problem:
    return Problem(row, column, ko, en)


def import_results(session: Session, data: bytes, filename: str, *, actor: audit.Actor) -> ImportSummary:
    """Apply the bank's result file (layout: ``bank_results``) whole, or refuse it whole with
    every problem's row and reason (``ResultFileRefused``) and change nothing."""
    rows, problems = read_results(data, filename)
    _take_turn(session)
    ids = sorted({r.payment_id for r in rows})
    found: dict[int, tuple] = {}
    for among in _among(session, Payment.id, ids):
        for row in session.execute(select(
                Payment.id, Payment.status, Payment.attempt, Payment.amount, Payment.due_on, Payment.transfer_id,
                PaymentTransfer.at).outerjoin(PaymentTransfer, PaymentTransfer.id == Payment.transfer_id)
                .where(among)):
            found[row[0]] = row
    column = "지급참조번호"
    for r in rows:
        payment = found.get(r.payment_id)
        if payment is None or r.attempt > payment[2] or r.attempt < 1:
            problems.append(_problem(r.row, column, "이 지급참조번호의 지급이 없습니다.",
                                     "no payment has this reference"))
            continue
        _, status, attempt, amount, _, _, sent_at = payment
        if r.attempt < attempt:
            problems.append(_problem(r.row, column, f"이전 이체({r.attempt}차)의 참조번호입니다. "
                                     f"이 지급은 {attempt}차로 다시 보냈습니다.",
                                     f"the reference of an earlier transfer (attempt "
                                     f"{r.attempt}); the payment was sent again as attempt {attempt}"))
        elif status in payments.SETTLED:
            problems.append(_problem(r.row, column, "이미 결과가 반영된 지급입니다 (입금 또는 불능 처리됨).",
                                     f"this payment is already settled ({status})"))
        elif status != Status.SENT:
            problems.append(_problem(r.row, column, "아직 이체 파일로 보내지 않은 지급입니다.",
                                     "this payment has not been sent in a transfer file"))
        elif r.amount != amount:
            problems.append(_problem(r.row, "지급액(원)",
                                     f"지급액 {r.amount:,}원이 이체 파일의 {amount:,}원과 다릅니다.",
                                     f"amount {r.amount:,} differs from the transfer file's {amount:,}"))
        elif sent_at is not None and r.on < _seoul_date(sent_at):
            problems.append(_problem(r.row, "처리일자", "처리일자가 이체 파일을 만든 날보다 앞섭니다.",
                                     "the date is before the transfer file was written"))
    if problems:
        raise ResultFileRefused(sorted(problems, key=lambda p: (p.row, p.column)))
    now = clock.now()
    # The same change for many payments (a file has a few dates, reasons and due dates): one
    # UPDATE and one INSERT … SELECT of their history per change, however many rows.
    changes: dict[tuple, list[int]] = {}
    for r in rows:
        status, due_on = found[r.payment_id][1], found[r.payment_id][4]
        new = payments.next_status(status, Event.PAID if r.result is Status.PAID else Event.REJECT)
        late = payments.days_late(due_on, r.on) if new is Status.PAID else None
        key = (new.value, r.on, late, r.reason.value if r.reason else None, r.note)
        changes.setdefault(key, []).append(r.payment_id)
    at = literal(now, type_=PaymentEvent.at.type)
    for (status, on, late, reason, note), ids in changes.items():
        for chunk in _among(session, Payment.id, ids):
            session.execute(update(Payment).where(chunk).values(
                status=status, paid_on=on if status == Status.PAID else None, days_late=late,
                reject_reason=reason, updated_at=now))
            session.execute(insert(PaymentEvent).from_select(
                ["payment_id", "status", "attempt", "transfer_id", "bank_date", "reason", "note", "actor_id", "at"],
                select(Payment.id, Payment.status, Payment.attempt, Payment.transfer_id,
                       literal(on, type_=PaymentEvent.bank_date.type), literal(reason, type_=PaymentEvent.reason.type),
                       literal(note, type_=PaymentEvent.note.type), literal(actor.id, type_=PaymentEvent.actor_id.type),
                       at).where(chunk)))
    digest = hashlib.sha256(data).hexdigest()
    paid = sum(1 for r in rows if r.result is Status.PAID)
    audit.record(session, actor, "publicjobs.payments.results", object_type="file", object_id=digest[:32],
                 details={"rows": len(rows), "paid": paid, "rejected": len(rows) - paid})
    return ImportSummary(len(rows), paid, len(rows) - paid, digest)


class AccountInvalid(PublicJobError):
    def __init__(self, field: str, ko: str, en: str) -> None:
        super().__init__(ko, en)
        self.field = field


def check_account(bank_code: str, number: str, holder: str) -> tuple[str, str, str]:
    """The bank code, the number's digits and the holder, or ``AccountInvalid`` naming the field."""
    bank_code = bank_code.strip()
    if bank_code not in BANKS:
        raise AccountInvalid("bank_code", "은행을 목록에서 고르십시오.", "Choose the bank from the list")
    digits = "".join(c for c in number if c not in " -")
    if not digits.isdigit() or not 10 <= len(digits) <= 16:
        raise AccountInvalid("number", "계좌번호는 숫자 10~16자리입니다 (붙임표는 빼도 됩니다).",
                             "The account number is 10 to 16 digits (hyphens may be left out)")
    holder = holder.strip()
    if not 1 <= len(holder) <= 40:
        raise AccountInvalid("holder", "예금주 이름을 40자 이내로 입력하십시오.", "Enter the account holder's name "
                             "(up to 40 characters)")
    return bank_code, digits, holder


def reencrypt_accounts(session: Session, keyring) -> int:
    """Move every pay-account token to the active encryption key (``ilja keys rotate`` calls it in
    its transaction); returns how many changed."""
    changed = 0
    for account in session.scalars(select(PayAccount).order_by(PayAccount.id)):
        context = account_context(account.id)
        for column in ("number_token", "holder_token"):
            token = getattr(account, column)
            if token_key_id(token) != keyring.encryption.active:
                plain = decrypt_value(token, keyring, purpose=ACCOUNT_PURPOSE, context=context)
                setattr(account, column, encrypt_value(plain, keyring, purpose=ACCOUNT_PURPOSE, context=context))
                changed += 1
    session.flush()
    return changed


def waiting_of_person(session: Session, person_id: int) -> list[Payment]:
    """The person's payments refused by the bank (waiting for an account) or waiting to be resent."""
    return list(session.scalars(select(Payment).where(
        Payment.person_id == person_id, Payment.status.in_([Status.REJECTED.value, Status.REISSUED.value]))
        .order_by(Payment.id)))


def enter_account(session: Session, person_id: int, *, bank_code: str, number: str, holder: str,
                  actor: audit.Actor, by: str) -> tuple[PayAccount, int]:
    """Store a corrected account (encrypted) and reissue the person's rejected payments with it;
    returns the account and how many payments were reissued. Only a person with a payment the
    bank refused may be given one (so an account cannot be redirected without a reason)."""
    bank_code, digits, holder = check_account(bank_code, number, holder)
    _take_turn(session)
    waiting = waiting_of_person(session, person_id)
    if not waiting:
        raise PublicJobError("은행이 입금하지 못한 지급이 없어 계좌를 바꿀 수 없습니다.",
                             "No payment was refused by the bank, so no corrected account is needed")
    keyring, now = get_keyring(), clock.now()
    account = PayAccount(person_id=person_id, bank_code=bank_code, number_last4=digits[-4:], number_token="",
                         holder_token="", entered_by=by, actor_id=actor.id, created_at=now)
    session.add(account)
    session.flush()  # the tokens are bound to the row (a merge of two persons moves it intact)
    context = account_context(account.id)
    account.number_token = encrypt_value(digits.encode(), keyring, purpose=ACCOUNT_PURPOSE, context=context)
    account.holder_token = encrypt_value(holder.encode(), keyring, purpose=ACCOUNT_PURPOSE, context=context)
    for payment in waiting:
        payment.status = payments.next_status(payment.status, Event.CORRECT_ACCOUNT).value
        payment.account_id, payment.updated_at = account.id, now
        session.add(PaymentEvent(payment_id=payment.id, status=payment.status, attempt=payment.attempt,
                                 account_id=account.id, actor_id=actor.id, at=now, note=by))
    audit.record(session, actor, "publicjobs.payments.account", subject_person_id=person_id,
                 object_type="publicjob_pay_account", object_id=account.id,
                 details={"bank_code": bank_code, "entered_by": by, "reissued": len(waiting)})
    return account, len(waiting)


def get_payment(session: Session, payment_id: int, scope: Scope = SYSTEM) -> Payment:
    payment = scope.get(session, Kind.PAYMENT, payment_id)
    if payment is None:
        raise NotFound("지급 내역을 찾을 수 없습니다.", f"no payment {payment_id}")
    return payment


def run_payments(session: Session, run_id: int, scope: Scope = SYSTEM) -> list[Payment]:
    return list(session.scalars(select(Payment).where(Payment.run_id == run_id, scope.where(Kind.PAYMENT))
                                .order_by(Payment.id)))


def payments_of_person(session: Session, person_id: int) -> list[Payment]:
    return list(session.scalars(select(Payment).where(Payment.person_id == person_id)
                                .order_by(Payment.month.desc(), Payment.id.desc())))


def rejected(session: Session, scope: Scope = SYSTEM) -> list[Payment]:
    """Payments the bank refused that still wait for a corrected account, oldest first."""
    return list(session.scalars(select(Payment).where(Payment.status == Status.REJECTED.value,
                                                      scope.where(Kind.PAYMENT)).order_by(Payment.id)))


def history(session: Session, payment_id: int) -> list[PaymentEvent]:
    return list(session.scalars(select(PaymentEvent).where(PaymentEvent.payment_id == payment_id)
                                .order_by(PaymentEvent.id)))


def account_of(session: Session, account_id: int | None) -> PayAccount | None:
    return session.get(PayAccount, account_id) if account_id is not None else None


@dataclass(frozen=True)
class LateRow:
    month: int
    program: str
    host: str
    payments: int
    paid: int
    on_time: int
    late: int
    outstanding: int
    overdue: int  # outstanding and past due today (Seoul)
    mean_days_late: float
    max_days_late: int
    total_paid: int


def days_late_report(session: Session, year: int, scope: Scope = SYSTEM) -> list[LateRow]:
    """Days late by pay month, program and host (the project's host), within ``scope``.

    A paid payment counts by its recorded days late; an unpaid one past its due date is overdue
    (the days so far, as of today in Seoul, go into the maximum)."""
    today = clock.today()
    rows = session.execute(select(
        Payment.month, Payment.program_code, Project.host_name, Payment.status, Payment.days_late,
        Payment.due_on, Payment.amount).join(Project, Project.id == Payment.project_id).where(
        Payment.month >= year * 100, Payment.month <= year * 100 + 12, scope.where(Kind.PAYMENT))).all()
    groups: dict[tuple[int, str, str], list] = {}
    for month, program, host, status, late, due_on, amount in rows:
        groups.setdefault((month, program, host), []).append((status, late, due_on, amount))
    report = []
    for (month, program, host), items in sorted(groups.items()):
        paid = [(late or 0, amount) for status, late, _, amount in items if status == Status.PAID]
        open_ = [due_on for status, _, due_on, _ in items if status != Status.PAID]
        overdue = [payments.days_late(due_on, today) for due_on in open_ if due_on < today]
        lates = [late for late, _ in paid]
        report.append(LateRow(
            month, program, host, len(items), len(paid), sum(1 for x in lates if x == 0),
            sum(1 for x in lates if x > 0), len(open_), len(overdue),
            round(sum(lates) / len(lates), 1) if lates else 0.0, max(lates + overdue, default=0),
            sum(amount for _, amount in paid)))
    return report
