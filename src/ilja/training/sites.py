"""Which site's training records a caller may see and create: an operator bound to a site
(``UserInfo.site_code``, a campus or institute) works only for that site; managers, auditors and
unbound operators see every site. Shared by the API and the pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ilja.training.models import TrainingCohort, TrainingCourse, TrainingDepartment


def bound_site(principal: Any) -> str | None:
    """The site a site-bound operator works for; None for everyone else."""
    user = getattr(principal, "user", None)
    site = user.site_code if user else None
    role = getattr(principal, "role", None)
    return site if site and role is not None and role.value == "operator" else None


def may_use_site(principal: Any, site_code: str | None) -> bool:
    site = bound_site(principal)
    return site is None or site_code == site


def department_visible(principal: Any, department: TrainingDepartment | None) -> bool:
    return department is not None and may_use_site(principal, department.site_code)


def course_visible(session: Session, principal: Any, course: TrainingCourse | None) -> bool:
    return course is not None and department_visible(
        principal, session.get(TrainingDepartment, course.department_id))


def cohort_visible(session: Session, principal: Any, cohort: TrainingCohort | None) -> bool:
    return cohort is not None and course_visible(
        session, principal, session.get(TrainingCourse, cohort.course_id))
