"""Support benchmark: the exam-fee rule on plain data, and a sign-up storm on one employer event.

1. ``fee_entitlement`` for N synthetic attempts (the pure rule with its explanation), attempts/s.
2. P trainees sign up for one event of capacity C from T threads at once, each sign-up its own
   transaction (the service's conditional UPDATEs): sign-ups per second until every audit entry
   is chained, with the audit sealing inline (the default) and in the background (a busy
   server), beside the same protocol in plain psycopg (the floor) on PostgreSQL; and the check
   that each event holds exactly C confirmed, the waitlist its limit, nobody twice, and a chained
   audit entry for every sign-up.

    .venv/bin/python -m bench support [--attempts 200000] [--people 300] [--capacity 50]
                                      [--threads 8] [--url postgresql+psycopg://…/db] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from unittest import mock

from bench import options
from bench.databases import PostgresUnreachable, scratch_postgres
from ilja import clock
from ilja.accounts import audit
from ilja.support.certification import AttemptFacts, fee_entitlement, uses_on

ACTOR = audit.Actor("bench", "job_coordinator", "bench")
EXAM = dt.date(2026, 3, 10)
GOAL_SHARE = 0.5  # of the plain-psycopg floor's sign-ups/s (issue 20 §4)


def pure(attempts: int, seed: int) -> float:
    rng = random.Random(seed)
    uses = uses_on(EXAM)
    facts = [AttemptFacts(rng.choice(["google", "microsoft", "xyz"]), rng.randrange(0, 600_000), EXAM,
                          rng.choice(["passed", "failed", "absent"]), rng.random() < 0.7,
                          EXAM - dt.timedelta(days=rng.randrange(0, 500)), rng.randrange(0, 3),
                          EXAM + dt.timedelta(days=rng.randrange(0, 90))) for _ in range(attempts)]
    start = time.perf_counter()
    entitled = sum(fee_entitlement(f, uses).entitled for f in facts)
    seconds = time.perf_counter() - start
    print(f"fee entitlement: {attempts:,} attempts in {seconds:.2f} s ({attempts / seconds:,.0f}/s), "
          f"{entitled:,} entitled")
    return seconds


def _people(url: str, people: int, keys: Path) -> list[int]:
    from ilja.db import engine_for, transaction, upgrade
    from ilja.people import registry
    from ilja.people.rrn import generate_key_file

    upgrade(url)
    keyring = generate_key_file(keys)
    with transaction(engine_for(url)) as session:
        return [registry.register_person(session, {
            "name": f"벤치{n}", "phone": f"010-{1000 + n % 9000:04d}-{n % 10000:04d}",
            "birth_date": "2000-01-01", "sido": "서울특별시", "sigungu": "마포구",
            "employment_status": "unemployed", "able_to_work": True, "household_head": False,
            "household_size": 1, "vulnerable_groups": [], "nationality": "KR"},
            actor=ACTOR, program="youth_academy", keyring=keyring).person.id for n in range(people)]


def _event(url: str, capacity: int) -> int:
    from ilja.db import engine_for, transaction
    from ilja.support import event_service as ev

    with transaction(engine_for(url)) as session:
        return ev.create_event(session, kind="hiring_briefing", title="bench", place="bench",
                               capacity=capacity, organisation_name="bench",
                               starts_at=clock.now() + dt.timedelta(days=30), actor=ACTOR).id


def _in_threads(ids: list[int], threads: int, sign_up: Any, retry: tuple[type, ...]) -> int:
    """Everyone in ``ids`` signs up once, from ``threads`` threads at once; busy retries."""
    queue = list(ids)
    lock = threading.Lock()
    retries = [0]
    barrier = threading.Barrier(threads)

    def worker() -> None:
        barrier.wait()
        while True:
            with lock:
                if not queue:
                    return
                person = queue.pop()
            while True:
                try:
                    sign_up(person)
                    break
                except retry:  # SQLite: the single writer is busy; try again
                    with lock:
                        retries[0] += 1
                    time.sleep(0.001)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return retries[0]


def _settings(sealing: str) -> Any:
    from ilja.config import get_settings

    patch = mock.patch.dict(os.environ, ILJA_AUDIT_SEALING=sealing)
    patch.start()
    get_settings.cache_clear()

    def undo() -> None:
        patch.stop()
        get_settings.cache_clear()
    return undo


def ilja_storm(url: str, ids: list[int], capacity: int, threads: int, sealing: str) -> dict[str, Any]:
    """The service's ``sign_up`` (its checks, its conditional UPDATEs, its audit entry), each
    sign-up its own transaction, with the audit sealing ``sealing``; timed until every entry
    is chained."""
    from sqlalchemy.exc import OperationalError

    from ilja.accounts import audit
    from ilja.db import engine_for, transaction
    from ilja.support import event_service as ev
    from ilja.support.errors import Full

    engine = engine_for(url)
    event_id = _event(url, capacity)
    undo = _settings(sealing)

    def sign_up(person: int) -> None:
        try:
            with transaction(engine) as session:
                ev.sign_up(session, event_id=event_id, person_id=person, actor=ACTOR)
        except Full:
            pass

    try:
        started, cpu = time.perf_counter(), time.process_time()
        retries = _in_threads(ids, threads, sign_up, (OperationalError,))
        audit.stop_sealer(engine)
        audit.seal_committed(engine)  # what the background sealer had not chained yet
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        undo()
    return {"side": f"Ilja, sealing {sealing}", "seconds": seconds, "cpu_seconds": cpu,
            "retries": retries, **_check(url, event_id, len(ids), capacity)}


PEER_STATEMENTS = {
    "event": "SELECT e.cancelled, e.starts_at, e.capacity, e.confirmed, e.waitlisted, s.id, s.status "
             "FROM support_events e LEFT JOIN support_event_signups s ON s.event_id = e.id AND s.person_id = %s "
             "WHERE e.id = %s",
    "seat": "UPDATE support_events SET confirmed = confirmed + 1 WHERE id = %s AND confirmed < %s RETURNING confirmed",
    "wait": "UPDATE support_events SET waitlisted = waitlisted + 1 WHERE id = %s AND waitlisted < %s "
            "RETURNING waitlisted",
    "signup": "INSERT INTO support_event_signups (event_id, person_id, status, signed_up_at) "
              "VALUES (%s, %s, %s, %s) RETURNING id",
    "audit": "INSERT INTO audit_intake (timestamp, actor_id, actor_role, source_address, action, "
             "subject_person_id, object_type, object_id, details) "
             "VALUES (%s, %s, %s, %s, 'support.event.signup', %s, 'event', %s, %s)",
}


def peer_storm(url: str, ids: list[int], capacity: int, threads: int) -> dict[str, Any]:
    """The same protocol in plain psycopg, a connection per thread: one read of the event's
    closing facts and counts with the person's earlier sign-up, full answered from it when the
    seats and the waitlist are taken, else a seat or a waitlist place taken by the same
    conditional UPDATEs and the sign-up and its audit entry inserted, one transaction each; timed
    until every entry is chained (by Ilja's sealer, as for Ilja)."""
    import psycopg

    from ilja.accounts import audit
    from ilja.db import engine_for
    from ilja.support.events import signups_close_at, uses_on

    event_id = _event(url, capacity)
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    local = threading.local()
    connections: list[Any] = []
    lock = threading.Lock()

    def sign_up(person: int) -> None:
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = psycopg.connect(dsn)
            with lock:
                connections.append(connection)
        at = clock.now()
        uses = uses_on(at.date())
        with connection.transaction(), connection.cursor() as cursor:
            cancelled, starts_at, seats, confirmed, waitlisted, earlier, earlier_status = cursor.execute(
                PEER_STATEMENTS["event"], (person, event_id)).fetchone()
            if cancelled or at > signups_close_at(starts_at, uses):
                raise RuntimeError("closed")
            if earlier is not None and earlier_status != "cancelled":
                raise RuntimeError("already signed up")
            limit = int(uses["waitlist_size"].value)
            if confirmed >= seats and waitlisted >= limit:
                return  # full: nothing written
            if cursor.execute(PEER_STATEMENTS["seat"], (event_id, seats)).fetchone() is not None:
                status = "confirmed"
            elif cursor.execute(PEER_STATEMENTS["wait"], (event_id, limit)).fetchone() is not None:
                status = "waitlisted"
            else:
                return  # full: nothing written
            cursor.execute(PEER_STATEMENTS["signup"], (event_id, person, status, at)).fetchone()
            cursor.execute(PEER_STATEMENTS["audit"], (
                at, ACTOR.id, ACTOR.role, ACTOR.source_address, str(person), str(event_id),
                json.dumps({"status": status})))

    engine = engine_for(url)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        retries = _in_threads(ids, threads, sign_up, ())
        audit.seal_committed(engine)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        for connection in connections:
            connection.close()
    return {"side": "plain psycopg, the same protocol", "seconds": seconds, "cpu_seconds": cpu,
            "retries": retries, **_check(url, event_id, len(ids), capacity)}


def _check(url: str, event_id: int, people: int, capacity: int) -> dict[str, Any]:
    """Exactly ``capacity`` confirmed, the waitlist at its limit, nobody twice, and an entry
    chained in the audit log for every sign-up with none left in the intake."""
    from sqlalchemy import func, select

    from ilja.accounts.models import AuditIntake, AuditRecord
    from ilja.db import engine_for, transaction
    from ilja.support import event_service as ev

    with transaction(engine_for(url)) as session:
        event = ev.get_event(session, event_id)
        rows = ev.signups(session, event_id)
        chained = session.execute(select(func.count()).select_from(AuditRecord).where(
            AuditRecord.action == "support.event.signup",
            AuditRecord.object_id == str(event_id))).scalar_one()
        waiting_entries = session.execute(select(func.count()).select_from(AuditIntake)).scalar_one()
        limit = int(ev.uses_on(clock.today())["waitlist_size"].value)
    confirmed = sum(r.status == "confirmed" for r in rows)
    waiting = sum(r.status == "waitlisted" for r in rows)
    ok = (confirmed == event.confirmed == min(capacity, people)
          and waiting == event.waitlisted == min(limit, max(0, people - capacity))
          and len({r.person_id for r in rows}) == len(rows)
          and chained == len(rows) and waiting_entries == 0)
    return {"signups": len(rows), "confirmed": confirmed, "waitlisted": waiting,
            "chained": chained, "ok": ok}


def storm(url: str, people: int, capacity: int, threads: int, keys: Path) -> bool:
    """Ilja's sign-ups (sealing inline, the default, and in the background, as a busy server
    runs) and the plain-psycopg floor, each on its own event of the same capacity, the same
    people; the goal is Ilja's background figure at least half the floor's."""
    ids = _people(url, people, keys)
    postgres = url.startswith("postgresql")
    runs = [ilja_storm(url, ids, capacity, threads, "inline"),
            ilja_storm(url, ids, capacity, threads, "background")]
    if postgres:
        runs.append(peer_storm(url, ids, capacity, threads))
    print(f"sign-up storm ({url.split(':', 1)[0]}): {people:,} people, {threads} threads, "
          f"capacity {capacity}, each sign-up its own transaction, timed until every audit entry "
          f"is chained (load average {os.getloadavg()[0]:.1f}):")
    for run in runs:
        print(f"  {run['side']:36s} {run['seconds']:6.2f} s  {people / run['seconds']:7,.0f} sign-ups/s "
              f"({people / run['cpu_seconds']:,.0f} per CPU-second of this process); "
              f"{run['retries']} busy retries; confirmed {run['confirmed']}, waitlisted "
              f"{run['waitlisted']}, chained {run['chained']}: {'OK' if run['ok'] else 'WRONG'}")
    if postgres:
        ours, floor = people / runs[1]["seconds"], people / runs[2]["seconds"]
        print(f"  goal: Ilja (sealing in the background) ≥ {GOAL_SHARE:.0%} of the plain-psycopg "
              f"floor: {ours:,.0f} against {floor:,.0f} sign-ups/s: "
              f"{'met' if ours >= GOAL_SHARE * floor else 'MISSED'} (CPU of this process an attempt: "
              f"{runs[1]['cpu_seconds'] / people * 1000:.2f} against {runs[2]['cpu_seconds'] / people * 1000:.2f} ms)")
    return all(run["ok"] for run in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench support", description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=200_000)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--capacity", type=int, default=50)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--url", default=None,
                        help="a database URL (default: a scratch PostgreSQL database, else SQLite)")
    parser.add_argument("--seed", type=int, default=7)
    args = options.parse(parser, argv, attempts=2000, people=30, capacity=10, threads=4)
    pure(args.attempts, args.seed)
    from ilja.db import dispose_engines

    with tempfile.TemporaryDirectory(prefix="ilja-bench-support-") as tmp:
        keys = Path(tmp) / "keys.json"
        try:
            if args.url:
                ok = storm(args.url, args.people, args.capacity, args.threads, keys)
            else:
                try:
                    with scratch_postgres("support") as url:
                        ok = storm(url, args.people, args.capacity, args.threads, keys)
                except PostgresUnreachable as exc:
                    print(f"{exc}: on SQLite only")
                    ok = storm(f"sqlite:///{Path(tmp) / 'bench.db'}", args.people, args.capacity,
                               args.threads, keys)
        finally:
            dispose_engines()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
