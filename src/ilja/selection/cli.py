"""``ilja select prepare|run|verify|export|stats --round R`` and ``ilja select lapse-offers``
(also ``ilja selection …``).

``verify`` exits 1 when the stored selection is not exactly what its seed and inputs give.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import typer

from ilja.applications.cli import cli_actor, fail
from ilja.applications.errors import ApplicationError
from ilja.cli_common import out
from ilja.db import transaction
from ilja.files import write_atomically

select_app = typer.Typer(no_args_is_help=True)
RoundOption = typer.Option(..., "--round", help="The round's id.")
FormatOption = typer.Option("text", "--format", help="text or json")


def _run_record(row) -> dict:
    return {"round": row.round_id, "status": row.status, "commitment": row.commitment,
            "seed": row.seed, "code_version": row.code_version, "input_hash": row.input_hash,
            "output_hash": row.output_hash, "current_output_hash": row.current_output_hash,
            "applicants": row.applicants}


@select_app.command("prepare")
def prepare(round_id: int = RoundOption, output: str = FormatOption) -> None:
    """Close the round and record the draw with its published seed commitment."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.selection import service

    try:
        with transaction() as session:
            record = _run_record(service.prepare_draw(session, round_id, actor=cli_actor()))
    except ApplicationError as error:
        raise fail(error) from None
    if output == "json":
        typer.echo(json.dumps(record))
        return
    out.print(f"모집 공고 {round_id}: 접수 마감, 추첨 준비 (prepared). "
              f"씨앗값 지문 (commitment) {record['commitment']}")


@select_app.command("run")
def run(round_id: int = RoundOption, output: str = FormatOption) -> None:
    """Draw the round once; running it again shows the same run and selects nobody twice."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.selection import service

    try:
        with transaction() as session:
            result = service.run_selection(session, round_id, actor=cli_actor())
            record = {**_run_record(result.run), "drawn_now": result.drawn,
                      "stats": {k: v for k, v in (result.run.stats or {}).items()
                                if k not in ("units", "groups")}}
    except ApplicationError as error:
        raise fail(error) from None
    if output == "json":
        typer.echo(json.dumps(record, ensure_ascii=False))
        return
    stats = record["stats"]
    what = "선발했습니다 (drawn)" if result.drawn else "이미 선발된 결과입니다 (drawn before)"
    out.print(f"모집 공고 {round_id}: {what}")
    out.print(f"  신청 {stats.get('applicants', 0):,}명, 정원 {stats.get('seats', 0):,}명, "
              f"경쟁률 {stats.get('competition_rate')}:1 — 선발 {stats.get('selected', 0):,}, "
              f"예비 {stats.get('waitlisted', 0):,}")
    out.print(f"  씨앗값 (seed) {record['seed']}\n  입력 해시 {record['input_hash']}\n"
              f"  결과 해시 {record['output_hash']}")


@select_app.command("verify")
def verify(round_id: int = RoundOption, output: str = FormatOption) -> None:
    """Re-run the draw from the stored inputs and prove the stored result bit for bit."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.selection import service

    try:
        with transaction() as session:
            report = service.verify(session, round_id, actor=cli_actor("auditor"))
    except ApplicationError as error:
        raise fail(error) from None
    checks = {"commitment": report.check.commitment_matches, "inputs": report.check.inputs_match,
              "recorded_outputs": report.check.recorded_outputs_match,
              "rerun": report.check.rerun_matches, "withdrawals": report.withdrawals_replayed,
              "current": report.current_matches}
    if output == "json":
        typer.echo(json.dumps({"round": round_id, "ok": report.ok, "checks": checks,
                               "seed": report.seed, "commitment": report.commitment,
                               "input_hash": report.input_hash,
                               "output_hash": report.output_hash,
                               "rerun_output_hash": report.rerun_output_hash,
                               "same_code_version": report.check.same_code_version}))
    else:
        for name, ok in checks.items():
            out.print(f"  {'✔' if ok else '✘'} {name}")
        out.print(f"  commitment {report.commitment}\n  seed       {report.seed}\n"
                  f"  output     {report.output_hash}\n  rerun      {report.rerun_output_hash}")
        out.print("[green]검증됨 ✔ (verified)[/green]" if report.ok
                  else "[red]검증 실패 ✘ (does not match)[/red]")
    if not report.ok:
        raise typer.Exit(1)


@select_app.command("export")
def export(round_id: int = RoundOption,
           output_path: Path = typer.Option(..., "--output", help="The XLSX file to write."),
           reason: str = typer.Option(..., "--reason", help="Why (다운로드 사유, audited).")) -> None:
    """Write the results (score, rank, outcome, reasons, statistics, verification) to XLSX.

    The file is written after the export's audit entry is committed, and whole (renamed into
    place): a crash never leaves a file of results that the audit log does not know of.
    """
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.selection import service

    buffer = io.BytesIO()
    try:
        with transaction() as session:
            rows = service.export_results(session, round_id, buffer, reason=reason,
                                          actor=cli_actor())
    except ApplicationError as error:
        raise fail(error) from None
    write_atomically(output_path, buffer.getvalue())
    out.print(f"{rows:,}명의 결과를 썼습니다 (wrote): {output_path}")


@select_app.command("stats")
def stats(round_id: int = RoundOption, output: str = FormatOption) -> None:
    """경쟁률 per round, field and unit (from the applications' first choices)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.selection import service

    try:
        with transaction() as session:
            figures = service.competition(session, round_id)
    except ApplicationError as error:
        raise fail(error) from None
    if output == "json":
        typer.echo(json.dumps(figures.__dict__, ensure_ascii=False))
        return
    out.print(f"모집 공고 {round_id}: 지원 {figures.applicants:,}명 / 정원 {figures.seats:,}명 "
              f"= {figures.rate or '—'}:1")
    for group in figures.groups:
        out.print(f"  분야 {group['group']}: {group['applicants']:,} / {group['seats']:,} = "
                  f"{group['competition_rate'] or '—'}:1")
    for unit in figures.units:
        out.print(f"    {unit['unit']}: {unit['applicants']:,} / {unit['seats']:,} = "
                  f"{unit['competition_rate'] or '—'}:1")


@select_app.command("lapse-offers")
def lapse_offers(round_id: int | None = typer.Option(None, "--round", help="Only this round."),
                 output: str = FormatOption) -> None:
    """Withdraw every selected applicant whose offer is past its deadline and promote the next
    on the waitlist, each notified (a periodic job: run it hourly from cron or a timer)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.selection import offer_service

    try:
        with transaction() as session:
            count = offer_service.lapse_offers(session, round_id=round_id)
    except ApplicationError as error:
        raise fail(error) from None
    if output == "json":
        typer.echo(json.dumps({"lapsed": count}))
        return
    out.print(f"기한이 지난 선발 통보 {count:,}건을 취소하고 예비 순번을 선발했습니다 (lapsed).")
