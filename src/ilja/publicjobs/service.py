"""Placements and timesheets: load, check with the pure modules, save; every write audited.

A selected application is placed through the applications service (selected → placed), an early
leaver (중도 포기) leaves through it (placed → quit), and the replacement is another selected
application placed for the rest of the period with ``replaces_id`` pointing at the leaver.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ilja import clock, files
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.applications import rounds, statuses
from ilja.applications import service as applications
from ilja.applications.models import ApplicationStatus
from ilja.attendance.records import PROTECTED
from ilja.errors import IljaError
from ilja.people.registry import get_person, person_format
from ilja.programs.loader import load_plan
from ilja.publicjobs import decisions
from ilja.publicjobs.models import (
    Placement,
    PlacementEvent,
    PlacementStatus,
    Project,
    TimesheetApproval,
    TimesheetCorrection,
    TimesheetEntryRow,
)
from ilja.publicjobs.project_input import ProjectFrame, ProjectInput, ProjectProblem, check_project
from ilja.publicjobs.timesheet import (
    EntryKind,
    InvalidRow,
    PlacementTerms,
    TimesheetEntry,
    TimesheetInvalid,
    WorkPattern,
    missing_days,
    month_range,
    parse_rows,
    validate_entries,
)
from ilja.rules.parameters import ParameterTree, default_tree
from ilja.rules.placement import age_on, foreign_student_pilot, work_hours

TIMESHEET_MAX_BYTES = 16 * 1024**2  # a year of a large project's days is a few megabytes
FOREIGN_STUDENT_TRACK = "attractive_jobs.foreign_students"


class PublicJobError(IljaError):
    """A refused operation, with a Korean and an English message (409 unless a kind says
    otherwise); its code is the kind's name in snake case (``MonthApproved``: month_approved)."""

    code = "refused"
    status_code = 409

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "code" not in cls.__dict__:
            cls.code = re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()

    def __init__(self, ko: str, en: str, *, loc: tuple[str, ...] | None = None):
        super().__init__(ko, en, loc=loc)
        self.ko, self.en = ko, en


class NotFound(PublicJobError):
    status_code = 404


class MonthApproved(PublicJobError):
    def __init__(self, month: int):
        super().__init__(f"{month // 100}년 {month % 100}월 근무기록은 이미 승인되었습니다. "
                         "정정은 사유와 함께 입력하십시오.",
                         f"{month // 100}-{month % 100:02d} is approved: enter a correction with a reason.")


def month_key(year: int, month: int) -> int:
    return year * 100 + month



# ----------------------------------------------------------------------------------------------
# Projects
# ----------------------------------------------------------------------------------------------
class InvalidProject(PublicJobError):
    """A project's set-up with problems (every one, by field): nothing was stored."""

    def __init__(self, problems: Sequence[ProjectProblem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.ko for p in self.problems), "; ".join(p.en for p in self.problems))


PROGRAM_KINDS = ("public_job", "pilot")


def project_programs() -> list[str]:
    """The programs a project may belong to: the plan's public jobs (and their pilots)."""
    return [p.code for p in load_plan().programs if p.kind in PROGRAM_KINDS]


def project_tracks(program_code: str) -> list[str]:
    """A project's possible track: one of its program's tracks in the plan, or a pilot under it."""
    plan = load_plan()
    root = program_code.split(".")[0]
    try:
        tracks = [t.code for t in plan.program(root).tracks]
    except KeyError:
        return []
    return tracks + [p.code for p in plan.children(root)]


def project_frame(program_code: str) -> ProjectFrame:
    plan = load_plan()
    try:
        periods = [(p.start, p.end or p.start) for p in plan.program(program_code.split(".")[0]).periods]
    except KeyError:
        periods = []
    return ProjectFrame(programs=project_programs(), tracks=project_tracks(program_code),
                        districts=[d.code for d in plan.districts], periods=periods,
                        today=clock.today())


def _check(session: Session, data: ProjectInput, project_id: int | None = None) -> None:
    problems = check_project(data, project_frame(data.program_code))
    taken = session.scalar(select(Project.id).where(Project.code == data.code))
    if taken is not None and taken != project_id:
        problems.append(ProjectProblem("code", "이미 쓰이는 사업코드입니다.", "This code is taken."))
    if project_id is not None:
        active = active_count(session, project_id)
        if data.seats < active:
            problems.append(ProjectProblem("seats", f"근무 중인 참여자({active}명)보다 적게 줄일 수 없습니다.",
                                           f"Fewer than the {active} people at work."))
    if problems:
        raise InvalidProject(problems)


