"""Roles and the permission vocabulary, as pure data (DESIGN.md "Who uses it").

Routes declare the permission they need (``requires(Permission.SELECTION_RUN)``, later, in the
web layer); this module only says which role holds which permission. Least privilege
(안전성 확보조치 기준 §5 접근 권한의 관리): each role gets what its work needs, the auditor changes
nothing, and the administrator manages accounts and keys but reads no personal data. Unmasked
RRNs (people.read_rrn) are for the program manager alone, who runs payroll and insurance
reporting where a law requires the number (개인정보 보호법 §24-2).

Permissions marked ``personal`` reveal personal data: every use by staff is written to the audit
log (§8), and ``*.export`` also needs a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType

from ilja.errors import IljaError


class Role(StrEnum):
    label_ko: str
    label_en: str

    def __new__(cls, value: str, label_ko: str, label_en: str) -> Role:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label_ko = label_ko
        member.label_en = label_en
        return member

    CITIZEN = ("citizen", "시민", "Citizen")
    JOB_COORDINATOR = ("job_coordinator", "잡코디", "Job coordinator")
    OPERATOR = ("operator", "운영기관", "Operator")
    PROGRAM_MANAGER = ("program_manager", "시 담당자", "Program manager")
    AUDITOR = ("auditor", "감사", "Auditor")
    ADMIN = ("admin", "시스템 관리자", "Administrator")


STAFF_ROLES = frozenset(Role) - {Role.CITIZEN}


class Permission(StrEnum):
    label_ko: str
    label_en: str
    writes: bool
    personal: bool

    def __new__(cls, value: str, label_ko: str, label_en: str, writes: bool = False,
                personal: bool = False) -> Permission:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label_ko = label_ko
        member.label_en = label_en
        member.writes = writes
        member.personal = personal
        return member

    # programs and the plan
    PROGRAM_READ = ("program.read", "사업 안내 조회", "Browse programs")
    PLAN_READ = ("plan.read", "사업계획·예산 조회", "Read plans and budgets")
    PLAN_EDIT = ("plan.edit", "사업계획 편집", "Edit plans", True)
    PARAMETERS_READ = ("parameters.read", "기준 매개변수 조회", "Read rule parameters")
    PARAMETERS_EDIT = ("parameters.edit", "기준 매개변수 편집", "Edit rule parameters", True)
    ROUND_MANAGE = ("round.manage", "모집 공고 관리", "Manage recruitment rounds", True)
    # a citizen's own records
    PROFILE_READ_OWN = ("profile.read_own", "내 정보 조회", "Read own profile")
    PROFILE_EDIT_OWN = ("profile.edit_own", "내 정보 수정", "Edit own profile", True)
    APPLICATION_SUBMIT_OWN = ("application.submit_own", "신청", "Apply", True)
    APPLICATION_READ_OWN = ("application.read_own", "내 신청 조회", "Read own applications")
    # applications and people (staff)
    APPLICATION_READ = ("application.read", "신청서 조회", "Read applications", False, True)
    APPLICATION_IMPORT = ("application.import", "신청서 일괄 등록", "Import applications",
                          True, True)
    APPLICATION_STATUS = ("application.change_status", "신청 상태 변경",
                          "Change application status", True)
    PEOPLE_READ = ("people.read", "대상자 조회(마스킹)", "Read people (masked)", False, True)
    PEOPLE_READ_PERSONAL = ("people.read_personal", "연락처·주소 등 개인정보 조회",
                            "Read personal details (contact, address)", False, True)
    PEOPLE_READ_RRN = ("people.read_rrn", "주민등록번호 조회", "Read full RRN", False, True)
    PEOPLE_EDIT = ("people.edit", "대상자 정보 수정", "Edit people", True, True)
    PEOPLE_MERGE = ("people.merge", "중복 대상자 병합", "Merge duplicate people", True, True)
    PEOPLE_EXPORT = ("people.export", "개인정보 내려받기", "Export personal data", False, True)
    # selection
    SELECTION_READ = ("selection.read", "선발 결과 조회", "Read selection results", False, True)
    SELECTION_RUN = ("selection.run", "선발 실행", "Run a selection", True)
    SELECTION_VERIFY = ("selection.verify", "추첨·선발 검증", "Verify a selection or lottery")
    SELECTION_EXPORT = ("selection.export", "선발 결과 내려받기", "Export selection results",
                        False, True)
    # training and public jobs
    TRAINING_READ = ("training.read", "교육 과정·출결 조회", "Read courses and attendance",
                     False, True)
    TRAINING_MANAGE = ("training.manage", "명단·출결·평가 관리",
                       "Manage rosters, attendance and assessments", True, True)
    PLACEMENT_MANAGE = ("placement.manage", "배치·근무 기록 관리",
                        "Manage placements and timesheets", True, True)
    PAYROLL_READ = ("payroll.read", "급여 조회", "Read payroll", False, True)
    PAYROLL_RUN = ("payroll.run", "급여 계산 실행", "Run payroll", True, True)
    # counselling and matching
    COUNSELLING_READ = ("counselling.read", "상담 기록 조회", "Read counselling notes",
                        False, True)
    COUNSELLING_WRITE = ("counselling.write", "상담 기록 작성", "Write counselling notes",
                         True, True)
    MATCHING_MANAGE = ("matching.manage", "일자리 매칭 제안·확정", "Propose and confirm matches",
                       True, True)
    OUTCOME_RECORD = ("outcome.record", "취업 결과 기록", "Record job outcomes", True, True)
    # reports, audit, administration
    REPORT_READ = ("report.read", "현황·성과 조회", "Read dashboards and reports")
    REPORT_EXPORT = ("report.export", "보고서 내려받기", "Export reports")
    AUDIT_READ = ("audit.read", "접속기록 조회", "Read the audit log", False, True)
    AUDIT_REVIEW = ("audit.review", "접속기록 월간 점검", "Monthly audit-log review", True)
    USERS_MANAGE = ("users.manage", "계정·권한 관리", "Manage accounts and roles", True)
    KEYS_ROTATE = ("keys.rotate", "암호키 교체", "Rotate encryption keys", True)


P = Permission

_CITIZEN = {P.PROGRAM_READ, P.PROFILE_READ_OWN, P.PROFILE_EDIT_OWN, P.APPLICATION_SUBMIT_OWN,
            P.APPLICATION_READ_OWN}
_STAFF_BASE = {P.PROGRAM_READ, P.PLAN_READ, P.REPORT_READ}

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = MappingProxyType({
    Role.CITIZEN: frozenset(_CITIZEN),
    Role.JOB_COORDINATOR: frozenset(_STAFF_BASE | {
        P.APPLICATION_READ, P.PEOPLE_READ, P.PEOPLE_READ_PERSONAL, P.TRAINING_READ,
        P.COUNSELLING_READ, P.COUNSELLING_WRITE, P.MATCHING_MANAGE, P.OUTCOME_RECORD}),
    Role.OPERATOR: frozenset(_STAFF_BASE | {
        P.APPLICATION_READ, P.PEOPLE_READ, P.PEOPLE_READ_PERSONAL, P.SELECTION_READ,
        P.TRAINING_READ, P.TRAINING_MANAGE, P.PLACEMENT_MANAGE, P.PAYROLL_READ}),
    Role.PROGRAM_MANAGER: frozenset(_STAFF_BASE | {
        P.PLAN_EDIT, P.PARAMETERS_READ, P.PARAMETERS_EDIT, P.ROUND_MANAGE,
        P.APPLICATION_READ, P.APPLICATION_IMPORT, P.APPLICATION_STATUS,
        P.PEOPLE_READ, P.PEOPLE_READ_PERSONAL, P.PEOPLE_READ_RRN, P.PEOPLE_EDIT, P.PEOPLE_MERGE,
        P.PEOPLE_EXPORT, P.SELECTION_READ, P.SELECTION_RUN, P.SELECTION_VERIFY,
        P.SELECTION_EXPORT, P.TRAINING_READ, P.PAYROLL_READ, P.PAYROLL_RUN, P.REPORT_EXPORT}),
    Role.AUDITOR: frozenset(_STAFF_BASE | {
        P.PARAMETERS_READ, P.APPLICATION_READ, P.PEOPLE_READ, P.SELECTION_READ,
        P.SELECTION_VERIFY, P.TRAINING_READ, P.PAYROLL_READ, P.AUDIT_READ, P.AUDIT_REVIEW}),
    Role.ADMIN: frozenset({P.PROGRAM_READ, P.PARAMETERS_READ, P.USERS_MANAGE, P.KEYS_ROTATE,
                           P.AUDIT_READ}),
})
"""The auditor's one write is the review record of the monthly check (audit.review)."""

