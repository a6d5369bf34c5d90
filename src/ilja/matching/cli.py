"""``ilja match``: run a matching round, review it, confirm it, list the hires, import postings."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path

import typer
from rich.table import Table

from ilja import clock, files
from ilja.cli_common import err, out, print_table
from ilja.db import transaction
from ilja.matching.errors import MatchingInputError
from ilja.matching.posting_input import EXAMPLE_ROW, HEADERS

match_app = typer.Typer(no_args_is_help=True)


def _actor():
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.accounts import audit

    return audit.Actor(f"cli:{getpass.getuser()}", "job_coordinator", "cli")


def _date(text: str | None) -> dt.date:
    if text is None:
        return clock.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        err.print(f"[red]error:[/red] {text!r} is not a date (YYYY-MM-DD)")
        raise typer.Exit(2) from None


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(1)


@match_app.command("run")
def run(
    round_code: str = typer.Option(..., "--round", help="The matching round (postings' round code)."),
    method: str = typer.Option("stable", "--method", help="stable (deferred acceptance) or max_fit."),
    on: str | None = typer.Option(None, "--on", help="Parameters as of this date (YYYY-MM-DD)."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Score the round's open postings against the active candidates and propose a matching."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.matching import runs

    try:
        with transaction() as session:
            with err.status("적합도 계산 및 매칭 중… (scoring and matching)"):
                row = runs.run_matching(session, round_code=round_code, method=method,
                                        on=_date(on), actor=_actor())
            result = {"run_id": row.id, "round": row.round_code, "method": row.method,
                      "candidates": row.candidates, "postings": row.postings,
                      "matched": row.matched, "total_fit": row.total_fit / 100,
                      "blocking_pairs": row.blocking_pairs, "inputs_hash": row.inputs_hash,
                      "seed_commitment": row.seed_commitment,
                      "alternative": {k: v for k, v in row.parameters["alternative"].items()
                                      if k != "assignment"}}
    except MatchingInputError as error:
        raise _fail(error.message) from None
    if fmt == "json":
        print(json.dumps(result, ensure_ascii=False))
        return
    table = Table(title=f"매칭 실행 #{result['run_id']} ({round_code}, {method})")
    table.add_column("항목 (item)")
    table.add_column("값 (value)", justify="right")
    for key in ("candidates", "postings", "matched", "total_fit", "blocking_pairs"):
        table.add_row(key, str(result[key]))
    alt = result["alternative"]
    table.add_row(f"{alt['method']}: matched / total fit",
                  f"{alt['matched']} / {alt['total_fit'] / 100}")
    print_table(table)


@match_app.command("confirm")
def confirm(run_id: int = typer.Argument(..., help="The run to confirm."),
            on: str | None = typer.Option(None, "--on", help="Offer date (YYYY-MM-DD).")) -> None:
    """Confirm every proposal of a run: each becomes an offer."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.matching import runs

    try:
        with transaction() as session:
            offers = runs.confirm_run(session, run_id, on=_date(on), actor=_actor())
    except (runs.RunStateError, runs.NotFound) as error:
        raise _fail(str(error)) from None
    err.print(f"{len(offers)} offers made from run {run_id}")