def _host_problem(scope: Scope) -> InvalidProject:
    return InvalidProject([ProjectProblem(
        "host_code", f"본인 기관의 사업만 등록할 수 있습니다 (기관 코드 {scope.site_code or '없음'}).",
        f"You can set up your own site's projects only (site code {scope.site_code or 'none'}).")])


def create_project(session: Session, data: ProjectInput, *, actor: audit.Actor,
                   scope: Scope = SYSTEM) -> Project:
    """Store a checked project; a host (operator) may create only a project of their own site."""
    _check(session, data)
    project = Project(**data.values())
    session.add(project)
    session.flush()
    if scope.get(session, Kind.PROJECT, project.id) is None:
        raise _host_problem(scope)  # the caller's transaction is rolled back: nothing stays
    audit.record(session, actor, "publicjobs.project.create", object_type="publicjob_project",
                 object_id=project.id)
    return project


def update_project(session: Session, project_id: int, data: ProjectInput, *, actor: audit.Actor,
                   scope: Scope = SYSTEM) -> Project:
    """Change a project in scope; the program and the host's site stay once people are placed,
    and the seats never fall below those at work (the audit keeps what changed)."""
    project = get_project(session, project_id, scope)
    _check(session, data, project_id)
    placed = session.scalar(select(Placement.id).where(Placement.project_id == project_id).limit(1))
    if placed is not None and (data.program_code, data.host_code) != (project.program_code, project.host_code):
        raise InvalidProject([ProjectProblem(
            "program_code" if data.program_code != project.program_code else "host_code",
            "배치된 참여자가 있어 사업과 기관 코드는 바꿀 수 없습니다.",
            "People are placed: the program and the host's site are fixed.")])
    before = {k: getattr(project, k) for k in data.values()}
    for key, value in data.values().items():
        setattr(project, key, value)
    session.flush()
    if scope.get(session, Kind.PROJECT, project.id) is None:
        raise _host_problem(scope)
    changed = {k: [str(before[k]), str(v)] for k, v in data.values().items() if before[k] != v}
    audit.record(session, actor, "publicjobs.project.update", object_type="publicjob_project",
                 object_id=project.id, details={"changed": changed})
    return project


def get_project(session: Session, project_id: int, scope: Scope = SYSTEM) -> Project:
    """The project, if it is within ``scope`` (a host's own): else not found, never "forbidden"."""
    project = scope.get(session, Kind.PROJECT, project_id)
    if project is None:
        raise NotFound("사업을 찾을 수 없습니다.", f"no project {project_id}")
    return project


def projects(session: Session, *, scope: Scope = SYSTEM, program_code: str | None = None) -> list[Project]:
    query = select(Project).where(scope.where(Kind.PROJECT)).order_by(Project.code)
    if program_code is not None:
        query = query.where(Project.program_code == program_code)
    return list(session.scalars(query))


def active_count(session: Session, project_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Placement).where(
        Placement.project_id == project_id, Placement.status == PlacementStatus.ACTIVE.value)) or 0


def free_seats(session: Session, project: Project) -> int:
    """Seats not taken by someone at work (a leaver's seat is free again for a replacement)."""
    return max(0, project.seats - active_count(session, project.id))


def placements_of(session: Session, project_id: int) -> list[Placement]:
    return list(session.scalars(select(Placement).where(Placement.project_id == project_id)
                                .order_by(Placement.status, Placement.start_on, Placement.id)))


# ----------------------------------------------------------------------------------------------
# Placements
# ----------------------------------------------------------------------------------------------
def program_period(program_code: str, on: dt.date) -> tuple[dt.date, dt.date]:
    """The plan's period containing ``on`` (or starting after it): 동행일자리 1-10 – 6-30 and
    7-1 – 12-20, 매력일자리 March – December (seoul-2025-jobs-plan §2)."""
    code = program_code.split(".")[0]
    periods = sorted(load_plan().program(code).periods, key=lambda p: p.start)
    for period in periods:
        end = period.end or period.start
        if on <= end:
            return period.start, end
    raise PublicJobError("사업 기간이 아닙니다.", f"{on} is after every period of {program_code}")


