"""Where a submission's CPU goes, step by step (issue 20 §1: ≥ 300 acknowledged submissions/s
on this 2-core machine, 500/s beyond it).

On a scratch PostgreSQL database, submissions go one after another (no time lost to contention)
through the whole application in process (ASGI, no sockets: the staff on-behalf route the load
test uses), and each step's CPU is measured where it runs, with the CPU clock of the thread that
runs it (``time.thread_time``), so the background audit sealer and the request threads are told
apart:

* web floor: the health check without a token (middleware, routing to the first route, the
  JSON answer), and the token check: the health check with a token, less the floor;
* routing: finding the submission's route as FastAPI does it (the included routers tried in
  turn, the chosen one's routes matched again when it handles the request);
* validation: the request body (JSON, then its model);
* statements: the submission's own work in ``applications.api._submit`` (round, person,
  training history, consents, the checks, the inserts, the eligibility evaluation) less the
  answer and the audit entries, which are counted apart;
* answer: building the response model and serialising it;
* audit: the entries (checked and made rows, which the submission's one insert statement
  writes with the application) and the background sealer's share (chaining them);
* commit: the request's transaction ending (flush of what is pending and COMMIT);
* the rest of the request: dependencies, thread hops, middleware, the ASGI plumbing — the whole
  request's CPU (``time.process_time``, every thread) less the steps above.

PostgreSQL's own CPU per submission is read from its server processes.

    .venv/bin/python -m bench submission [--submissions 500] [--floor-requests 2000]
        [--statements] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import functools
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import psutil

from bench import options
from bench.databases import PostgresUnreachable, scratch_postgres

GOAL_RATE, FIRST_GOAL_RATE, CORES = 500, 300, 2
SUBMIT_PATH = "/api/v1/rounds/{round_id}/applications/on-behalf"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench submission")
    parser.add_argument("--submissions", type=int, default=500)
    parser.add_argument("--floor-requests", type=int, default=2000,
                        help="health checks for each web-floor figure")
    parser.add_argument("--statements", action="store_true",
                        help="print the statements one submission sends")
    args = options.parse(parser, argv, submissions=20, floor_requests=50)
    from ilja.db import upgrade
    from ilja.ops import load
    from ilja.ops.site import environment

    try:
        with scratch_postgres("submission") as url, \
                tempfile.TemporaryDirectory(prefix="ilja-bench-submission-") as folder, \
                environment(url, Path(folder)), \
                mock.patch.dict(os.environ, ILJA_AUDIT_SEALING="background"):
            upgrade(url)
            round_id, ids, token = load.prepare(url, args.submissions + 2)
            steps = asyncio.run(_through_the_app(url, round_id, ids, token, args))
    except PostgresUnreachable as exc:
        print(f"{exc}, skipped")
        return 0
    _report(steps)
    return 0


class Steps:
    """CPU seconds per step, summed over the measured submissions (a step timed inside
    another, ``outer``, is taken out of it)."""

    def __init__(self) -> None:
        self.seconds: collections.Counter[str] = collections.Counter()

    @contextlib.contextmanager
    def timed(self, name: str, outer: str | None = None) -> Iterator[None]:
        started = time.thread_time()
        try:
            yield
        finally:
            used = time.thread_time() - started
            self.seconds[name] += used
            if outer:
                self.seconds[outer] -= used

    def wrap(self, function, name: str, outer: str | None = None):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            with self.timed(name, outer):
                return function(*args, **kwargs)
        return timed

    def wrap_async(self, function, name: str):
        @functools.wraps(function)
        async def timed(*args, **kwargs):
            started = time.thread_time()
            result = await function(*args, **kwargs)  # a thread hop inside is not counted here
            self.seconds[name] += time.thread_time() - started
            return result
        return timed


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


async def _through_the_app(url: str, round_id: int, person_ids: list[int], token: str,
                           args) -> dict[str, float | int | list[str]]:
    import fastapi.routing
    from sqlalchemy import event

    from ilja.accounts import audit, deps
    from ilja.applications import api
    from ilja.db import DriverStatement, get_engine
    from ilja.web.app import create_app

    app = create_app()
    bearer = [(b"authorization", f"Bearer {token}".encode())]
    path = SUBMIT_PATH.format(round_id=round_id)

    def scope_for(method: str, path: str, headers: list) -> dict:
        return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
                "query_string": b"", "root_path": "", "client": ("127.0.0.1", 1),
                "server": ("127.0.0.1", 80), "headers": [(b"host", b"bench"), *headers]}

    async def call(method: str, path: str, headers: list, body: bytes = b"") -> int:
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

        await app(scope_for(method, path, headers), receive, send)
        return status[0]

    def body_of(person_id: int) -> bytes:
        return json.dumps({"person_id": person_id, "preferences": ["care"]}).encode()

    def submission(person_id: int):
        return call("POST", path, [*bearer, (b"content-type", b"application/json"),
                                   (b"idempotency-key", f"bench-app-{person_id}".encode())],
                    body_of(person_id))

    async def cpu_per(requests, how_many: int) -> float:
        started = time.process_time()
        for index in range(how_many):
            status = await requests(index)
            assert status in (200, 201), status
        return (time.process_time() - started) / how_many

    async def routed(route) -> None:
        """The routing FastAPI does for the submission, as it does it (the included routers tried
        in turn, the chosen one's routes matched again when it handles the request), up to the
        route's own handling, which is counted in the other steps."""
        found = []

        async def handle(scope, receive, send) -> None:
            found.append(scope["route"])

        with mock.patch.object(route, "handle", handle):
            await app.router.app({**scope_for("POST", path, []), "app": app}, receive=None, send=None)
        assert found == [route], "the submission went to another route"

    route = next(r for r in api.router.routes
                 if r.path.endswith("/applications/on-behalf") and "POST" in r.methods)
    steps = Steps()
    statements: list[str] = []
    engine = get_engine()

    def note(conn, cursor, statement, *rest) -> None:
        if threading.current_thread().name != "ilja-audit-sealer":  # the submission's own
            statements.append(statement)

    driver_run = DriverStatement.run

    def noted_run(statement: DriverStatement, session, values):
        """A statement run on the driver's cursor, which SQLAlchemy's events do not see."""
        if listening:
            statements.append(statement._for(session.get_bind().dialect)[0])
        return driver_run(statement, session, values)

    listening = False

    measured = person_ids[2:]
    sealed = audit.SEAL_GATHER_SECONDS + 0.3  # the sealer's gathering, then its pass
    with mock.patch.object(api, "_submit", steps.wrap(api._submit, "statements")), \
            mock.patch.object(api, "application_out",
                              steps.wrap(api.application_out, "answer", "statements")), \
            mock.patch.object(audit, "record", steps.wrap(audit.record, "audit", "statements")), \
            mock.patch.object(audit, "record_many",
                              steps.wrap(audit.record_many, "audit", "statements")), \
            mock.patch.object(audit, "intake_rows",
                              steps.wrap(audit.intake_rows, "audit", "statements")), \
            mock.patch.object(audit, "seal", steps.wrap(audit.seal, "audit")), \
            mock.patch.object(DriverStatement, "run", noted_run), \
            mock.patch.object(deps, "_end", steps.wrap(deps._end, "commit", "statements")), \
            mock.patch.object(route.response_field, "validate",
                              steps.wrap(route.response_field.validate, "answer")), \
            mock.patch.object(fastapi.routing, "serialize_response",
                              steps.wrap_async(fastapi.routing.serialize_response, "answer")):
        async with app.router.lifespan_context(app):
            await submission(person_ids[0])  # warm: the token, the shared context, the sealer
            await asyncio.sleep(sealed)
            event.listen(engine, "before_cursor_execute", note)
            listening = True
            await submission(person_ids[1])  # an eligible applicant's: the ones listed
            listening = False
            event.remove(engine, "before_cursor_execute", note)
            await asyncio.sleep(sealed)
            steps.seconds.clear()
            database_before = _postgres_cpu(url)
            started = time.process_time()
            for person_id in measured:
                assert await submission(person_id) in (200, 201)
            await asyncio.sleep(sealed)  # the sealer chains the last entries; its CPU counts
            whole = (time.process_time() - started) / len(measured)
            database = sum(seconds - database_before.get(pid, 0.0)
                           for pid, seconds in _postgres_cpu(url).items()) / len(measured)
            with_token = await cpu_per(lambda i: call("GET", "/api/v1/health", bearer),
                                       args.floor_requests)
            without = await cpu_per(lambda i: call("GET", "/api/v1/health", []),
                                    args.floor_requests)
    per = {name: seconds / len(measured) for name, seconds in steps.seconds.items()}
    repeat = 2000
    started = time.thread_time()
    for _ in range(repeat):
        await routed(route)
    routing = (time.thread_time() - started) / repeat
    body = body_of(person_ids[0])
    started = time.thread_time()
    for _ in range(repeat):
        route.body_field.validate(json.loads(body), {}, loc=("body",))
    validation = (time.thread_time() - started) / repeat
    if args.statements:
        print("\nstatements of one submission:")
        for statement in statements:
            print("  ", " ".join(statement.split())[:160])
    return {"floor": without, "auth": with_token - without, "routing": routing,
            "validation": validation, **per, "whole": whole, "database": database,
            "statements_count": len(statements), "routes": len(app.router.routes)}


STEPS = [("floor", "web floor (health check, no token)"),
         ("auth", "token check (health check with a token, less the floor)"),
         ("routing", "routing (the submission's route found, as FastAPI finds it)"),
         ("validation", "validation (the request body)"),
         ("statements", "the submission's statements ({statements_count} and their work)"),
         ("answer", "the answer (built and serialised)"),
         ("audit", "audit (the entry, and chaining it)"),
         ("commit", "commit (flush and COMMIT)")]


def _report(steps: dict) -> None:
    whole, database = steps["whole"], steps["database"]
    itemised = sum(steps.get(key, 0.0) for key, _ in STEPS[2:])
    rows = [(label.format(**steps), 1000 * steps.get(key, 0.0)) for key, label in STEPS]
    rows.append(("the rest of the request (dependencies, thread hops, middleware)",
                 1000 * (whole - itemised - steps["floor"] - steps["auth"])))
    width = max(len(label) for label, _ in rows)
    print(f"\nCPU per submission by step, one at a time (ms; {steps['routes']} top-level routes)")
    for label, ms in rows:
        print(f"  {label:<{width}}  {ms:6.2f}")
    print(f"  {'whole submission in Python (every thread)':<{width}}  {1000 * whole:6.2f}")
    print(f"  {'PostgreSQL (its server processes)':<{width}}  {1000 * database:6.2f}")
    total = whole + database
    rate = CORES / total
    for goal in (FIRST_GOAL_RATE, GOAL_RATE):
        print(f"  {CORES} cores / {1000 * total:.2f} ms = {rate:,.0f} submissions/s at most, "
              f"load clients excluded; {goal}/s {'within reach' if rate >= goal else 'NOT met'}")


if __name__ == "__main__":
    raise SystemExit(main())
