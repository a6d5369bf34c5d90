"""Roles and permissions: who may do what (DESIGN.md "Who uses it")."""

from __future__ import annotations

import re

import pytest

from ilja.accounts.roles import (
    ROLE_PERMISSIONS,
    STAFF_ROLES,
    Permission,
    PermissionDenied,
    Role,
    has_permission,
    permissions_for,
    require,
    roles_with,
)


def test_the_roles_of_the_design() -> None:
    assert {r.value for r in Role} == {"citizen", "job_coordinator", "operator",
                                       "program_manager", "auditor", "admin"}
    assert Role.JOB_COORDINATOR.label_ko == "잡코디"
    assert Role.PROGRAM_MANAGER.label_ko == "시 담당자"
    assert Role.OPERATOR.label_ko == "운영기관"
    assert Role("auditor") is Role.AUDITOR and Role.AUDITOR == "auditor"
    assert all(r.label_ko and r.label_en for r in Role)
    assert Role.CITIZEN not in STAFF_ROLES


def test_permission_vocabulary_is_named_and_labelled() -> None:
    for permission in Permission:
        assert re.fullmatch(r"[a-z]+\.[a-z_]+", permission.value)
        assert permission.label_ko and permission.label_en
    assert Permission("people.read_rrn") is Permission.PEOPLE_READ_RRN


def test_every_role_has_an_entry_and_every_permission_a_holder() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)
    for permission in Permission:
        assert roles_with(permission), permission


def test_only_the_program_manager_reads_full_rrns() -> None:
    assert roles_with(Permission.PEOPLE_READ_RRN) == {Role.PROGRAM_MANAGER}


def test_a_citizen_holds_only_own_record_permissions() -> None:
    granted = permissions_for(Role.CITIZEN)
    assert granted == {Permission.PROGRAM_READ, Permission.PROFILE_READ_OWN,
                       Permission.PROFILE_EDIT_OWN, Permission.APPLICATION_SUBMIT_OWN,
                       Permission.APPLICATION_READ_OWN}
    assert all(p.value.endswith("_own") or p is Permission.PROGRAM_READ for p in granted)


def test_the_auditor_changes_nothing_but_records_the_review() -> None:
    writes = {p for p in permissions_for(Role.AUDITOR) if p.writes}
    assert writes == {Permission.AUDIT_REVIEW}
    for needed in (Permission.SELECTION_VERIFY, Permission.PAYROLL_READ, Permission.AUDIT_READ):
        assert has_permission(Role.AUDITOR, needed)


def test_the_administrator_reads_no_personal_data() -> None:
    personal = {p for p in permissions_for(Role.ADMIN) if p.personal}
    assert personal == {Permission.AUDIT_READ}
    assert not has_permission(Role.ADMIN, Permission.PEOPLE_READ)


@pytest.mark.parametrize(("role", "permission"), [
    (Role.PROGRAM_MANAGER, Permission.SELECTION_RUN),
    (Role.PROGRAM_MANAGER, Permission.PAYROLL_RUN),
    (Role.OPERATOR, Permission.TRAINING_MANAGE),
    (Role.OPERATOR, Permission.PLACEMENT_MANAGE),
    (Role.JOB_COORDINATOR, Permission.COUNSELLING_WRITE),
    (Role.JOB_COORDINATOR, Permission.MATCHING_MANAGE),
    (Role.ADMIN, Permission.USERS_MANAGE),
])
def test_each_role_can_do_its_work(role: Role, permission: Permission) -> None:
    assert has_permission(role, permission)


def test_counselling_notes_stay_with_job_coordinators() -> None:
    assert roles_with(Permission.COUNSELLING_READ) == {Role.JOB_COORDINATOR}


def test_require_and_several_roles() -> None:
    require([Role.OPERATOR, Role.JOB_COORDINATOR], Permission.COUNSELLING_WRITE)
    assert permissions_for([Role.OPERATOR, Role.AUDITOR]) >= permissions_for(Role.AUDITOR)
    with pytest.raises(PermissionDenied) as caught:
        require(Role.CITIZEN, Permission.SELECTION_RUN)
    assert caught.value.code == "permission_denied"
    assert caught.value.permission is Permission.SELECTION_RUN
    assert "선발 실행" in caught.value.message_ko
    assert permissions_for([]) == frozenset()