PERSONAL_DATA_ROLES = frozenset(role for role, granted in ROLE_PERMISSIONS.items()
                                if any(p.personal for p in granted))
"""Roles holding a permission that reveals personal data: granting one needs a second
administrator's approval. The administrator is among them (the audit log says whose data was
read), which also keeps one administrator from making a second one to approve their own grants."""


class PermissionDenied(IljaError):
    """The caller's roles lack ``permission`` (a route's ``requires``, a service's ``require``):
    403, the shared "not allowed" page for a browser."""

    code = "permission_denied"
    status_code = 403

    def __init__(self, permission: Permission | None = None) -> None:
        self.permission = permission
        if permission is None:
            super().__init__("권한이 없습니다.", "You do not have permission to do this.")
        else:
            super().__init__(f"권한이 없습니다: {permission.label_ko}",
                             f"You do not have permission to {permission.label_en.lower()}.")


def permissions_for(roles: Role | Iterable[Role]) -> frozenset[Permission]:
    members = [roles] if isinstance(roles, Role) else list(roles)
    return frozenset().union(*(ROLE_PERMISSIONS[role] for role in members))


def has_permission(roles: Role | Iterable[Role], permission: Permission) -> bool:
    return permission in permissions_for(roles)


def require(roles: Role | Iterable[Role], permission: Permission) -> None:
    if not has_permission(roles, permission):
        raise PermissionDenied(permission)


def roles_with(permission: Permission) -> frozenset[Role]:
    return frozenset(role for role, granted in ROLE_PERMISSIONS.items() if permission in granted)
