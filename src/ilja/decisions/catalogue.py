"""Every kind of adverse decision Ilja makes about a person, and what the law asks of each
(issue 18 §1): its reasons and basis (행정절차법 §23), how, where and by when to contest it
(§26), and whether it takes something away and so needs prior notice first (§21).

``tests/rights/test_catalogue.py`` enumerates ``DecisionKind`` and fails if a kind lacks an entry,
a contest route, a remedy for an upheld appeal or a message template.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ilja.decisions.deadlines import Counting

PARAMETERS = "common.rights."


class DecisionKind(StrEnum):
    NOT_ELIGIBLE = "not_eligible"  # 자격 미달 (접수 시 또는 확인 후)
    NOT_SELECTED = "not_selected"  # 미선발
    WAITLISTED = "waitlisted"  # 예비 선발
    DROPOUT = "dropout"  # 중도 탈락
    REPARTICIPATION_EXCLUDED = "reparticipation_excluded"  # 재참여 제한 (무단 포기)
    PAY_CORRECTION = "pay_correction"  # 임금 공제·정정
    CLAIM_REFUSED = "claim_refused"  # 지원금 신청 반려
    PLACEMENT_ENDED = "placement_ended"  # 배치 종료 (근무 중단)


@dataclass(frozen=True)
class Text:
    ko: str
    en: str

    def pick(self, lang: str) -> str:
        return self.en if lang == "en" else self.ko


@dataclass(frozen=True)
class Route:
    """One way to contest a decision: where, and the parameter whose days close it."""

    code: str
    name: Text
    where: Text
    parameter: str
    counting: Counting = Counting.CALENDAR


OBJECTION = Route(
    "objection", Text("이의신청", "Objection (이의신청)"),
    Text("결정한 부서에: 이 결정 화면의 '이의신청' 양식으로, 또는 문서로",
         "To the office that decided: with the objection form on this decision's page, or in writing"),
    PARAMETERS + "objection_days")
ADMINISTRATIVE_APPEAL = Route(
    "administrative_appeal", Text("행정심판", "Administrative appeal (행정심판)"),
    Text("서울특별시 행정심판위원회 (온라인행정심판 www.simpan.go.kr)",
         "Seoul Metropolitan Administrative Appeals Commission (online: www.simpan.go.kr)"),
    PARAMETERS + "administrative_appeal_days_from_knowing")
ADMINISTRATIVE_SUIT = Route(
    "administrative_suit", Text("행정소송", "Administrative suit (행정소송)"),
    Text("서울행정법원", "Seoul Administrative Court"),
    PARAMETERS + "administrative_suit_days_from_knowing")
ROUTES = (OBJECTION, ADMINISTRATIVE_APPEAL, ADMINISTRATIVE_SUIT)

PRIOR_NOTICE_DAYS = PARAMETERS + "prior_notice_answer_days"
APPEAL_DECISION_DAYS = PARAMETERS + "objection_decision_days"
APPEAL_DECISION_COUNTING = Counting.WORKING_DAYS
APPEAL_FROM_DECISION_DAYS = PARAMETERS + "administrative_appeal_days_from_decision"


@dataclass(frozen=True)
class Entry:
    kind: DecisionKind
    label: Text
    basis: Text
    takes_away: bool
    remedy: Text
    routes: tuple[Route, ...] = ROUTES

    @property
    def topic(self) -> str:
        """The message topic of the decision's notice (templates in ``ilja.messages``)."""
        return f"rights_decision_{self.kind.value}"

    @property
    def prior_notice_topic(self) -> str | None:
        return f"rights_prior_notice_{self.kind.value}" if self.takes_away else None


APPEAL_DECIDED_TOPIC = "rights_appeal_decided"