def project_period(project: Project, on: dt.date) -> tuple[dt.date, dt.date]:
    """The project's own period when it has one, else the plan's period of its program."""
    if project.starts_on is not None and project.ends_on is not None:
        return project.starts_on, project.ends_on
    return program_period(project.program_code, on)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def place(session: Session, *, project_id: int, person_id: int, actor: audit.Actor,
          application_id: int | None = None, start_on: dt.date | None = None,
          end_on: dt.date | None = None, replaces_id: int | None = None,
          note: str | None = None, tree: ParameterTree | None = None,
          scope: Scope = SYSTEM) -> Placement:
    """Place a person (from a selected application when one is given) in a project in
    ``scope``, for the project's period (else the plan's) or the part of it asked for."""
    tree = tree or default_tree()
    project = get_project(session, project_id, scope)
    person = get_person(session, person_id)
    if person is None:
        raise NotFound("대상자를 찾을 수 없습니다.", f"no person {person_id}")
    if application_id is not None:
        application = applications.get_application(session, application_id)
        if application.person_id != person_id:
            raise PublicJobError("신청자와 대상자가 다릅니다.", "The application is another person's")
        round_row = rounds.get_round(session, application.round_id)
        if round_row.program_code.split(".")[0] != project.program_code.split(".")[0]:
            raise PublicJobError("다른 사업의 신청입니다.", "The application is for another program")
        start_on = start_on or round_row.starts_on
        statuses.change_status(session, application_id, ApplicationStatus.PLACED, actor=actor,
                               note=note or f"배치: {project.code}")
    start = start_on or project.starts_on or program_period(project.program_code, clock.today())[0]
    period_start, period_end = project_period(project, start)
    start = max(start, period_start)
    end = min(end_on or period_end, period_end)
    if end < start:
        raise PublicJobError("근무 종료일이 시작일보다 빠릅니다.", "The end is before the start")
    rules_used: dict = {}
    if project.track_code == FOREIGN_STUDENT_TRACK:
        pilot = foreign_student_pilot(person_format(person), start, tree)
        if not pilot.allowed:
            raise PublicJobError(
                "외국인 유학생 시범사업 참여 조건을 충족하지 않습니다: "
                + "; ".join(pilot.explanation("ko")),
                "The foreign-student pilot's conditions are not met: "
                + "; ".join(pilot.explanation("en")))
        rules_used["pilot"] = {"parameter_version": pilot.parameter_version,
                               "code_version": pilot.code_version}
    pattern = work_hours(project.program_code, person.birth_date, start, tree)
    rules_used["work_hours"] = {"code_version": pattern.code_version, "parameters": {
        use.name: use.start.isoformat() for use in pattern.parameters}}
    placement = Placement(
        project_id=project.id, program_code=project.program_code.split(".")[0],
        track_code=project.track_code, person_id=person_id, application_id=application_id,
        start_on=start, end_on=end, planned_end_on=end, daily_milli_hours=pattern.daily_milli_hours,
        days_per_week=pattern.days_per_week, status=PlacementStatus.ACTIVE.value,
        pension_exempt_from=_add_years(person.birth_date, int(
            tree.value("publicjobs.deductions.national_pension_max_age", start))),
        employment_insurance_exempt=age_on(person.birth_date, start) >= int(
            tree.value("publicjobs.deductions.employment_insurance_excluded_hire_age", start)),
        replaces_id=replaces_id, created_at=clock.now())
    session.add(placement)
    session.flush()
    _event(session, placement, "placed", actor, note,
           {"project": project.id, "rules": rules_used}
           | ({"replaces": replaces_id} if replaces_id else {}))
    audit.record(session, actor, "publicjobs.place", subject_person_id=person_id,
                 object_type="publicjob_placement", object_id=placement.id)
    return placement


def _event(session: Session, placement: Placement, kind: str, actor: audit.Actor,
           note: str | None, details: dict | None = None) -> None:
    session.add(PlacementEvent(placement_id=placement.id, kind=kind, note=note, details=details,
                               actor_id=actor.id, at=clock.now()))


def get_placement(session: Session, placement_id: int, scope: Scope = SYSTEM) -> Placement:
    placement = scope.get(session, Kind.PLACEMENT, placement_id)
    if placement is None:
        raise NotFound("배치를 찾을 수 없습니다.", f"no placement {placement_id}")
    return placement


