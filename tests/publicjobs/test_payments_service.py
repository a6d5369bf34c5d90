"""The payment loop on SQLite and PostgreSQL (issue 19 §1): transfer files, the bank's results,
corrected accounts, reissues, days late and the reconciliation."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from ilja import clock
from ilja.accounts.models import AuditRecord
from ilja.db import engine_for, transaction
from ilja.publicjobs import documents, payment_service, payroll_service, reconciliation, service
from ilja.publicjobs.bank_results import ResultFileRefused, write_results
from ilja.publicjobs.payment_models import PayAccount, Payment, PaymentEvent
from ilja.publicjobs.payments import reference
from ilja.publicjobs.service import PublicJobError
from ilja.publicjobs.timesheet import prefill_month
from tests.publicjobs.factories import HOST, MANAGER, add_person, add_project

PAID_ON = dt.date(2025, 8, 8)  # 2025-08-10 is a Sunday: due on Friday the 8th


def _month(url: str, people: int = 3, program: str = "attractive_jobs") -> int:
    """A project with ``people`` placed, July 2025 entered and approved, and the run made."""
    with transaction(engine_for(url)) as session:
        project = add_project(session, program)
        for _ in range(people):
            service.place(session, project_id=project, person_id=add_person(session), actor=MANAGER,
                          start_on=dt.date(2025, 3, 1) if program == "attractive_jobs" else dt.date(2025, 7, 1))
        entries = [e for p in service.project_placements(session, project, 2025, 7)
                   for e in prefill_month(service.terms_of(p), 2025, 7)]
        service.enter_month(session, project, 2025, 7, entries, actor=HOST)
        service.approve_month(session, project, 2025, 7, actor=HOST)
        return payroll_service.run_payroll(session, program, 2025, 7, actor=MANAGER).run_id


def _send(url: str, run_id: int | None = None, program: str = "attractive_jobs") -> tuple[int, list]:
    with clock.frozen(dt.datetime(2025, 8, 5, 9, tzinfo=dt.UTC)), transaction(engine_for(url)) as session:
        transfer = payment_service.write_transfer(session, program, actor=MANAGER, reason="8월 급여 이체",
                                                  run_id=run_id)
        return transfer.id, payment_service.transfer_items(session, transfer.id)


def _import(url: str, rows, **kwargs) -> payment_service.ImportSummary:
    data = write_results(rows, **kwargs)
    with transaction(engine_for(url)) as session:
        return payment_service.import_results(session, data, "result.xlsx" if kwargs.get("xlsx") else "result.csv",
                                              actor=MANAGER)


def _state(url: str) -> list[tuple]:
    with transaction(engine_for(url)) as session:
        payments = session.execute(select(Payment.id, Payment.status, Payment.attempt, Payment.paid_on)
                                   .order_by(Payment.id)).all()
        events = session.scalar(select(func.count()).select_from(PaymentEvent))
        return [*map(tuple, payments), events]


def test_a_payroll_journey_pays_each_payment_exactly_once(database_url):
    """Done-when: rejected payments corrected, reissued and paid exactly once; days late reported."""
    run_id = _month(database_url, people=3)
    first, items = _send(database_url, run_id)
    assert len(items) == 3 and {i.reference[-2:] for i in items} == {"-1"}
    ok, closed, mismatch = items
    _import(database_url, [(ok.reference, "입금", PAID_ON, ok.amount, "", ""),
                           (closed.reference, "불능", PAID_ON, closed.amount, "02", "해지"),
                           (mismatch.reference, "불능", PAID_ON, mismatch.amount, "3", "")])
    # a second download of the run's file sends nothing new: the same transfer, the same rows
    again, again_items = _send(database_url, run_id)
    assert again == first and again_items == items
    with transaction(engine_for(database_url)) as session:
        waiting = payment_service.rejected(session)
        assert [(p.person_id, p.reject_reason) for p in waiting] == [(closed.person_id, "02"),
                                                                     (mismatch.person_id, "03")]
        with pytest.raises(PublicJobError):  # nobody else may have their account redirected
            payment_service.enter_account(session, ok.person_id, bank_code="088", number="110-123-456789",
                                          holder="김참여", actor=HOST, by="operator")
        account, reissued = payment_service.enter_account(
            session, closed.person_id, bank_code="088", number="110-123-456789", holder="김참여",
            actor=HOST, by="operator")
        assert reissued == 1 and account.number_last4 == "6789" and "456789" not in account.number_token
    second, reissue = _send(database_url)  # the other still waits for its account
    assert [i.reference for i in reissue] == [reference(int(closed.reference.split("-")[1]), 2)]
    with transaction(engine_for(database_url)) as session:
        accounts = payment_service.accounts_for_file(session, reissue)
        text = documents.transfer_csv(reissue, {}, accounts).decode("utf-8-sig")
        assert "110123456789" in text and ",088," in text
        # the first file, downloaded again later, still shows what it sent then
        assert payment_service.transfer_items(session, first) == items
    late = dt.date(2025, 8, 14)
    _import(database_url, [(reissue[0].reference, "입금", late, reissue[0].amount, "", "")])
    with transaction(engine_for(database_url)) as session:
        payment_service.enter_account(session, mismatch.person_id, bank_code="004", number="12345678901234",
                                      holder="이참여", actor=MANAGER, by="self")
    third, last = _send(database_url)
    assert len(last) == 1 and third not in (first, second)
    _import(database_url, [(last[0].reference, "입금", dt.date(2025, 8, 20), last[0].amount, "", "")])
    with transaction(engine_for(database_url)) as session:
        payments = session.scalars(select(Payment).order_by(Payment.id)).all()
        assert [p.status for p in payments] == ["paid"] * 3
        assert [p.days_late for p in payments] == [0, 6, 12]
        assert [p.attempt for p in payments] == [1, 2, 2]
        for p in payments:  # exactly one "paid" in each history, and a resend only after a rejection
            statuses = [e.status for e in payment_service.history(session, p.id)]
            assert statuses.count("paid") == 1 and statuses[-1] == "paid"
            sends = [i for i, s in enumerate(statuses) if s == "sent"]
            for a, b in zip(sends, sends[1:], strict=False):
                assert statuses[a + 1:b] == ["rejected", "reissued"]
        assert session.scalar(select(func.count()).select_from(PayAccount)) == 2
        report = payment_service.days_late_report(session, 2025)
        assert [(r.month, r.payments, r.paid, r.on_time, r.late, r.max_days_late) for r in report] == [
            (202507, 3, 3, 1, 2, 12)]
        assert report[0].mean_days_late == 6.0
        year = reconciliation.reconcile(session, "attractive_jobs", 2025)
        assert year.unexplained == 0
        assert year.paid == year.net == sum(p.amount for p in payments)
        assert year.charged == year.net + year.deductions
        actions = session.scalars(select(AuditRecord.action)).all()
        assert actions.count("publicjobs.payments.account") == 2 and actions.count("publicjobs.payments.results") == 3


def test_a_result_file_with_any_bad_row_is_refused_whole(database_url):
    run_id = _month(database_url, people=3)
    _, items = _send(database_url, run_id)
    a, b, c = items
    _import(database_url, [(c.reference, "입금", PAID_ON, c.amount, "", "")])
    before = _state(database_url)
    cases = {
        "unknown": [(a.reference, "입금", PAID_ON, a.amount, "", ""),
                    ("ILJA-09999999-1", "입금", PAID_ON, 1000, "", "")],
        "repeated": [(a.reference, "입금", PAID_ON, a.amount, "", ""), (b.reference, "입금", PAID_ON, b.amount, "", ""),
                     (a.reference, "불능", PAID_ON, a.amount, "01", "")],
        "settled": [(a.reference, "입금", PAID_ON, a.amount, "", ""), (c.reference, "입금", PAID_ON, c.amount, "", "")],
        "amount": [(a.reference, "입금", PAID_ON, a.amount + 10, "", "")],
        "reason": [(a.reference, "불능", PAID_ON, a.amount, "", "")],
        "result": [(a.reference, "보류", PAID_ON, a.amount, "", "")],
        "early": [(a.reference, "입금", dt.date(2025, 8, 1), a.amount, "", "")],
    }
    expected = {"unknown": (3, "지급참조번호"), "repeated": (4, "지급참조번호"), "settled": (3, "지급참조번호"),
                "amount": (2, "지급액(원)"), "reason": (2, "불능사유"), "result": (2, "처리결과"),
                "early": (2, "처리일자")}
    for name, rows in cases.items():
        with pytest.raises(ResultFileRefused) as refused:
            _import(database_url, rows, xlsx=name == "repeated")
        assert [(p.row, p.column) for p in refused.value.problems] == [expected[name]], name
        assert _state(database_url) == before, name
    for data, filename in ((b"\x00\x01garbage", "result.xlsx"), ("참조,결과\nx,y\n".encode(), "result.csv"),
                           (b"", "result.csv"), (b"a", "result.pdf")):
        with pytest.raises(ResultFileRefused) as refused, transaction(engine_for(database_url)) as session:
            payment_service.import_results(session, data, filename, actor=MANAGER)
        assert refused.value.problems and refused.value.problems[0].ko
    assert _state(database_url) == before


def test_a_payment_is_in_two_transfer_files_only_with_a_rejection_between(database_url):
    run_id = _month(database_url, people=2, program="companion_jobs")
    transfer, items = _send(database_url, run_id, program="companion_jobs")
    with pytest.raises(payment_service.NothingToSend):
        _send(database_url, program="companion_jobs")  # nothing reissued: no second file
    bad = items[0]
    _import(database_url, [(bad.reference, "불능", PAID_ON, bad.amount, "01", ""),
                           (items[1].reference, "입금", PAID_ON, items[1].amount, "", "")])
    with transaction(engine_for(database_url)) as session:
        payment_service.enter_account(session, bad.person_id, bank_code="011", number="3020123456781",
                                      holder="박참여", actor=HOST, by="operator")
        with pytest.raises(payment_service.AccountInvalid) as invalid:
            payment_service.enter_account(session, bad.person_id, bank_code="999", number="1",
                                          holder="", actor=HOST, by="operator")
        assert invalid.value.field == "bank_code"
    _, resent = _send(database_url, program="companion_jobs")
    # the result of the first attempt arriving again is refused: that attempt is over
    with pytest.raises(ResultFileRefused) as refused:
        _import(database_url, [(bad.reference, "입금", PAID_ON, bad.amount, "", "")])
    assert "earlier transfer" in refused.value.problems[0].en
    with transaction(engine_for(database_url)) as session:
        sent = session.execute(select(PaymentEvent.payment_id, PaymentEvent.transfer_id).where(
            PaymentEvent.status == "sent")).all()
        histories = {pid: [e.status for e in payment_service.history(session, pid)] for pid, _ in sent}
    assert histories[int(bad.reference.split("-")[1])] == ["scheduled", "sent", "rejected", "reissued", "sent"]
    assert len({t for _, t in sent}) == 2 and len(sent) == 3
    assert transfer in {t for _, t in sent}


def test_transfer_file_layout(database_url):
    run_id = _month(database_url, people=1, program="companion_jobs")
    _, items = _send(database_url, run_id, program="companion_jobs")
    sheet = openpyxl.load_workbook(io.BytesIO(documents.transfer_xlsx(items, {items[0].person_id: "김동행"},
                                                                      {}))).active
    assert [c.value for c in sheet[1]] == list(documents.TRANSFER_HEADER)
    row = [c.value for c in sheet[2]]
    assert row[1] == items[0].reference and row[3] == "김동행" and row[4] is None and row[7] == items[0].amount


def test_the_command_line_sends_imports_and_reconciles(database_url, tmp_path, monkeypatch):
    import json

    from typer.testing import CliRunner

    from ilja.cli import app
    from ilja.config import get_settings

    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        run_id = _month(database_url, people=2)
        runner = CliRunner()
        out = tmp_path / "transfer.csv"
        sent = runner.invoke(app, ["payroll", "transfer", "--run", str(run_id), "--output", str(out),
                                   "--reason", "8월 급여"])
        assert sent.exit_code == 0, sent.output
        refs = [line.split(",")[1] for line in out.read_text(encoding="utf-8-sig").splitlines()[1:]]
        amounts = [int(line.split(",")[7]) for line in out.read_text(encoding="utf-8-sig").splitlines()[1:]]
        today = clock.today()
        bad = tmp_path / "bad.csv"
        bad.write_bytes(write_results([(refs[0], "입금", today, amounts[0], "", ""),
                                       (refs[0], "입금", today, amounts[0], "", "")]))
        refused = runner.invoke(app, ["payroll", "results", str(bad)])
        assert refused.exit_code == 1 and "row 3" in refused.stderr and "nothing was changed" in refused.stderr
        good = tmp_path / "good.csv"
        good.write_bytes(write_results([(r, "입금", today, a, "", "") for r, a in zip(refs, amounts, strict=True)]))
        applied = runner.invoke(app, ["payroll", "results", str(good)])
        assert applied.exit_code == 0 and "2 paid" in applied.stderr
        report = json.loads(runner.invoke(app, ["payroll", "reconcile", "--program", "attractive_jobs"]).stdout)
        assert report["unexplained"] == 0 and report["paid"] == sum(amounts) == report["net"]
    finally:
        get_settings.cache_clear()


def test_key_rotation_moves_the_pay_accounts_to_the_new_key(database_url, tmp_path):
    from ilja.people.rrn import (
        add_active_key,
        decrypt_value,
        encrypt_value,
        generate_key_file,
        token_key_id,
    )

    path = tmp_path / "keys.json"
    old = generate_key_file(path)
    with transaction(engine_for(database_url)) as session:
        account = PayAccount(person_id=add_person(session), bank_code="088", number_last4="6789",
                             entered_by="self", created_at=clock.now(), number_token="", holder_token="")
        session.add(account)
        session.flush()
        context = payment_service.account_context(account.id)
        account.number_token = encrypt_value(b"110123456789", old, purpose=payment_service.ACCOUNT_PURPOSE,
                                             context=context)
        account.holder_token = encrypt_value("김참여".encode(), old, purpose=payment_service.ACCOUNT_PURPOSE,
                                             context=context)
    new = add_active_key(path, "encryption")
    with transaction(engine_for(database_url)) as session:
        assert payment_service.reencrypt_accounts(session, new) == 2
        assert payment_service.reencrypt_accounts(session, new) == 0
        account = session.scalar(select(PayAccount))
        assert token_key_id(account.number_token) == new.encryption.active != old.encryption.active
        assert decrypt_value(account.number_token, new, purpose=payment_service.ACCOUNT_PURPOSE,
                             context=context) == b"110123456789"


def test_a_leavers_pay_is_due_within_14_days_of_leaving(database_url):
    """§36 with a holiday: leaving on 2025-09-19, due 14 days later on 10-03 (개천절), so on 10-02;
    the others on the pay day, 10-10."""
    with transaction(engine_for(database_url)) as session:
        project = add_project(session, "attractive_jobs")
        stays, leaves = (service.place(session, project_id=project, person_id=add_person(session), actor=MANAGER,
                                       start_on=dt.date(2025, 3, 1)).id for _ in range(2))
        service.leave(session, leaves, left_on=dt.date(2025, 9, 19), reason="취업", actor=HOST)
        entries = [e for p in service.project_placements(session, project, 2025, 9)
                   for e in prefill_month(service.terms_of(p), 2025, 9)]
        service.enter_month(session, project, 2025, 9, entries, actor=HOST)
        service.approve_month(session, project, 2025, 9, actor=HOST)
        payroll_service.run_payroll(session, "attractive_jobs", 2025, 9, actor=MANAGER)
        due = dict(session.execute(select(Payment.placement_id, Payment.due_on)).all())
        assert due == {stays: dt.date(2025, 10, 10), leaves: dt.date(2025, 10, 2)}
        assert session.scalar(select(func.count()).select_from(PaymentEvent)) == 2
