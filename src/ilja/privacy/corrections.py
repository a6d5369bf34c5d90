"""Requests to correct one's personal data (개인정보 보호법 §36): the person names the item, says what
is wrong and what it should be; staff who may see the person answer by the deadline (the parameter
``common.personal_data.correction_deadline_days``, decree §43 ③), accepting (the registry's own
fields corrected here through ``people.registry``, any other item by staff in its domain, the
answer saying what was done) or refusing with reasons. The answer is sent to the person.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.messages import outbox
from ilja.people import registry
from ilja.privacy.errors import PrivacyError
from ilja.privacy.models import CorrectionRequest, CorrectionStatus
from ilja.programs.holidays import is_public_holiday
from ilja.rules.parameters import default_tree

DEADLINE_PARAMETER = "common.personal_data.correction_deadline_days"
REGISTRY_ITEMS = ("name", "phone", "email", "address_detail")
"""Items Ilja corrects itself on acceptance (the registry's fields, ``registry.correct_fields``)."""
OTHER_ITEMS = ("birth_date", "address_area", "household", "employment_status", "vulnerable_groups",
               "application", "training", "pay", "matching", "support", "other")
"""Items that staff correct in their own domain's pages; the answer says what was done."""
ITEMS = REGISTRY_ITEMS + OTHER_ITEMS
ITEM_LABELS: dict[str, tuple[str, str]] = {
    "name": ("이름", "Name"), "phone": ("전화번호", "Phone"), "email": ("이메일", "E-mail"),
    "address_detail": ("상세 주소", "Street address"), "birth_date": ("생년월일", "Date of birth"),
    "address_area": ("주소지(시·도, 시·군·구)", "Place of residence (province, district)"),
    "household": ("세대·가구 정보", "Household"), "employment_status": ("고용 상태", "Employment status"),
    "vulnerable_groups": ("취약계층 해당 여부", "Vulnerable-group status"),
    "application": ("신청 내용", "An application"), "training": ("교육·출결 기록", "Training and attendance"),
    "pay": ("근무·급여 기록", "Work and pay"), "matching": ("상담·취업 연계 기록", "Counselling and job matching"),
    "support": ("자격증·창업·지원금 기록", "Certification, start-up and subsidy support"),
    "other": ("그 밖의 정보", "Other"),
}
"""Each item's name (Korean, English): shown on the pages and in the answer's message."""
MAX_TEXT = 2000
TOPIC = "privacy_correction_answered"



def due_date(filed_on: dt.date, days: int, is_off: Callable[[dt.date], bool] | None = None) -> dt.date:
    """The last day to answer: ``days`` calendar days after the day of the request (민법 §157:
    the first day is not counted), moved past a Saturday, Sunday or public holiday (민법 §161)."""
    is_off = is_off or is_public_holiday
    due = filed_on + dt.timedelta(days=days)
    while due.weekday() >= 5 or is_off(due):
        due += dt.timedelta(days=1)
    return due


def deadline_days(on: dt.date) -> int:
    return int(default_tree().value(DEADLINE_PARAMETER, on))


def _text(value: str, field: str, label_ko: str, label_en: str) -> str:
    text = unicodedata.normalize("NFC", value or "").strip()
    if not text:
        raise PrivacyError("required", f"{label_ko}: 적어 주세요.", f"{label_en}: required.", field)
    if len(text) > MAX_TEXT:
        raise PrivacyError("too_long", f"{label_ko}: {MAX_TEXT}자 이내로 적어 주세요.",
                              f"{label_en}: at most {MAX_TEXT} characters.", field)
    return text


def file(session: Session, *, person_id: int, item: str, wrong: str, asked: str, actor: audit.Actor,
         now: dt.datetime | None = None) -> CorrectionRequest:
    """The person's request, in the staff queue with its deadline; audited."""
    if item not in ITEMS:
        raise PrivacyError("item_unknown", "정정할 항목을 고르세요.", "Choose the item to correct.", "item")
    wrong = _text(wrong, "wrong", "잘못된 내용", "What is wrong")
    asked = _text(asked, "asked", "바르게 고칠 내용", "The correction")
    now = now or clock.now()
    filed_on = now.astimezone(clock.SEOUL).date()
    row = CorrectionRequest(person_id=person_id, item=item, wrong=wrong, asked=asked, filed_at=now,
                            due_on=due_date(filed_on, deadline_days(filed_on)),
                            status=CorrectionStatus.OPEN.value)
    audit.created(session, actor, row, "correction.file", object_type="correction", subject_person_id=person_id,
                  details={"item": item})
    return row


def of_person(session: Session, person_id: int) -> list[CorrectionRequest]:
    return list(session.scalars(select(CorrectionRequest).where(CorrectionRequest.person_id == person_id)
                                .order_by(CorrectionRequest.filed_at.desc(), CorrectionRequest.id.desc())))


def queue(session: Session, scope: Scope, *, status: str | None = CorrectionStatus.OPEN.value
          ) -> list[CorrectionRequest]:
    """The requests of the people within ``scope``, the nearest deadline first."""
    query = select(CorrectionRequest).where(scope.where(Kind.CORRECTION))
    if status:
        query = query.where(CorrectionRequest.status == status)
    return list(session.scalars(query.order_by(CorrectionRequest.due_on, CorrectionRequest.id)))


def get(session: Session, correction_id: int, scope: Scope = SYSTEM) -> CorrectionRequest | None:
    found: CorrectionRequest | None = scope.get(session, Kind.CORRECTION, correction_id)
    return found


def answer(session: Session, correction_id: int, *, accept: bool, text: str, actor: audit.Actor,
           scope: Scope = SYSTEM, value: str | None = None, now: dt.datetime | None = None) -> CorrectionRequest:
    """Answer an open request: accepted (a registry item is corrected to ``value``) or refused
    (``text`` gives the reasons); audited and sent to the person."""
    row = get(session, correction_id, scope)
    if row is None:
        raise PrivacyError("correction_unknown", "해당 정정 요구가 없습니다.", "No such correction request.")
    if row.status != CorrectionStatus.OPEN:
        raise PrivacyError("correction_answered", "이미 답변한 정정 요구입니다.",
                              "This request has already been answered.", "decision")
    text = _text(text, "answer", "답변(처리 내용 또는 거절 사유)", "Answer (what was done, or the reasons)")
    changed: list[str] = []
    if accept and row.item in REGISTRY_ITEMS:
        changed = registry.correct_fields(session, row.person_id, {row.item: value if value is not None else row.asked},
                                          actor=actor, scope=scope, via=f"correction:{row.id}")
    now = now or clock.now()
    row.status = (CorrectionStatus.ACCEPTED if accept else CorrectionStatus.REFUSED).value
    row.answer, row.corrected_fields = text, ",".join(changed) or None
    row.answered_at, row.answered_by = now, actor.id
    session.flush()
    audit.record(session, actor, "correction.answer", subject_person_id=row.person_id, object_type="correction",
                 object_id=row.id, details={"item": row.item, "status": row.status, "fields": changed})
    _notify(session, row)
    return row


def _notify(session: Session, row: CorrectionRequest) -> None:
    outbox.send(session, person_id=row.person_id, topic=TOPIC, subject_ref=f"correction:{row.id}",
                context={"correction_id": row.id, "item_ko": ITEM_LABELS[row.item][0],
                         "item_en": ITEM_LABELS[row.item][1], "accepted": row.status == CorrectionStatus.ACCEPTED,
                         "answer": row.answer, "filed_on": row.filed_at.astimezone(clock.SEOUL).date().isoformat()})
