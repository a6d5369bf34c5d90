"""Where a submission's CPU goes (issue 8: the 500/s goal on this 2-core machine).

500 submissions a second on two cores leaves 4 ms of CPU per submission for the web server,
PostgreSQL and the clients together. This measures, on a scratch PostgreSQL database, one
submission after another (so no time is lost to contention):

* the service path alone — token check, person, training history, submission, the answer, the
  commit — without the web stack, with PostgreSQL's own CPU for it;
* the same through the whole application in process (ASGI, no sockets), which adds FastAPI's
  routing, dependencies, validation and serialisation, the thread trips and the security
  middleware; audit entries chained by the background sealer, whose CPU counts too;
* the web stack's floor: the health check with and without a token;
* the statements one submission sends.

    .venv/bin/python -m bench submission [--submissions 1500] [--floor-requests 2000] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path
from unittest import mock

import psutil

from bench import options
from bench.databases import PostgresUnreachable, scratch_postgres

GOAL_RATE, CORES = 500, 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench submission")
    parser.add_argument("--submissions", type=int, default=1500)
    parser.add_argument("--floor-requests", type=int, default=2000,
                        help="health checks for each web-floor figure")
    args = options.parse(parser, argv, submissions=20, floor_requests=50)
    n = args.submissions
    from ilja.db import upgrade
    from ilja.ops import load
    from ilja.ops.site import environment

    try:
        with scratch_postgres("submission") as url, \
                tempfile.TemporaryDirectory(prefix="ilja-bench-submission-") as folder, \
                environment(url, Path(folder)), \
                mock.patch.dict(os.environ, ILJA_AUDIT_SEALING="background"):
            upgrade(url)
            round_id, ids, token = load.prepare(url, 2 * n + 10)
            rows = [
                _service_path(round_id, ids[:n], token),
                *asyncio.run(_through_the_app(round_id, ids[n:2 * n], token, args.floor_requests)),
            ]
    except PostgresUnreachable as exc:
        print(f"{exc}, skipped")
        return 0
    budget = 1000 * CORES / GOAL_RATE
    width = max(len(r[0]) for r in rows)
    print(f"\nCPU per request, one at a time (budget at {GOAL_RATE}/s on {CORES} cores: "
          f"{budget:.1f} ms for server, database and clients together)")
    for label, figures in rows:
        print(f"  {label:<{width}}  {figures}")
    return 0


def _postgres_cpu(url: str) -> dict[int, float]:
    """CPU seconds used so far by each server process of this database's connections."""
    from sqlalchemy import text

    from ilja.db import engine_for

    with engine_for(url).connect() as connection:
        pids = connection.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = "
                                       "current_database() AND pid <> pg_backend_pid()")).scalars()
        used = {}
        for pid in pids:
            try:
                times = psutil.Process(pid).cpu_times()
                used[pid] = times.user + times.system
            except psutil.Error:
                pass
        return used


def _service_path(round_id: int, person_ids: list[int], token: str) -> tuple[str, str]:
    from fastapi import Response
    from sqlalchemy import event

    from ilja.accounts import service as accounts
    from ilja.accounts.deps import Principal, UserInfo
    from ilja.applications import api
    from ilja.applications.models import Channel
    from ilja.config import get_settings
    from ilja.db import get_engine, session_factory

    engine = get_engine()
    factory = session_factory(engine)
    statements: list[str] = []

    def submit(person_id: int) -> None:
        with factory() as session, session.begin():
            user = accounts.resolve_token(session, token)
            principal = Principal(UserInfo.of(user), "token", None, "127.0.0.1")
            api._submit(session, Response(), round_id, person_id, ["care"], f"bench-{person_id}",
                        principal, Channel.API, staff=True)

    def note(conn, cursor, statement, *rest) -> None:
        statements.append(statement)

    submit(person_ids[0])  # warm: prepared statements, the shared eligibility context
    event.listen(engine, "before_cursor_execute", note)
    submit(person_ids[1])
    event.remove(engine, "before_cursor_execute", note)
    count = len(statements)
    work = person_ids[2:]
    database_before, started = _postgres_cpu(get_settings().database_url), time.process_time()
    for person_id in work:
        submit(person_id)
    time.sleep(0.2)  # the background sealer chains the last entries (its CPU is in the figure)
    python = time.process_time() - started
    # Per process: a connection closed meanwhile must not subtract its CPU from the figure.
    database = sum(seconds - database_before.get(pid, 0.0)
                   for pid, seconds in _postgres_cpu(get_settings().database_url).items())
    per = 1000 / len(work)
    return ("service path (no web stack)",
            f"{python * per:.2f} ms Python (audit chaining included) + {database * per:.2f} ms "
            f"PostgreSQL; {count} statements and a commit")


async def _through_the_app(round_id: int, person_ids: list[int], token: str,
                           floor_requests: int) -> list[tuple[str, str]]:
    from ilja.web.app import create_app

    app = create_app()
    bearer = [(b"authorization", f"Bearer {token}".encode())]

    async def call(method: str, path: str, headers: list, body: bytes = b"") -> int:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
                 "root_path": "", "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
                 "headers": [(b"host", b"bench"), *headers]}
        delivered, status = False, []

        async def receive():
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)

        async def send(message):
            if message["type"] == "http.response.start":
                status.append(message["status"])

        await app(scope, receive, send)
        return status[0]

    def submission(person_id: int):
        body = json.dumps({"person_id": person_id, "preferences": ["care"]}).encode()
        return call("POST", f"/api/v1/rounds/{round_id}/applications/on-behalf", [
            *bearer, (b"content-type", b"application/json"),
            (b"idempotency-key", f"bench-app-{person_id}".encode())], body)

    async def cpu_per(requests, how_many: int) -> float:
        started = time.process_time()
        for index in range(how_many):
            status = await requests(index)
            assert status in (200, 201), status
        await asyncio.sleep(0.2)  # let the sealer chain the last entries; its CPU counts
        return 1000 * (time.process_time() - started) / how_many

    async with app.router.lifespan_context(app):
        await submission(person_ids[0])
        submitting = await cpu_per(lambda i: submission(person_ids[1 + i]), len(person_ids) - 1)
        with_token = await cpu_per(lambda i: call("GET", "/api/v1/health", bearer), floor_requests)
        without = await cpu_per(lambda i: call("GET", "/api/v1/health", []), floor_requests)
    return [("through the application (ASGI, in process)", f"{submitting:.2f} ms Python"),
            ("web floor: health check with a token", f"{with_token:.2f} ms Python"),
            ("web floor: health check without a token", f"{without:.2f} ms Python")]


if __name__ == "__main__":
    raise SystemExit(main())
