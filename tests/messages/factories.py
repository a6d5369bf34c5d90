"""People to send messages to, written straight into the registry table (the messages domain
needs a person row, not the registry's intake)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ilja import clock
from ilja.people.models import Person


def person(session: Session, *, name: str = "김민준", email: str | None = "minjun@example.org",
           phone: str | None = "01012345678") -> int:
    now = clock.now()
    row = Person(name=name, birth_date=dt.date(1990, 5, 1), phone=phone, email=email, sido="서울특별시",
                 sigungu="마포구", employment_status="unemployed", able_to_work=True, household_head=True,
                 household_size=1, vulnerable_groups=[], veteran_service_months=0, nationality="KOR", visa="",
                 unemployment_benefit_periods=[], training_history=[], created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    return row.id


NOTICE = {"title": "2026년 동행일자리 1차 모집", "decision": "선정되지 않음",
          "reasons": ["선발 점수 62점이 마포구 합격선 70점보다 낮습니다(선발 기준 제3조)."],
          "appeal": "결정을 안 날부터 90일 안에 행정심판을 청구할 수 있습니다."}