def leave(session: Session, placement_id: int, *, left_on: dt.date, reason: str,
          actor: audit.Actor, scope: Scope = SYSTEM) -> Placement:
    """중도 포기: the placement ends on ``left_on`` (its last paid day)."""
    if not reason.strip():
        raise PublicJobError("사유를 입력하십시오.", "Say why")
    placement = get_placement(session, placement_id, scope)
    if placement.status != PlacementStatus.ACTIVE:
        raise PublicJobError("근무 중인 배치가 아닙니다.", "The placement is not active")
    if not placement.start_on - dt.timedelta(days=1) <= left_on <= placement.end_on:
        raise PublicJobError("포기일이 근무 기간 밖입니다.", "The leaving date is outside the period")
    stored = session.scalars(select(TimesheetEntryRow).where(
        TimesheetEntryRow.placement_id == placement_id, TimesheetEntryRow.day > left_on)).first()
    if stored is not None:
        raise PublicJobError("포기일 이후의 근무기록이 있습니다.", "There are timesheet days after the leaving date")
    placement.status = PlacementStatus.LEFT.value
    placement.end_on = left_on
    _event(session, placement, "left", actor, reason.strip(), {"left_on": left_on.isoformat()})
    if placement.application_id is not None:
        statuses.change_status(session, placement.application_id, ApplicationStatus.QUIT,
                               actor=actor, note=reason.strip())
    audit.record(session, actor, "publicjobs.leave", subject_person_id=placement.person_id,
                 object_type="publicjob_placement", object_id=placement.id)
    return placement


def replace(session: Session, placement_id: int, *, application_id: int | None, person_id: int,
            start_on: dt.date, actor: audit.Actor, note: str | None = None) -> Placement:
    """Fill a leaver's place with a selected application (promoted from the waitlist by the
    selection service) for the rest of the leaver's period."""
    leaver = get_placement(session, placement_id)
    if leaver.status != PlacementStatus.LEFT:
        raise PublicJobError("중도 포기한 배치만 대체할 수 있습니다.", "Only a leaver can be replaced")
    if start_on <= leaver.end_on:
        raise PublicJobError("대체 근무는 포기일 다음 날부터입니다.", "A replacement starts after the leaving date")
    placement = place(session, project_id=leaver.project_id, person_id=person_id, actor=actor,
                      application_id=application_id, start_on=start_on, end_on=leaver.planned_end_on,
                      replaces_id=leaver.id, note=note or f"대체 배치 (#{leaver.id})")
    _event(session, leaver, "replaced", actor, note, {"by": placement.id})
    return placement


def history(session: Session, placement_id: int) -> list[PlacementEvent]:
    return list(session.scalars(select(PlacementEvent).where(
        PlacementEvent.placement_id == placement_id).order_by(PlacementEvent.id)))


# ----------------------------------------------------------------------------------------------
# Timesheets
# ----------------------------------------------------------------------------------------------
def terms_of(placement: Placement) -> PlacementTerms:
    return PlacementTerms(placement.id, placement.start_on, placement.end_on,
                          WorkPattern(placement.daily_milli_hours, placement.days_per_week))


def project_placements(session: Session, project_id: int, year: int, month: int) -> list[Placement]:
    first, last = month_range(year, month)
    return list(session.scalars(select(Placement).where(
        Placement.project_id == project_id, Placement.start_on <= last, Placement.end_on >= first,
    ).order_by(Placement.id)))


def month_entries(session: Session, placement_ids: Sequence[int], year: int, month: int,
                  ) -> list[TimesheetEntry]:
    first, last = month_range(year, month)
    rows = session.execute(select(
        TimesheetEntryRow.placement_id, TimesheetEntryRow.day, TimesheetEntryRow.kind,
        TimesheetEntryRow.milli_hours).where(
        TimesheetEntryRow.placement_id.in_(list(placement_ids)),
        TimesheetEntryRow.day >= first, TimesheetEntryRow.day <= last).order_by(
        TimesheetEntryRow.placement_id, TimesheetEntryRow.day))
    return [TimesheetEntry(p, d, EntryKind(k), h) for p, d, k, h in rows]


def is_approved(session: Session, project_id: int, year: int, month: int) -> bool:
    return session.scalar(select(TimesheetApproval.id).where(
        TimesheetApproval.project_id == project_id,
        TimesheetApproval.month == month_key(year, month))) is not None


