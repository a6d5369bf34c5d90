"""The completion certificate (수료증): one printable A4 page per completer, in Korean.

Set in the vendored Pretendard GOV typeface (``web/static/vendor/fonts``) so the PDF needs no
system font and prints the same everywhere. The page shows the certificate number, the
trainee's name and birth date, the course, the cohort's dates and the site — what a 수료증 of
a Seoul training program carries — and nothing more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).resolve().parent.parent / "web" / "static" / "vendor" / "fonts"


@dataclass(frozen=True, slots=True)
class CertificateData:
    number: str
    name: str
    birth_date: dt.date
    program_ko: str
    course: str
    cohort: str
    site: str
    starts_on: dt.date
    ends_on: dt.date
    issued_on: dt.date
    issuer: str = "서울특별시장"


def _korean_date(day: dt.date) -> str:
    return f"{day.year}년 {day.month}월 {day.day}일"


def certificate_pdf(data: CertificateData) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(f"수료증 {data.number}")
    pdf.set_author(data.issuer)
    pdf.add_font("Pretendard", "", str(FONTS / "PretendardGOV-Regular.otf"))
    pdf.add_font("Pretendard", "B", str(FONTS / "PretendardGOV-Bold.otf"))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_line_width(1.2)
    pdf.rect(12, 12, 186, 273)
    pdf.set_line_width(0.3)
    pdf.rect(15, 15, 180, 267)
    pdf.set_font("Pretendard", "", 11)
    pdf.set_xy(20, 22)
    pdf.cell(170, 8, f"제 {data.number} 호", align="L")
    pdf.set_font("Pretendard", "B", 36)
    pdf.set_xy(20, 55)
    pdf.cell(170, 20, "수 료 증", align="C")
    pdf.set_font("Pretendard", "", 14)
    rows = [("성        명", data.name), ("생 년 월 일", _korean_date(data.birth_date)),
            ("사   업   명", data.program_ko), ("과   정   명", data.course),
            ("기        수", data.cohort), ("교 육 기 관", data.site),
            ("교 육 기 간", f"{_korean_date(data.starts_on)} ~ {_korean_date(data.ends_on)}")]
    y = 100.0
    for label, value in rows:
        pdf.set_xy(35, y)
        pdf.cell(40, 10, label)
        pdf.set_xy(78, y)
        pdf.multi_cell(100, 10, f":  {value}")
        y = max(y + 12, pdf.get_y() + 2)
    pdf.set_xy(25, 200)
    pdf.multi_cell(160, 9, "위 사람은 위의 교육과정을 성실히 이수하였으므로 이 증서를 수여합니다.",
                   align="C")
    pdf.set_xy(20, 225)
    pdf.cell(170, 10, _korean_date(data.issued_on), align="C")
    pdf.set_font("Pretendard", "B", 20)
    pdf.set_xy(20, 245)
    pdf.cell(170, 14, data.issuer, align="C")
    return bytes(pdf.output())
