"""``ilja training``: bulk attendance imports, the dropout rule, cohorts, certificates."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path

import typer

from ilja import clock
from ilja.cli_common import err
from ilja.db import transaction
from ilja.training.errors import TrainingError

training_app = typer.Typer(no_args_is_help=True)


def _actor():
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.accounts import audit

    return audit.Actor(f"cli:{getpass.getuser()}", "operator", "cli")


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        err.print(f"[red]error:[/red] {option} {text!r} is not a date (YYYY-MM-DD)")
        raise typer.Exit(2) from None


def _fail(error) -> None:
    err.print(f"[red]error:[/red] {error.message_ko} ({error.message_en})")
    raise typer.Exit(1) from None


@training_app.command("import-attendance")
def import_attendance(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="XLSX or CSV: 기수, 훈련생번호, 날짜, 출결 (or cohort, "
                                     "trainee, date, mark)."),
    output: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Check every row first (row, column, reason) and write nothing if any row is bad; then
    record every (trainee, day) of the file in one transaction."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.training.attendance_import import AttendanceFileError
    from ilja.training.progress import import_attendance as run_import

    try:
        with err.status("출결 파일 확인 중 (checking the file)…"), transaction() as session:
            result = run_import(session, file, actor=_actor())
    except AttendanceFileError as error:
        if output == "json":
            typer.echo(json.dumps({"problems": [p.as_dict() for p in error.problems],
                                   "total": error.total}, ensure_ascii=False))
        else:
            err.print(f"[red]문제 {error.total:,}건: 아무것도 기록하지 않았습니다[/red] "
                      f"({error.total:,} problem(s); nothing was written)")
            for problem in error.problems[:200]:
                err.print(f"  행 {problem.row}, 열 {problem.column}: {problem.reason}")
        raise typer.Exit(1) from None
    except TrainingError as error:
        _fail(error)
    if output == "json":
        typer.echo(json.dumps({"rows": result.rows, "cohorts": result.cohorts}))
        return
    err.print(f"출결 {result.rows:,}건 기록 (recorded {result.rows:,} marks): "
              f"{', '.join(result.cohorts)}")


@training_app.command("evaluate")
def evaluate(
    cohort: str = typer.Argument(..., help="Cohort code, e.g. MAPO-AI-01."),
    on: str = typer.Option(clock.today().isoformat(), "--on", help="As of this date."),
    output: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Apply the dropout rule in force for the cohort: store and print new warnings and
    dropouts with their reasons."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.training import progress, service

    day = _date(on, "--on")
    try:
        with transaction() as session:
            row = service.cohort_by_code(session, cohort)
            found = progress.evaluate_cohort(session, cohort_id=row.id, on=day, actor=_actor())
            lines = [{"enrolment": f.enrolment_id, "kind": f.kind, "rule": f.rule,
                      "on": f.on.isoformat(), "reason": f.reason_ko} for f in found]
    except TrainingError as error:
        _fail(error)
    if output == "json":
        typer.echo(json.dumps(lines, ensure_ascii=False))
        return
    for line in lines:
        err.print(f"  {line['kind']:8} 입교 {line['enrolment']}: {line['reason']}")
    err.print(f"새 경고·탈락 {len(lines)}건 (new findings: {len(lines)})")


@training_app.command("cohorts")
def cohorts(output: str = typer.Option("text", "--format", help="text or json")) -> None:
    """Every cohort with its capacity, enrolment and dates."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.training import service

    with transaction() as session:
        rows = [{"code": c.code, "capacity": c.capacity, "enrolled": c.enrolled,
                 "starts_on": c.starts_on.isoformat(), "ends_on": c.ends_on.isoformat()}
                for c in service.list_cohorts(session)]
    if output == "json":
        typer.echo(json.dumps(rows))
        return
    for r in rows:
        typer.echo(f"{r['code']:24} {r['enrolled']:>4}/{r['capacity']:<4} "
                   f"{r['starts_on']} ~ {r['ends_on']}")


@training_app.command("certificate")
def certificate(
    enrolment: int = typer.Argument(..., help="Enrolment id of a trainee who completed."),
    output: Path = typer.Option(..., "--output", help="Where to write the PDF."),
) -> None:
    """Write a completer's certificate (수료증) as PDF."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.training import progress

    try:
        with transaction() as session:
            pdf = progress.certificate(session, enrolment_id=enrolment, actor=_actor())
    except TrainingError as error:
        _fail(error)
    output.write_bytes(pdf)
    err.print(f"수료증 → {output}")


@training_app.command("seed-catalogue")
def seed_catalogue(
    decided_on: str = typer.Option("2025-01-02", "--decided-on",
                                   help="Date of the committee decisions that open the courses."),
) -> None:
    """Store the departments and courses of every site from the 2025 plan (idempotent)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.training.catalogue import seed

    day = _date(decided_on, "--decided-on")
    with transaction() as session:
        report = seed(session, actor=_actor(), decided_on=day)
    err.print(f"학과 {report.departments}개, 과정 {report.courses}개 등록, {report.opened}개 개설 "
              f"(departments {report.departments}, courses {report.courses}, "
              f"opened {report.opened})")