@match_app.command("proposals")
def proposals(run_id: int = typer.Argument(..., help="The run to review."),
              fmt: str = typer.Option("text", "--format", help="text or json.")) -> None:
    """A run's proposals one by one — posting, organisation, district, pay, hours, deadline,
    skills met and missing — and why the unmatched were left over."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.matching import runs, service

    try:
        with transaction() as session:
            run = runs.get_run(session, run_id)
            rows = runs.proposals(session, run_id)
            postings = {p.id: p for p in service.list_postings(session)}
            organisations = {o.id: o for o in service.list_organisations(session)}
            cands = [service.get_candidate(session, p.candidate_id) for p in rows]
            table_ = service.fit_table(session, cands, [postings[p.posting_id] for p in rows],
                                       dt.date.fromisoformat(run.parameters["on"])) if rows else None
            result = []
            for i, p in enumerate(rows):
                post = postings[p.posting_id]
                e = table_.explain(i, i) if table_ is not None else {}
                result.append({
                    "proposal": p.id, "candidate": p.candidate_id, "status": p.status,
                    "reason": p.reason, "posting": post.code, "title": post.title,
                    "organisation": organisations[post.organisation_id].name,
                    "kind": post.kind, "district": post.district, "monthly_pay": post.monthly_pay,
                    "weekly_hours": post.weekly_hours, "deadline": post.deadline,
                    "fit": p.fit / 100, "skills_met": e.get("skills_met", []),
                    "skills_missing": e.get("skills_missing", [])})
            unmatched = run.parameters.get("unmatched", {})
    except (runs.RunStateError, runs.NotFound) as error:
        raise _fail(str(error)) from None
    if fmt == "json":
        print(json.dumps({"run_id": run_id, "proposals": result, "unmatched": unmatched},
                         ensure_ascii=False, default=str))
        return
    table = Table(title=f"매칭 실행 #{run_id} 제안 (proposals)")
    for column in ("제안 (id)", "상태", "공고", "기관", "근무지", "월 급여", "주당 시간", "마감",
                   "적합도", "갖춘 역량", "부족한 역량"):
        table.add_column(column)
    for r in result:
        table.add_row(str(r["proposal"]), r["status"], r["title"], r["organisation"],
                      r["district"] or "—", f"{r['monthly_pay']:,}" if r["monthly_pay"] else "—",
                      str(r["weekly_hours"] or "—"), str(r["deadline"] or "—"), f"{r['fit']:.1f}",
                      ", ".join(r["skills_met"]) or "—", ", ".join(r["skills_missing"]) or "—")
    print_table(table)
    for candidate, why in unmatched.items():
        filters_ = ", ".join(f"{k} {v}" for k, v in why["by_filter"].items()) or "—"
        out.print(f"미매칭 교육생 {candidate}: 공고 {why['postings']}건 중 조건 제외 {why['excluded']} "
                  f"({filters_}), 적합도 부족 {why['below_min_fit']}, "
                  f"다른 교육생에게 배정 {why['taken_by_others']}")


@match_app.command("decide")
def decide(proposal_id: int = typer.Argument(..., help="The proposal (see `ilja match proposals`)."),
           decision: str = typer.Argument(..., help="confirm or veto."),
           reason: str = typer.Option("", "--reason", help="Why (required to veto)."),
           on: str | None = typer.Option(None, "--on", help="Offer date (YYYY-MM-DD).")) -> None:
    """Confirm one proposal (it becomes an offer) or veto it with a reason."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.matching import runs

    try:
        with transaction() as session:
            offer = runs.decide_proposal(session, proposal_id, decision=decision, reason=reason,
                                         on=_date(on), actor=_actor())
    except (runs.RunStateError, runs.NotFound, MatchingInputError) as error:
        raise _fail(getattr(error, "message", str(error))) from None
    err.print(f"proposal {proposal_id}: " + ("offer made" if offer else "vetoed"))


@match_app.command("acceptance")
def acceptance(fmt: str = typer.Option("text", "--format", help="text or json.")) -> None:
    """Proposals, offers, hires and declines per posting and per employer, with the acceptance
    rate (hires over decided offers)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.matching.acceptance import acceptance as report

    with transaction() as session:
        by_posting, by_employer = report(session)
    rows = {"postings": by_posting, "employers": by_employer}
    if fmt == "json":
        print(json.dumps({k: [{"name": r.name, "detail": r.detail, "proposals": r.proposals,
                               "offers": r.offers, "interviews": r.interviews, "rate": r.rate,
                               "decline_reasons": r.decline_reasons} for r in v]
                          for k, v in rows.items()}, ensure_ascii=False))
        return
    for title, items in (("공고별 (by posting)", by_posting), ("기업별 (by employer)", by_employer)):
        table = Table(title=f"수락 현황 {title}")
        for column in ("이름", "확정", "거부", "채용", "거절", "대기", "수락률"):
            table.add_column(column)
        for r in items:
            table.add_row(r.name, str(r.proposals["confirmed"]), str(r.proposals["vetoed"]),
                          str(r.offers["hired"]), str(r.offers["declined"]),
                          str(r.offers["offered"]),
                          "—" if r.rate is None else f"{100 * r.rate:.0f}%")
        print_table(table)


@match_app.command("verify")
def verify(run_id: int = typer.Argument(..., help="The run to reproduce.")) -> None:
    """Re-run with the stored seed: same inputs and seed must give the same proposals."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.matching import runs

    try:
        with transaction() as session:
            same = runs.reproduce_run(session, run_id)
    except runs.NotFound as error:
        raise _fail(str(error)) from None
    err.print("reproduced" if same else "[red]inputs changed or result differs[/red]")
    raise typer.Exit(0 if same else 1)