def _statutory(tree: ParameterTree, on: dt.date) -> int:
    return int(tree.value("publicjobs.timesheet.statutory_daily_hours", on))


def protected(session: Session, placement_ids: list[int], first: dt.date, last: dt.date
              ) -> dict[tuple[int, dt.date], tuple[str, int]]:
    """Entries recorded by check-in, an excused absence or an override, with their kind and
    hours: the host's form keeps them and may not give them another."""
    if not placement_ids:
        return {}
    return {(p, d): (k, h) for p, d, k, h in session.execute(select(
        TimesheetEntryRow.placement_id, TimesheetEntryRow.day, TimesheetEntryRow.kind, TimesheetEntryRow.milli_hours)
        .where(TimesheetEntryRow.placement_id.in_(placement_ids), TimesheetEntryRow.day >= first,
               TimesheetEntryRow.day <= last, TimesheetEntryRow.method.in_(sorted(PROTECTED))))}


def enter_month(session: Session, project_id: int, year: int, month: int,
                entries: Iterable[TimesheetEntry], *, actor: audit.Actor,
                tree: ParameterTree | None = None) -> int:
    """Replace the project's not yet approved month with ``entries`` (the host's form)."""
    tree = tree or default_tree()
    if is_approved(session, project_id, year, month):
        raise MonthApproved(month_key(year, month))
    placements = {p.id: terms_of(p) for p in project_placements(session, project_id, year, month)}
    first, last = month_range(year, month)
    numbered = list(enumerate(entries, start=1))
    problems = validate_entries(numbered, placements, statutory_daily_hours=_statutory(tree, last))
    problems += [InvalidRow(row, "date", "other_month", f"{e.day} is not in {year}-{month:02d}")
                 for row, e in numbered if not first <= e.day <= last]
    kept = protected(session, list(placements), first, last)  # check-ins, excused days: the person's
    problems += [InvalidRow(row, "kind", "recorded_otherwise",
                            f"{e.day} was recorded by check-in or as an excused absence: correct it instead")
                 for row, e in numbered if kept.get((e.placement_id, e.day), (e.kind.value, e.milli_hours))
                 != (e.kind.value, e.milli_hours)]
    if problems:
        raise TimesheetInvalid(sorted(problems, key=lambda p: p.row))
    session.execute(delete(TimesheetEntryRow).where(
        TimesheetEntryRow.placement_id.in_(list(placements)), TimesheetEntryRow.method.not_in(sorted(PROTECTED)),
        TimesheetEntryRow.day >= first, TimesheetEntryRow.day <= last))
    _insert(session, [e for _, e in numbered if (e.placement_id, e.day) not in kept], actor)
    audit.record(session, actor, "publicjobs.timesheet.enter", object_type="publicjob_project",
                 object_id=project_id, details={"month": month_key(year, month), "rows": len(numbered)})
    return len(numbered)


def _insert(session: Session, entries: Sequence[TimesheetEntry], actor: audit.Actor) -> None:
    if entries:
        session.execute(TimesheetEntryRow.__table__.insert(), [
            {"placement_id": e.placement_id, "day": e.day, "kind": e.kind.value,
             "milli_hours": e.milli_hours, "entered_by": actor.id} for e in entries])


def import_rows(session: Session, project_id: int, rows: Iterable[dict], *, actor: audit.Actor,
                tree: ParameterTree | None = None) -> int:
    """Add imported rows (XLSX/CSV cells) to the project's timesheets: all rows or none."""
    tree = tree or default_tree()
    all_placements = {p.id: terms_of(p) for p in session.scalars(
        select(Placement).where(Placement.project_id == project_id))}
    stored = session.execute(select(TimesheetEntryRow.placement_id, TimesheetEntryRow.day).where(
        TimesheetEntryRow.placement_id.in_(list(all_placements)))).all()
    entries = parse_rows(rows, all_placements, statutory_daily_hours=_statutory(tree, clock.today()),
                         existing=[(p, d) for p, d in stored])
    approved = {a for (a,) in session.execute(select(TimesheetApproval.month).where(
        TimesheetApproval.project_id == project_id))}
    late = [InvalidRow(i, "date", "month_approved", f"{e.day:%Y-%m} is approved: use a correction")
            for i, e in enumerate(entries, start=2) if month_key(e.day.year, e.day.month) in approved]
    if late:
        raise TimesheetInvalid(late)
    _insert(session, entries, actor)
    audit.record(session, actor, "publicjobs.timesheet.import", object_type="publicjob_project",
                 object_id=project_id, details={"rows": len(entries)})
    return len(entries)