CATALOGUE: dict[DecisionKind, Entry] = {e.kind: e for e in (
    Entry(DecisionKind.NOT_ELIGIBLE, Text("신청 자격 미달", "Not eligible"),
          Text("모집 공고의 신청 자격 조건 (공고일·시작일 기준 규칙과 그 근거 문서) — 충족하지 못한 조건과 그 값은 "
               "사유에 적었습니다. 행정절차법 제23조에 따라 근거와 이유를 제시합니다.",
               "The eligibility conditions of the round's notice (the rules in force on its dates and the "
               "documents they rest on); the conditions not met and their values are in the reasons. "
               "Reasons and basis are given under Administrative Procedures Act §23."),
          False, Text("자격 판정을 다시 계산합니다 (신청 당시 규칙으로).",
                      "The eligibility is evaluated again (with the rules of the application's dates).")),
    Entry(DecisionKind.NOT_SELECTED, Text("미선발", "Not selected"),
          Text("모집 공고의 선발 기준 (점수, 우선 선발, 모집 인원)과 공개 추첨 — 점수와 순위는 사유에 적었습니다. "
               "행정절차법 제23조에 따라 근거와 이유를 제시합니다.",
               "The selection rules of the round's notice (score, priority groups, seats) and the public "
               "draw; your score and rank are in the reasons (Administrative Procedures Act §23)."),
          False, Text("선발로 바꿉니다 (추가 선발; 이미 선발된 사람의 자리는 그대로).",
                      "You are selected (an added seat; nobody selected loses theirs).")),
    Entry(DecisionKind.WAITLISTED, Text("예비 선발", "Waitlisted"),
          Text("모집 공고의 선발 기준과 공개 추첨 — 예비 순번은 사유에 적었습니다 (행정절차법 제23조).",
               "The selection rules of the round's notice and the public draw; your waitlist place is in "
               "the reasons (Administrative Procedures Act §23)."),
          False, Text("선발로 바꿉니다 (예비 순번의 다음 사람들은 한 자리씩 앞당겨집니다).",
                      "You are selected (those behind you on the waitlist move up a place).")),
    Entry(DecisionKind.DROPOUT, Text("중도 탈락", "Dropped from the course"),
          Text("과정의 중도 탈락 기준 (평가 점수·출석, 기수 시작일 기준) — 사실과 수치는 사유에 적었습니다. "
               "권익을 제한하는 처분이므로 행정절차법 제21조에 따라 미리 알리고 의견을 듣습니다.",
               "The course's dropout rule (scores and attendance, as in force when the cohort started); "
               "the facts and figures are in the reasons. It takes something away, so you are told first "
               "and may answer (Administrative Procedures Act §21)."),
          True, Text("탈락을 취소하고 입교를 되살립니다.", "The dropout is reversed and the enrolment restored.")),
    Entry(DecisionKind.REPARTICIPATION_EXCLUDED, Text("재참여 제한", "Excluded from taking part again"),
          Text("사전 통보 없는 포기(무단 포기)에 대한 재참여 제한 기준 — 권익을 제한하므로 행정절차법 제21조에 따라 "
               "미리 알리고 의견을 듣습니다.",
               "The re-participation restriction after leaving without notice; it takes something away, so "
               "you are told first and may answer (Administrative Procedures Act §21)."),
          True, Text("포기를 사전 통보한 포기로 고쳐 재참여 제한을 없앱니다.",
                     "The leaving is recorded as with notice, which lifts the restriction.")),
    Entry(DecisionKind.PAY_CORRECTION, Text("임금 정정", "Pay corrected"),
          Text("승인된 근무기록의 정정과 근로기준법·사업 지침의 임금 계산 — 정정 전후의 기록은 사유에 적었습니다 "
               "(행정절차법 제23조).",
               "The correction of an approved timesheet and the pay rules (Labor Standards Act, the "
               "program's guidelines); the day before and after is in the reasons (Administrative "
               "Procedures Act §23)."),
          False, Text("정정 전 기록으로 되돌리고 차액을 다음 급여에 반영합니다.",
                      "The day is restored and the difference is paid in the next payroll run.")),
    Entry(DecisionKind.CLAIM_REFUSED, Text("지원금 신청 반려", "Support claim refused"),
          Text("지원 사업의 지급 기준 — 반려 사유는 사유에 적었습니다 (행정절차법 제23조).",
               "The support program's payment rules; why the claim was refused is in the reasons "
               "(Administrative Procedures Act §23)."),
          False, Text("신청을 승인합니다.", "The claim is approved.")),
    Entry(DecisionKind.PLACEMENT_ENDED, Text("배치 종료", "Placement ended"),
          Text("일자리 사업의 근무 중단 기준 — 사실과 근거는 사유에 적었습니다. 권익을 제한하는 처분이므로 "
               "행정절차법 제21조에 따라 미리 알리고 의견을 듣습니다.",
               "The program's rules for ending a placement; the facts and basis are in the reasons. It "
               "takes something away, so you are told first and may answer (Administrative Procedures "
               "Act §21)."),
          True, Text("배치를 되살립니다 (종료일 이후 근무기록을 다시 입력합니다).",
                     "The placement is restored (days after the end are entered again).")),
)}