@match_app.command("hires")
def hires(since: str | None = typer.Option(None, "--since", help="From this date."),
          fmt: str = typer.Option("text", "--format", help="text or json.")) -> None:
    """Hires through matching (employment outcomes), without personal data."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.matching import runs

    with transaction() as session:
        rows = [{"outcome_id": o.id, "hired_on": o.hired_on.isoformat(), "employer": o.employer,
                 "kind": o.kind, "job_title": o.job_title}
                for o in runs.outcomes(session, since=_date(since) if since else None)]
    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        out.print(f"{row['hired_on']}  {row['employer']}  {row['job_title']}  ({row['kind']})")


@match_app.command("import-postings")
def import_postings(
    file: str = typer.Argument(..., help="XLSX or CSV with Korean or English headers "
                                         "(공고코드/code, 기관코드/organisation_code, 회차/round, …)."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Import postings: every row is checked first (row, column, reason) and nothing is written
    when any row is bad; all rows go in one transaction. A known code updates its posting."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.matching import importing
    from ilja.matching.acceptance import acceptance as report

    path = Path(file)
    if not path.is_file():
        raise _fail(f"{file}: no such file")
    try:
        rows = importing.read_table(path)
        with transaction() as session:
            report = importing.import_postings(session, rows, actor=_actor())
    except importing.ImportProblems as error:
        if fmt == "json":
            print(json.dumps({"written": 0, "problems": [
                {"row": r, "column": c, "reason": reason} for r, c, reason in error.problems]},
                ensure_ascii=False))
        else:
            table = Table(title="가져오기 실패 — 아무것도 저장하지 않았습니다 (nothing written)")
            for column in ("행 (row)", "열 (column)", "사유 (reason)"):
                table.add_column(column)
            for r, c, reason in error.problems:
                table.add_row(str(r), c, reason)
            print_table(table, err)
        raise typer.Exit(1) from None
    if fmt == "json":
        print(json.dumps({"created": report.created, "updated": report.updated},
                         ensure_ascii=False))
        return
    err.print(f"공고 {len(report.created)}건 등록, {len(report.updated)}건 수정 "
              f"({len(report.created)} created, {len(report.updated)} updated)")


@match_app.command("import-work24")
def import_work24(
    file: str = typer.Argument(..., help="A 고용24 job-list export (.xlsx or .csv)."),
    round_code: str = typer.Option(..., "--round", help="The matching round to put them in."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Import postings from a 고용24 (워크넷) export: organisations made by business number,
    pay to a month, the deadline, education and experience read; all rows or none."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.matching import work24
    from ilja.matching.acceptance import acceptance as report
    from ilja.matching.importing import ImportProblems, read_table

    try:
        with transaction() as session:
            report = work24.import_work24(session, read_table(file), round_code=round_code,
                                          actor=_actor())
    except ImportProblems as error:
        if fmt == "json":
            print(json.dumps({"problems": [{"row": r, "column": c, "reason": m}
                                           for r, c, m in error.problems]}, ensure_ascii=False))
        for r, c, m in error.problems:
            err.print(f"row {r}, {c}: {m}")
        raise typer.Exit(1) from None
    if fmt == "json":
        print(json.dumps({"created": report.created, "updated": report.updated},
                         ensure_ascii=False))
        return
    err.print(f"{len(report.created)} created, {len(report.updated)} updated")


@match_app.command("posting-template")
def posting_template(file: str = typer.Argument(..., help="Where to write it (.xlsx or .csv).")
                     ) -> None:
    """Write an empty posting sheet with the Korean headers and one example row, ready for
    ``ilja match import-postings``."""
    path = Path(file)
    headers = [aliases[0] for aliases in HEADERS.values()]
    example = [EXAMPLE_ROW.get(name, "") for name in HEADERS]
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(files.write_xlsx(files.Sheet("공고", [example], headers)))
    elif path.suffix.lower() == ".csv":
        path.write_bytes(files.write_csv([example], headers))
    else:
        raise _fail(f"{file}: write .xlsx or .csv")
    err.print(f"{path}: {len(headers)} columns")