def read_xlsx(source: BinaryIO | Path) -> list[dict]:
    """Rows of the first sheet as cells keyed by the header (Korean headers accepted); a file
    ``files.read_table`` refuses raises ``files.UnreadableTable``."""
    aliases = {"배치번호": "placement", "날짜": "date", "구분": "kind", "시간": "hours"}
    data = source.read_bytes() if isinstance(source, Path) else source.read()
    lines = iter(files.read_table(data, "timesheet.xlsx", max_bytes=TIMESHEET_MAX_BYTES))
    header = [aliases.get(str(h or "").strip(), str(h or "").strip().lower()) for h in next(lines, [])]
    return [dict(zip(header, line, strict=False)) for line in lines]


def approve_month(session: Session, project_id: int, year: int, month: int, *,
                  actor: audit.Actor) -> TimesheetApproval:
    """The host confirms the month; every working day of every placement must be entered."""
    if is_approved(session, project_id, year, month):
        raise MonthApproved(month_key(year, month))
    placements = project_placements(session, project_id, year, month)
    entries = month_entries(session, [p.id for p in placements], year, month)
    gaps = {p.id: missing_days(terms_of(p), entries, year, month) for p in placements}
    gaps = {k: v for k, v in gaps.items() if v}
    if gaps:
        first = next(iter(gaps))
        raise PublicJobError(f"근무기록이 없는 근무일이 있습니다 (배치 {first}: {gaps[first][0]} 외).",
                             f"Working days without an entry (placement {first}: {gaps[first][0]} …)")
    approval = TimesheetApproval(project_id=project_id, month=month_key(year, month),
                                 approved_by=actor.id, approved_at=clock.now())
    session.add(approval)
    session.flush()
    audit.record(session, actor, "publicjobs.timesheet.approve", object_type="publicjob_project",
                 object_id=project_id, details={"month": month_key(year, month)})
    return approval


def correct_entry(session: Session, placement_id: int, entry: TimesheetEntry, *, reason: str,
                  actor: audit.Actor, tree: ParameterTree | None = None,
                  decision: bool = True) -> TimesheetCorrection:
    """Change a day of an approved month: the change and its reason are kept and the pay
    difference is carried into the next payroll run. The participant is told why and how to
    contest it (``ilja.rights``), unless the correction itself undoes one (``decision=False``)."""
    tree = tree or default_tree()
    if not reason.strip():
        raise PublicJobError("정정 사유를 입력하십시오.", "A correction needs a reason")
    placement = get_placement(session, placement_id)
    if not is_approved(session, placement.project_id, entry.day.year, entry.day.month):
        raise PublicJobError("승인 전 기록은 근무기록 입력에서 고칩니다.", "The month is not approved: edit it")
    entry = TimesheetEntry(placement_id, entry.day, entry.kind, entry.milli_hours)
    problems = validate_entries([(1, entry)], {placement_id: terms_of(placement)},
                                statutory_daily_hours=_statutory(tree, entry.day))
    if problems:
        raise TimesheetInvalid(problems)
    row = session.scalar(select(TimesheetEntryRow).where(
        TimesheetEntryRow.placement_id == placement_id, TimesheetEntryRow.day == entry.day))
    before = {"kind": row.kind, "milli_hours": row.milli_hours} if row else None
    if row is None:
        _insert(session, [entry], actor)
    else:
        row.kind, row.milli_hours, row.entered_by = entry.kind.value, entry.milli_hours, actor.id
    correction = TimesheetCorrection(
        placement_id=placement_id, day=entry.day, month=month_key(entry.day.year, entry.day.month),
        before=before, after={"kind": entry.kind.value, "milli_hours": entry.milli_hours},
        reason=reason.strip(), actor_id=actor.id, at=clock.now())
    session.add(correction)
    session.flush()
    audit.record(session, actor, "publicjobs.timesheet.correct", subject_person_id=placement.person_id,
                 object_type="publicjob_placement", object_id=placement_id, reason=reason.strip(),
                 details={"correction": correction.id})
    if decision:
        decisions.pay_corrected(session, actor, placement=placement, correction=correction)
    return correction
