"""``ilja demo``: everything a new user needs to click through Ilja, then the web server.

Migrates the database (SQLite by default), stores the 2025 plan, makes the synthetic population
and prints what is there, then serves the web app and API on http://127.0.0.1:8000.
"""

from __future__ import annotations

import ctypes
import json
import secrets
import signal
import subprocess
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ilja import clock
from ilja.accounts.roles import Role
from ilja.config import get_settings
from ilja.db import engine_for, transaction, upgrade
from ilja.people.service import eligibility_summary, ensure_population
from ilja.programs.loader import load_plan
from ilja.web.cli import uvicorn_options

console = Console()


def prepare(size: int, seed: int) -> None:
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.outcomes.demo_data import fill_demo_outcomes
    from ilja.programs.service import store_plan

    settings = get_settings()
    console.print(f"• database: {settings.database_url} (what an earlier run stored is kept)")
    upgrade(settings.database_url)
    plan = load_plan()
    with transaction(engine_for(settings.database_url)) as session:
        store_plan(session, plan)
    console.print(f"• 2025 plan stored: {len(plan.programs)} programs, "
                  f"{len(plan.warnings)} inconsistencies in the sources (see /plan)")
    for warning in plan.warnings:
        console.print(f"  [yellow]![/yellow] {warning.message_ko}")
    population, reused = ensure_population(size, seed)
    console.print(f"• synthetic population: {len(population):,} Seoul residents (seed {seed}"
                  + (f", kept from an earlier run in {settings.data_dir})" if reused else ")"))
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.matching.demo_data import fill_demo_matching

    with transaction(engine_for(settings.database_url)) as session:
        filled = fill_demo_outcomes(session, seed=seed)
        fill_demo_matching(session, seed=seed)
    if filled.reused:
        console.print("• synthetic outcomes for the dashboard: kept from an earlier run (nothing added)")
    else:
        console.print(f"• synthetic outcomes for the dashboard: {filled.participations:,} participations, "
                      f"{filled.outcomes:,} outcomes, {filled.alumni:,} alumni, "
                      f"{filled.alliance:,} alliance members")
    accounts = Table(title="demo accounts — one per role (log in at /login)")
    for column in ("login", "role", "password"):
        accounts.add_column(column)
    for login, role, password in demo_accounts():
        accounts.add_row(login, role, password)
    console.print(accounts)
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.matching.demo_data import fill_demo_candidates

    with transaction(engine_for(settings.database_url)) as session:
        matching = fill_demo_candidates(session, seed=seed)
    if matching.candidates:
        console.print(f"• matching: {matching.candidates} trainees in the coordinator's caseload "
                      f"and {matching.postings} more postings across every field (/matching)")
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.applications.demo_data import existing_demo_round, fill_demo_round

    with transaction(engine_for(settings.database_url)) as session:
        earlier = existing_demo_round(session)
        world = None if earlier else fill_demo_round(session, seed=seed)
    if world is not None:
        console.print(f"• an open 동행일자리 round (/manage/rounds/{world.round_id}): {world.applications:,} "
                      f"applications, {world.eligible:,} eligible; the citizen account is one of them")
    elif earlier is not None:
        console.print(f"• the 동행일자리 round (/manage/rounds/{earlier[0]}) with its {earlier[1]:,} "
                      "applications: kept from an earlier run")
    summary = eligibility_summary(clock.today())
    if summary:
        table = Table(title=f"eligible today ({summary.on.isoformat()})")
        table.add_column("program")
        table.add_column("persons", justify="right")
        for code, count in summary.eligible.items():
            table.add_row(code, f"{count:,}")
        console.print(table)


DEMO_ACCOUNTS = [
    ("admin", "admin", "시스템 관리자"),
    ("manager", "program_manager", "서울시 일자리정책과 담당자"),
    ("operator", "operator", "마포캠퍼스 운영 담당"),
    ("coordinator", "job_coordinator", "잡코디 김서울"),
    ("auditor", "auditor", "감사관 이감사"),
    ("citizen", "citizen", "시민 박시민"),
]


def demo_accounts() -> list[tuple[str, str, str]]:
    """One account per role, with random passwords kept in the data directory (development
    only: ``ILJA_ENVIRONMENT=production`` refuses). Returns (login, role, password)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.accounts import service

    settings = get_settings()
    if settings.environment == "production":
        raise typer.BadParameter("demo accounts are not created in production")
    path = settings.data_dir / "demo-accounts.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    created = []
    with transaction(engine_for(settings.database_url)) as session:
        for login, role, name in DEMO_ACCOUNTS:
            if service.get_user_by_login(session, login) is None:
                site = "campus.mapo" if role == "operator" else None
                password = known.get(login)
                for _ in range(20):  # a random draw may, rarely, break the policy (e.g. "aaaa")
                    password = password or f"Ilja-{secrets.token_urlsafe(9)}!7"
                    try:
                        service.create_user(session, login=login, password=password, role=Role(role),
                                            display_name=name, site_code=site)
                        break
                    except service.AccountError:
                        password = None
                known[login] = password
            created.append((login, role, known.get(login, "(set before this demo)")))
    path.write_text(json.dumps(known, ensure_ascii=False, indent=2))
    path.chmod(0o600)
    return created


def start_worker():
    """``ilja worker`` beside the web server, delivering the messages (to var/outbox/ unless SMTP
    or a provider is configured). It gets SIGTERM when this process dies, however it dies."""
    def die_with_parent() -> None:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    console.print("• message worker started (ilja worker): e-mail and SMS go to var/outbox/ by default")
    return subprocess.Popen([str(Path(sys.executable).parent / "ilja"), "worker"], preexec_fn=die_with_parent)


def stop_worker(worker) -> None:
    worker.terminate()
    try:
        worker.wait(10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        size: int = typer.Option(200_000, "--size", min=1, help="Synthetic residents to generate."),
        seed: int = typer.Option(2025, "--seed", help="Seed of the synthetic population."),
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, help="Port to listen on."),
        serve: bool = typer.Option(True, "--serve/--no-serve", help="Start the web server afterwards."),
    ) -> None:
        """Set up the demo (migrations, 2025 plan, synthetic population) and run the web app."""
        prepare(size, seed)
        if serve:
            # lazy: CLI start-up (the web server loads when a command serves)
            import uvicorn

            console.print(f"• Ilja at http://{host}:{port}  (API docs: http://{host}:{port}/docs)")

            worker = start_worker()
            try:
                uvicorn.run("ilja.web.app:create_app", factory=True, host=host, port=port,
                            **uvicorn_options(behind_proxy=False))  # type: ignore[arg-type]
            finally:
                stop_worker(worker)
