"""Support benchmark: the exam-fee rule on plain data, and a sign-up storm on one employer event.

1. ``fee_entitlement`` for N synthetic attempts (the pure rule with its explanation), attempts/s.
2. P trainees sign up for one event of capacity C from T threads at once, each sign-up its own
   transaction (the service's conditional UPDATEs): sign-ups per second, and the check that the
   event holds exactly C confirmed, the waitlist its limit and nobody twice.

    .venv/bin/python -m bench support [--attempts 200000] [--people 300] [--capacity 50]
                                      [--threads 8] [--url postgresql+psycopg://…/db] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import threading
import time
from pathlib import Path

from bench import options
from ilja.accounts import audit
from ilja.support.certification import AttemptFacts, fee_entitlement, uses_on

ACTOR = audit.Actor("bench", "job_coordinator", "bench")
EXAM = dt.date(2026, 3, 10)


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


def storm(url: str, people: int, capacity: int, threads: int, keys: Path) -> float:
    from ilja.db import engine_for, transaction, upgrade
    from ilja.people import registry
    from ilja.people.rrn import generate_key_file
    from ilja.support import event_service as ev
    from ilja.support.errors import Full

    upgrade(url)
    keyring = generate_key_file(keys)
    engine = engine_for(url)
    with transaction(engine) as session:
        ids = []
        for n in range(people):
            record = {"name": f"벤치{n}", "phone": f"010-{1000 + n % 9000:04d}-{n % 10000:04d}",
                      "birth_date": "2000-01-01", "sido": "서울특별시", "sigungu": "마포구",
                      "employment_status": "unemployed", "able_to_work": True, "household_head": False,
                      "household_size": 1, "vulnerable_groups": [], "nationality": "KR"}
            ids.append(registry.register_person(session, record, actor=ACTOR, program="youth_academy",
                                                keyring=keyring).person.id)
        event = ev.create_event(session, kind="hiring_briefing", title="bench", place="bench", capacity=capacity,
                                organisation_name="bench", starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=30),
                                actor=ACTOR)
        event_id = event.id
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
                    with transaction(engine) as session:
                        ev.sign_up(session, event_id=event_id, person_id=person, actor=ACTOR)
                    break
                except Full:
                    break
                except Exception:  # SQLite: the single writer is busy; try again
                    with lock:
                        retries[0] += 1
                    time.sleep(0.001)

    start = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    seconds = time.perf_counter() - start
    with transaction(engine) as session:
        event = ev.get_event(session, event_id)
        rows = ev.signups(session, event_id)
        confirmed = sum(r.status == "confirmed" for r in rows)
        waiting = sum(r.status == "waitlisted" for r in rows)
        limit = int(ev.uses_on(dt.date.today())["waitlist_size"].value)
    ok = confirmed == event.confirmed == min(capacity, people) and waiting == event.waitlisted == min(
        limit, max(0, people - capacity)) and len({r.person_id for r in rows}) == len(rows)
    print(f"sign-up storm ({url.split(':', 1)[0]}): {people:,} people, {threads} threads, capacity {capacity}: "
          f"{seconds:.2f} s ({people / seconds:,.0f} sign-ups/s, {retries[0]} busy retries); "
          f"confirmed {confirmed}, waitlisted {waiting}: {'OK' if ok else 'OVER-BOOKED'}")
    return seconds if ok else -1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench support", description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=200_000)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--capacity", type=int, default=50)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--url", default=None, help="a database URL (default: a new SQLite file)")
    parser.add_argument("--seed", type=int, default=7)
    args = options.parse(parser, argv, attempts=2000, people=30, capacity=10, threads=4)
    pure(args.attempts, args.seed)
    from ilja.db import dispose_engines

    with tempfile.TemporaryDirectory(prefix="ilja-bench-support-") as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        try:
            result = storm(url, args.people, args.capacity, args.threads, Path(tmp) / "keys.json")
        finally:
            dispose_engines()
    return 0 if result >= 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
