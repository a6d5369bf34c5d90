"""The bank's result file (이체 결과 파일): its layout, and reading it into checked rows.

Bank layouts vary from bank to bank; this one is Ilja's own, which the paying bank's file is
converted to (README "Transfer and result files"). CSV (UTF-8, with or without BOM, or CP949) or
XLSX (the first sheet, read with calamine: formulas are never evaluated), with this header row:

==========  =================================================================================
지급참조번호  the transfer file's reference of the payment, ``ILJA-<8 digits>-<attempt>``
처리결과     ``입금`` (credited) or ``불능`` (refused); ``paid`` / ``rejected`` also accepted
처리일자     the bank's processing date, ``YYYY-MM-DD`` (or an Excel date cell)
지급액(원)   the amount credited or refused, whole won; must equal the transfer file's amount
불능사유     a refused payment's reason code: 01 계좌번호 오류, 02 해지 계좌, 03 예금주 불일치,
            04 압류·지급정지 계좌, 99 기타; empty for a credited payment
비고         free text, optional
==========  =================================================================================

Reading checks the cells only (``read_results``); whether each reference names a payment that is
waiting for its result is the service's check, which lists its problems with these, ordered by
row (the header is row 1) and column, so one answer lists them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ilja import files
from ilja.errors import IljaError
from ilja.people.person_format.cells import cell_text
from ilja.publicjobs.payments import Reason, Status, parse_reference

HEADER = ("지급참조번호", "처리결과", "처리일자", "지급액(원)", "불능사유", "비고")
REQUIRED = HEADER[:5]
ALIASES = {"reference": "지급참조번호", "result": "처리결과", "date": "처리일자", "amount": "지급액(원)",
           "지급액": "지급액(원)", "reason": "불능사유", "note": "비고"}
RESULTS = {"입금": Status.PAID, "paid": Status.PAID, "불능": Status.REJECTED, "rejected": Status.REJECTED}
MAX_BYTES = 16 * 1024**2
MAX_ROWS = 200_000
REASON_LABELS = {
    Reason.WRONG_NUMBER: ("계좌번호 오류", "wrong account number"),
    Reason.CLOSED_ACCOUNT: ("해지 계좌", "closed account"),
    Reason.NAME_MISMATCH: ("예금주 불일치", "account holder's name does not match"),
    Reason.ACCOUNT_FROZEN: ("압류·지급정지 계좌", "account seized or frozen"),
    Reason.OTHER: ("기타", "other"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    row: int  # the header is row 1; 0 for the file as a whole
    column: str
    ko: str
    en: str


@dataclass(frozen=True, slots=True)
class ResultRow:
    row: int
    payment_id: int
    attempt: int
    result: Status
    on: dt.date
    amount: int
    reason: Reason | None
    note: str | None


class ResultFileRefused(IljaError, ValueError):
    """The file is refused whole: nothing was changed."""

    code = "result_file_refused"
    status_code = 422

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"결과 파일에 문제 {len(problems)}건이 있어 아무것도 바꾸지 않았습니다.",
                         f"{len(problems)} problem(s) in the result file; nothing was changed")
        self.problems = problems

    def extra(self) -> dict[str, object]:
        return {"rows": [{"row": p.row, "column": p.column, "reason": p.en, "msg_ko": p.ko}
                         for p in self.problems]}


def _table(data: bytes, filename: str) -> list[list[object]]:
    try:
        return files.read_table(data, filename, max_bytes=MAX_BYTES)
    except files.UnreadableTable as exc:
        raise ResultFileRefused([Problem(0, "", exc.ko, exc.en)]) from None


def _amount(text: str) -> int | None:
    cleaned = text.replace(",", "").strip()
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    return int(cleaned) if cleaned.isdigit() else None


def read_results(data: bytes, filename: str) -> tuple[list[ResultRow], list[Problem]]:
    """The rows whose cells are sound, and the problems of the others (with their rows); a file
    that cannot be read as this layout at all is ``ResultFileRefused``."""
    table = _table(data, filename)
    if not table or not any(cell_text(c) for c in table[0]):
        raise ResultFileRefused([Problem(1, "", "머리글 행이 없습니다.", "the file has no header row")])
    header = [ALIASES.get(name, name) for name in ((cell_text(c) or "").strip().lstrip("\ufeff") for c in table[0])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ResultFileRefused([Problem(1, name, f"'{name}' 열이 없습니다.", f"column '{name}' is missing")
                                 for name in missing])
    if len(table) - 1 > MAX_ROWS:
        raise ResultFileRefused([Problem(0, "", f"행이 {MAX_ROWS:,}개보다 많습니다.",
                                         f"more than {MAX_ROWS:,} rows")])
    at = {name: header.index(name) for name in HEADER if name in header}
    rows: list[ResultRow] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for number, values in enumerate(table[1:], start=2):
        cells = {name: (cell_text(values[i]) or "").strip() if i < len(values) and values[i] is not None else ""
                 for name, i in at.items()}
        if not any(cells.values()):
            continue
        found = len(problems)

        def problem(column: str, ko: str, en: str, number: int = number) -> None:
            problems.append(Problem(number, column, ko, en))

        ref = parse_reference(cells["지급참조번호"])
        if ref is None:
            problem("지급참조번호", f"'{cells['지급참조번호']}'은(는) 지급참조번호(ILJA-00000000-1)가 아닙니다.",
                    f"'{cells['지급참조번호']}' is not a payment reference (ILJA-00000000-1)")
        elif cells["지급참조번호"] in seen:
            problem("지급참조번호", f"{seen[cells['지급참조번호']]}행과 같은 지급이 다시 나옵니다.",
                    f"the same payment as row {seen[cells['지급참조번호']]} again")
        else:
            seen[cells["지급참조번호"]] = number
        result = RESULTS.get(cells["처리결과"].lower())
        if result is None:
            problem("처리결과", "처리결과는 '입금' 또는 '불능'이어야 합니다.",
                    "result must be 입금 (paid) or 불능 (rejected)")
        try:
            on = dt.date.fromisoformat(cells["처리일자"][:10])
        except ValueError:
            on = None
            problem("처리일자", "처리일자는 YYYY-MM-DD 형식의 날짜여야 합니다.", "date must be a YYYY-MM-DD date")
        amount = _amount(cells["지급액(원)"])
        if amount is None:
            problem("지급액(원)", "지급액은 원 단위 정수여야 합니다.", "amount must be whole won")
        reason_text = cells.get("불능사유", "")
        reason = None
        if result is Status.REJECTED:
            try:
                reason = Reason(reason_text.zfill(2) if reason_text.isdigit() else reason_text)
            except ValueError:
                problem("불능사유", "불능 건에는 불능사유 코드(01, 02, 03, 04, 99)가 있어야 합니다.",
                        "a rejected payment needs a reason code (01, 02, 03, 04, 99)")
        elif result is Status.PAID and reason_text:
            problem("불능사유", "입금 건에는 불능사유를 적지 않습니다.", "a paid payment has no rejection reason")
        if len(problems) == found:
            assert ref is not None and result is not None and on is not None and amount is not None
            rows.append(ResultRow(number, ref[0], ref[1], result, on, amount, reason, cells.get("비고") or None))
    if not rows and not problems:
        raise ResultFileRefused([Problem(0, "", "결과 행이 없습니다.", "the file has no result rows")])
    return rows, problems


def write_results(rows: list[tuple[str, str, dt.date, int, str, str]], *, xlsx: bool = False) -> bytes:
    """A result file in this layout (for tests, the benchmark and the bank's converter)."""
    table = [(r[0], r[1], r[2].isoformat(), r[3], r[4], r[5]) for r in rows]
    if xlsx:
        return files.write_xlsx(files.Sheet("결과", table, HEADER))
    return files.write_csv(table, HEADER)
