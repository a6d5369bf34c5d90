"""The readable form of the download (개인정보 보호법 §35): the same content as the JSON, one section
per domain and one table after another, in Korean with the vendored Pretendard GOV font (as the pay
statements and certificates are made)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fpdf import FPDF

from ilja import clock
from ilja.publicjobs.documents import FONTS

DOMAINS = {
    "people": "기본 정보", "accounts": "계정과 열람·변경 기록", "applications": "신청", "selection": "선발",
    "training": "교육", "publicjobs": "공공일자리 근무와 급여", "matching": "상담과 취업 연계",
    "outcomes": "취업 성과", "support": "자격증·창업·지원금", "privacy": "개인정보 동의와 정정 요구",
    "messages": "알림", "rights": "결정과 이의신청", "verification": "자격 확인 서류와 사실",
}
TABLES = {
    "persons": "대상자 정보", "households": "세대", "person_duplicate_flags": "중복 확인", "users": "계정",
    "audit_log": "내 정보를 읽거나 바꾼 기록", "audit_intake": "내 정보를 읽거나 바꾼 기록(정리 전)",
    "applications": "신청서", "application_events": "신청 상태 이력", "selection_outcomes": "선발 결과",
    "selection_offers": "선발 제안", "training_enrolments": "교육 등록", "training_attendance": "출결",
    "training_overrides": "출결 정정", "training_excused": "공결", "training_findings": "관찰 기록",
    "training_scores": "평가 점수", "training_surveys": "설문", "training_participants": "원데이 클래스 참여",
    "training_checkin_attempts": "출석 체크 시도", "pj_placements": "배치", "pj_placement_events": "배치 이력",
    "pj_timesheet_entries": "근무 기록", "pj_pay_lines": "급여", "pj_corrections": "급여 정정",
    "pj_pay_accounts": "급여 계좌", "pj_excused": "공가·병가", "pj_overrides": "근무 기록 정정",
    "pj_checkin_attempts": "출근 체크 시도", "verification_documents": "제출 서류", "verified_facts": "확인한 사실",
    "verification_at_selection": "선발 시 자격 확인", "pj_payments": "급여 지급", "pj_payment_events": "급여 지급 이력",
    "matching_candidates": "취업 연계 대상", "matching_counsel_sessions": "상담",
    "matching_day_entries": "매칭데이 참가",
    "matching_interviews": "면접", "matching_proposals": "매칭 제안", "matching_rankings": "희망 순위",
    "matching_offers": "채용 제안", "matching_outcomes": "채용", "outcome_participations": "사업 참여",
    "outcome_records": "취업 성과 기록", "outcome_follow_ups": "사후 관리", "alumni_members": "동문",
    "alumni_activities": "동문 활동", "support_exam_attempts": "자격시험 응시", "support_fee_claims": "응시료 청구",
    "support_subsidy_grants": "훈련 지원금", "support_subsidy_payments": "지원금 지급",
    "support_subsidy_progress": "지원금 진행", "support_event_signups": "행사 신청",
    "support_startup_members": "창업팀", "support_mentoring_pairs": "멘토링", "support_scholarships": "장학금",
    "privacy_consents": "개인정보 동의", "privacy_corrections": "정정 요구", "messages_outbox": "알림",
    "messages_preferences": "알림 설정", "rights_decisions": "결정", "rights_appeals": "이의신청",
}
COLUMNS = {
    "id": "번호", "name": "이름", "birth_date": "생년월일", "phone": "전화번호", "email": "이메일", "sido": "시·도",
    "sigungu": "시·군·구", "address_detail": "상세 주소", "address": "주소", "rrn_masked": "주민등록번호(가림)",
    "rrn_basis": "주민등록번호 수집 근거", "employment_status": "고용 상태", "able_to_work": "근로능력",
    "household_head": "세대주", "household_size": "가구원 수", "vulnerable_groups": "취약계층",
    "veteran_service_months": "군 복무 개월", "nationality": "국적", "visa": "체류자격",
    "household_income_krw": "가구 소득(원)", "household_assets_krw": "가구 재산(원)",
    "receives_livelihood_benefit": "생계급여 수급", "unemployment_benefit_periods": "실업급여 수급 기간",
    "training_history": "교육 이력", "created_at": "등록", "updated_at": "변경", "status": "상태",
    "round_id": "모집 공고", "preferences": "지망", "channel": "신청 경로", "submitted_at": "신청 일시",
    "score": "점수", "priority": "우선선발", "eligible": "자격", "at": "일시", "timestamp": "일시",
    "action": "한 일", "actor_role": "누가(역할)", "reason": "사유", "from_status": "이전 상태",
    "to_status": "바뀐 상태", "reason_code": "사유 코드", "note": "메모", "purpose": "목적", "version": "동의서 판",
    "given_at": "동의 일시", "withdrawn_at": "철회 일시", "item": "항목", "wrong": "잘못된 내용",
    "asked": "요구한 정정", "filed_at": "요구 일시", "due_on": "처리 기한", "answer": "답변", "month": "월",
    "gross": "지급 합계", "net": "실지급액", "day": "날짜", "mark": "출결", "subject": "제목", "body": "내용",
    "topic": "종류", "login": "아이디", "role": "역할", "display_name": "표시 이름", "kind": "종류",
}


def _when(value: Any) -> str:
    if isinstance(value, str) and len(value) > 10 and value[4:5] == "-" and "T" in value:
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            moment = moment.astimezone(clock.SEOUL)
        return moment.strftime("%Y-%m-%d %H:%M")
    return value


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "예" if value else "아니요"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else "—"
    return str(_when(value))


def render(download: dict[str, Any], *, name: str) -> bytes:
    """The download as a PDF: a cover line, then each domain's tables with their rows."""
    pdf = FPDF(format="A4")
    pdf.add_font("Pretendard", "", str(FONTS / "PretendardGOV-Regular.otf"))
    pdf.add_font("Pretendard", "B", str(FONTS / "PretendardGOV-Bold.otf"))
    pdf.set_title("내 개인정보 열람")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Pretendard", "B", 16)
    pdf.cell(0, 12, "내 개인정보 열람 — 일자리(Ilja)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Pretendard", "", 10)
    pdf.multi_cell(0, 6, f"{name}님에 관해 일자리가 가진 모든 기록입니다(개인정보 보호법 제35조). "
                         f"만든 때: {_when(download['generated_at'])} (한국 시간). 같은 내용을 기계가 읽을 수 있는 "
                         "JSON 파일로도 내려받을 수 있습니다. "
                         "잘못된 내용은 '내 개인정보'에서 정정을 요구할 수 있습니다.",
                   new_x="LMARGIN", new_y="NEXT")
    for domain, tables in download["domains"].items():
        pdf.ln(3)
        pdf.set_font("Pretendard", "B", 14)
        pdf.cell(0, 10, DOMAINS.get(domain, domain), new_x="LMARGIN", new_y="NEXT")
        for table, rows in tables.items():
            pdf.set_font("Pretendard", "B", 11)
            pdf.cell(0, 8, f"{TABLES.get(table, table)} ({len(rows)}건)", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Pretendard", "", 9)
            if not rows:
                pdf.cell(0, 6, "기록이 없습니다.", new_x="LMARGIN", new_y="NEXT")
            for row in rows:
                line = " · ".join(f"{COLUMNS.get(key, key)}: {_text(value)}" for key, value in row.items())
                pdf.multi_cell(0, 5, line, border="B", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
