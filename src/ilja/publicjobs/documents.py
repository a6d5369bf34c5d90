"""Pay statements (급여명세서, PDF in Korean with Pretendard GOV) and bank-transfer files.

The statement lists the pay components, the carried corrections and each deduction; the
transfer file has one line per payment it sends, with the net amount and its reference. Names come from the registry and
are personal data: the caller audits every download with its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

from ilja import files

FONTS = Path(__file__).resolve().parent.parent / "web" / "static" / "vendor" / "fonts"

COMPONENT_LABELS = (
    ("basic_pay", "기본급 (소정근로)"),
    ("weekly_holiday_pay", "주휴수당"),
    ("allowance", "부대수당"),
    ("absence_deduction", "미근로 공제 (−)"),
    ("weekly_holiday_forfeited", "주휴 미발생 공제 (−)"),
)
DEDUCTION_LABELS = (
    ("national_pension", "국민연금"),
    ("health_insurance", "건강보험"),
    ("long_term_care", "장기요양보험"),
    ("employment_insurance", "고용보험"),
    ("income_tax", "소득세"),
    ("local_income_tax", "지방소득세"),
)
PROGRAM_NAMES = {"companion_jobs": "서울 동행일자리", "attractive_jobs": "서울 매력일자리"}
TRANSFER_HEADER = ("순번", "지급참조번호", "배치번호", "성명", "은행코드", "계좌번호", "지급월", "지급액(원)", "적요")


def _won(amount: int) -> str:
    return f"{amount:,}원"


def statement_pdf(line, *, name: str, program: str, project: str) -> bytes:
    """One participant's statement for one month."""
    pdf = FPDF()
    pdf.add_font("Pretendard", "", str(FONTS / "PretendardGOV-Regular.otf"))
    pdf.add_font("Pretendard", "B", str(FONTS / "PretendardGOV-Bold.otf"))
    pdf.set_title(f"급여명세서 {line.month // 100}-{line.month % 100:02d}")
    pdf.add_page()
    pdf.set_font("Pretendard", "B", 16)
    pdf.cell(0, 12, f"급여명세서 — {line.month // 100}년 {line.month % 100}월", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Pretendard", "", 11)
    for label, value in (("성명", name), ("사업", PROGRAM_NAMES.get(program, program)),
                         ("참여 사업장", project), ("배치번호", str(line.placement_id))):
        pdf.cell(40, 8, label)
        pdf.cell(0, 8, value, new_x="LMARGIN", new_y="NEXT")
    c = line.components or {}
    if c:
        pdf.cell(0, 8, f"근무 {c.get('worked_milli_hours', 0) / 1000:g}시간 · 유급휴가 "
                       f"{c.get('paid_leave_milli_hours', 0) / 1000:g}시간 · 유급 공휴일 "
                       f"{c.get('public_holiday_days', 0)}일 · 결근 {c.get('absent_days', 0)}일",
                 new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    def rows(title: str, items: Sequence[tuple[str, int]], total_label: str, total: int) -> None:
        pdf.set_font("Pretendard", "B", 12)
        pdf.cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Pretendard", "", 11)
        for label, amount in items:
            pdf.cell(100, 7, label, border="B")
            pdf.cell(0, 7, _won(amount), border="B", align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Pretendard", "B", 11)
        pdf.cell(100, 8, total_label)
        pdf.cell(0, 8, _won(total), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    earnings = [(label, c.get(key, 0)) for key, label in COMPONENT_LABELS if c]
    earnings += [(f"정정분 ({a['month'] // 100}-{a['month'] % 100:02d})", a["amount"])
                 for a in (line.adjustments or [])]
    rows("지급 내역", earnings, "지급 합계", line.gross + line.adjustment)
    rows("공제 내역", [(label, line.deductions.get(key, 0)) for key, label in DEDUCTION_LABELS],
         "공제 합계", line.deductions_total)
    pdf.set_font("Pretendard", "B", 14)
    pdf.cell(100, 10, "실지급액")
    pdf.cell(0, 10, _won(line.net), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Pretendard", "", 8)
    pdf.multi_cell(0, 5, "월급제: 월 소정근로시간과 주휴시간(209시간 기준 등)에 시급을 곱하고, "
                         "역일 기준 일할 계산합니다. "
                         "결근한 주의 주휴수당은 지급되지 않습니다(근로기준법 제55조, 시행령 제30조). "
                         "공제액은 10원 미만 절사합니다. 소득세는 간이세액표 근사치입니다.")
    return bytes(pdf.output())


def transfer_rows(items, names: dict[int, str], accounts: dict[int, tuple[str, str]]) -> list[tuple]:
    """One row per payment (``payment_service.TransferItem``); the bank and account cells are
    empty unless a corrected account was entered (README "Transfer and result files")."""
    rows = []
    for i, item in enumerate(items, start=1):
        bank, number = accounts.get(item.account_id, ("", "")) if item.account_id is not None else ("", "")
        rows.append((i, item.reference, item.placement_id, names.get(item.person_id, ""), bank, number,
                     f"{item.month // 100}-{item.month % 100:02d}", item.amount, f"급여 {item.month}"))
    return rows


def transfer_csv(items, names: dict[int, str], accounts: dict[int, tuple[str, str]]) -> bytes:
    return files.write_csv(transfer_rows(items, names, accounts), TRANSFER_HEADER)


def transfer_xlsx(items, names: dict[int, str], accounts: dict[int, tuple[str, str]]) -> bytes:
    return files.write_xlsx(files.Sheet("이체", transfer_rows(items, names, accounts), TRANSFER_HEADER))
