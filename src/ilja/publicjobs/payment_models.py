"""Tables of the payment loop: payments, their status history, transfer files, pay accounts.

A payment is one pay line's net amount on its way to the participant's account. Its status moves
only as ``ilja.publicjobs.payments.next_status`` allows (scheduled → sent → paid, or → rejected →
reissued → sent …); every move is a row of ``pj_payment_events``. ``UNIQUE(line_id)`` makes one
payment per pay line; ``attempt`` counts how many transfer files carried it, and its reference in
a transfer file (``ILJA-<id>-<attempt>``) names one attempt, so a result for an older attempt is
recognised and refused.

A corrected account (``pj_pay_accounts``) is personal data: the number is stored only as an
AES-GCM token bound to its row (``ilja.people.rrn.encrypt_value``, purpose ``pay_account``), with
its last four digits for the pages.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ilja.db import Base, UTCDateTime


class PaymentTransfer(Base):
    """One transfer file as written: the payments it carried are its ``pj_payment_events``."""

    __tablename__ = "pj_transfers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    program_code: Mapped[str] = mapped_column(String(64), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("pj_payroll_runs.id"), index=True)
    payments: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(BigInteger)
    actor_id: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Payment(Base):
    __tablename__ = "pj_payments"
    __table_args__ = (UniqueConstraint("line_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("pj_pay_lines.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("pj_payroll_runs.id"), index=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("pj_placements.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("pj_projects.id"))
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    program_code: Mapped[str] = mapped_column(String(64))
    month: Mapped[int] = mapped_column(Integer)  # YYYYMM the pay is for
    amount: Mapped[int] = mapped_column(BigInteger)  # the line's net, in won
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempt: Mapped[int] = mapped_column(Integer)  # transfer files that carried it so far
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("pj_transfers.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("pj_pay_accounts.id"))
    due_on: Mapped[dt.date] = mapped_column(Date)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    days_late: Mapped[int | None] = mapped_column(Integer)
    reject_reason: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class PaymentEvent(Base):
    """The status history of a payment: one row per move, with who, when and why."""

    __tablename__ = "pj_payment_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("pj_payments.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    attempt: Mapped[int] = mapped_column(Integer)
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("pj_transfers.id"), index=True)
    bank_date: Mapped[dt.date | None] = mapped_column(Date)  # the bank's processing date of a result
    reason: Mapped[str | None] = mapped_column(String(32))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("pj_pay_accounts.id"))  # sent to it
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class PayAccount(Base):
    """A corrected bank account of a person, entered after a rejection; the newest one counts."""

    __tablename__ = "pj_pay_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    bank_code: Mapped[str] = mapped_column(String(3))
    number_token: Mapped[str] = mapped_column(String(255))
    number_last4: Mapped[str] = mapped_column(String(4))
    holder_token: Mapped[str] = mapped_column(String(255))
    entered_by: Mapped[str] = mapped_column(String(16))  # self / operator
    actor_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
