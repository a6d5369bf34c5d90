"""Import benchmark: a 100,000-row XLSX of applications, imported with full validation.

Issue 3 §5: "100,000-row XLSX import of applications with validation; print rows per second".
The file is what a district office sends: the synthetic population's person-format columns
(``ilja.people.synthetic.generate_population``) plus 이름, 주민등록번호 and 연락처 (all made up)
and the project applied for (``1지망``), into a 동행일자리 round whose units are the plan's five
fields. The import is the real one (``ilja.applications.importer.import_applications``): every
row validated first, then each person registered in the registry (RRN encrypted, blind-indexed),
evaluated by the rules engine for the snapshot, and stored with its history — one transaction,
on a fresh SQLite database and, if it answers, on PostgreSQL (``ILJA_TEST_POSTGRES_URL``).
Then the same file's persons through the registry's import (``ilja.people.importer``) into a
fresh database. Each line says whether it meets issue 20's goal (≥ 5,000 rows/s), and how near
it comes to the floor measured first on the same database (``run_floor``: the same file's
unavoidable work, batched).

    .venv/bin/python -m bench import [--rows 100000] [--no-postgres] [--keep DIR] [--select] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from bench import databases, options
from bench.databases import PostgresUnreachable, scratch_postgres
from ilja.accounts import audit
from ilja.applications import importer, rounds
from ilja.db import dispose_engines, engine_for, transaction, upgrade
from ilja.people.person_format import write_persons
from ilja.people.rrn import expected_check_digit, generate_key_file
from ilja.people.synthetic import generate_population

ACTOR = audit.Actor("bench", "program_manager", None)
PROGRAM = "companion_jobs"
SURNAMES = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"]
GIVEN = ["민준", "서연", "도윤", "지우", "하준", "서윤", "은우", "지민", "영수", "순자"]


def _rrn(birth: str, i: int) -> str:
    """A made-up but well-formed RRN for a birth date, unique per row (pre-2020 check digit)."""
    year, month, day = birth[:4], birth[5:7], birth[8:10]
    century = int(year) // 100
    gender = {18: 9, 19: 1, 20: 3}.get(century, 1) + (i % 2 if century != 18 else -(i % 2))
    body = f"{year[2:]}{month}{day}{gender}{i % 100_000:05d}"
    return f"{body[:6]}-{body[6:]}{expected_check_digit(body + '0')}"


def write_file(rows: int, path: Path, seed: int = 2025) -> float:
    """The applications file; returns the seconds it took to write (not part of the figure)."""
    started = time.perf_counter()
    population = generate_population(rows, seed=seed)
    csv_path = path.with_suffix(".persons.csv")
    write_persons(population, csv_path)
    frame = pl.read_csv(csv_path, infer_schema=False)
    csv_path.unlink()
    rng = np.random.default_rng(seed)
    units = [u.code for u in rounds.units_from_plan(PROGRAM)]
    births = frame.get_column("birth_date").to_list()
    frame = frame.drop("id").with_columns(
        pl.Series("이름", [SURNAMES[i % 10] + GIVEN[(i // 10) % 10] for i in range(rows)]),
        pl.Series("주민등록번호", [_rrn(b, i) for i, b in enumerate(births)]),
        pl.Series("연락처", [f"010-{2000 + i // 10_000:04d}-{i % 10_000:04d}"
                          for i in range(rows)]),
        pl.Series("1지망", [units[k] for k in rng.integers(0, len(units), rows)]),
    )
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("신청자")
    sheet.append(frame.columns)
    for values in frame.iter_rows():
        sheet.append(list(values))
    book.save(path)
    return time.perf_counter() - started


def _round(url: str) -> int:
    now = dt.datetime.now(dt.UTC)
    data = rounds.RoundInput(
        program_code=PROGRAM, title="2025년 하반기 서울 동행일자리 (벤치마크)",
        announced_on=dt.date(2025, 5, 12), opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=7), starts_on=dt.date(2025, 7, 1),
        units=rounds.units_from_plan(PROGRAM))
    with transaction(engine_for(url)) as session:
        row = rounds.create_round(session, data, actor=ACTOR)
        rounds.open_round(session, row.id, actor=ACTOR)
        return row.id


def select_round(url: str, round_id: int) -> None:
    """The stored selection of the imported round: the draw (once), then its verification."""
    from ilja.selection import service as selection

    started = time.perf_counter()
    with transaction(engine_for(url)) as session:
        result = selection.run_selection(session, round_id, actor=ACTOR)
        stats = result.run.stats or {}
    drawn = time.perf_counter() - started
    started = time.perf_counter()
    with transaction(engine_for(url)) as session:
        report = selection.verify(session, round_id, actor=ACTOR)
    checked = time.perf_counter() - started
    print(f"  selection run: {result.run.applicants:,} applications ({stats.get('selected', 0):,} "
          f"selected, {stats.get('waitlisted', 0):,} waitlisted) stored in {drawn:.1f} s; "
          f"verify {'✔' if report.ok else '✘'} in {checked:.1f} s")


@contextmanager
def _server_cpu(session: Any) -> Iterator[list[str]]:
    """What PostgreSQL's process for ``session`` used while the block ran, as the text a line
    adds (``[", PostgreSQL's process 2.0 s"]``; empty on SQLite): the server's share of an
    import, beside this process's CPU."""
    said = [""]
    server = databases.server_cpu(session) if session.get_bind().dialect.name == "postgresql" else None
    before = server() if server else None
    yield said
    after = server() if server else None
    if before is not None and after is not None:
        said[0] = f", PostgreSQL's process {after - before:.1f} s"


def run_once(url: str, path: Path, rows: int, keys: Path, select: bool = False) -> float:
    """Import the file into a fresh database; returns the wall-clock seconds."""
    upgrade(url)
    round_id = _round(url)
    keyring = generate_key_file(keys)
    started, cpu = time.perf_counter(), time.process_time()
    with transaction(engine_for(url)) as session, _server_cpu(session) as on_server:
        report = importer.import_applications(session, path, round_id, ACTOR, keyring=keyring)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert report.applications == rows, report
    print(f"  {report.applications:,} applications ({report.eligible:,} eligible, "
          f"{report.ineligible:,} not), {report.persons_created:,} persons created; "
          f"this process used {cpu:.1f} s of CPU ({rows / cpu:,.0f} rows per CPU-second){on_server[0]}; "
          f"load average {os.getloadavg()[0]:.1f}")
    if select:
        select_round(url, round_id)
    return seconds


GOAL = 5_000  # rows per second, people and applications, on both databases (issue 20 §2)


def run_people(url: str, path: Path, rows: int, keys: Path) -> float:
    """Import the same file's persons into a fresh registry (``ilja.people.importer``)."""
    from ilja.people.importer import import_people

    upgrade(url)
    keyring = generate_key_file(keys)
    started, cpu = time.perf_counter(), time.process_time()
    with transaction(engine_for(url)) as session, _server_cpu(session) as on_server:
        report = import_people(session, path, program=PROGRAM, actor=ACTOR, keyring=keyring)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert report.created == rows, report
    print(f"  {report.created:,} persons created; this process used {cpu:.1f} s of CPU "
          f"({rows / cpu:,.0f} rows per CPU-second){on_server[0]}; load average {os.getloadavg()[0]:.1f}")
    return seconds


def run_floor(url: str, path: Path, rows: int, keys: Path) -> float:
    """The floor: the work no import of this file can skip, done in batches — the file read
    (``files.read_table``, calamine), the person format checked as columns, each RRN parsed,
    blind-indexed (HMAC) and encrypted (AES-GCM), the rules as columns, and one row a person
    written with one executemany into a scratch table of the same database. No registry, no
    snapshots, no history, decisions, notices or audit: what the real import adds is the
    distance to this line."""
    import sqlalchemy as sa

    from ilja.files import read_table
    from ilja.people.importer import ALIASES
    from ilja.people.person_format.cells import cell_text, table_from_header
    from ilja.people.person_format.columns import population_by_columns
    from ilja.people.person_format.reading import _complete
    from ilja.people.rrn import blind_index, encrypt_rrn, parse_rrn
    from ilja.rules.engine import default_engine

    keyring = generate_key_file(keys)
    engine = engine_for(url)
    scratch = sa.Table("bench_import_floor", sa.MetaData(),
                       sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text),
                       sa.Column("phone", sa.Text), sa.Column("rrn_index", sa.Text),
                       sa.Column("rrn_token", sa.Text), sa.Column("birth_date", sa.Text),
                       sa.Column("sido", sa.Text), sa.Column("eligible", sa.Boolean),
                       sa.Column("failed", sa.BigInteger), sa.Column("score", sa.Float))
    scratch.drop(engine, checkfirst=True)
    scratch.create(engine)
    started, cpu = time.perf_counter(), time.process_time()
    table = read_table(path.read_bytes(), path.name, max_bytes=1 << 30)
    header = [ALIASES.get(str(h).strip(), str(h).strip()) for h in table[0]] + ["id"]
    columns = [[cell_text(v) for v in column] for column in zip(*table[1:], strict=True)]
    columns.append([str(i) for i in range(1, len(table))])
    del table
    frame = pl.DataFrame({f"c{j}": column for j, column in enumerate(columns)},
                         schema={f"c{j}": pl.String for j in range(len(header))})
    cells = table_from_header(frame, header, path)
    population, errors, _ = population_by_columns(_complete(cells.frame), frozenset(), 1_000)
    assert population is not None and not errors, errors[:3]
    text = dict(zip(header, columns, strict=True))
    indexes, tokens = [], []
    for i, number in enumerate(map(parse_rrn, text["rrn"]), 1):
        indexes.append(blind_index(number, keyring))
        tokens.append(encrypt_rrn(number, keyring, context=str(i)))
    result = default_engine().evaluate_population(population, dt.date(2025, 7, 1),
                                                  dt.date(2025, 5, 12), [PROGRAM])
    judged = result.columns[PROGRAM]
    bonus = judged.bonus if judged.bonus is not None else np.zeros(rows)
    values = [{"id": i + 1, "name": name, "phone": phone, "rrn_index": index, "rrn_token": token,
               "birth_date": birth, "sido": sido, "eligible": bool(failed == 0),
               "failed": int(failed), "score": float(score)}
              for i, (name, phone, index, token, birth, sido, failed, score) in enumerate(zip(
                  text["name"], text["phone"], indexes, tokens, text["birth_date"], text["sido"],
                  judged.failed, bonus, strict=True))]
    with engine.begin() as connection:
        connection.execute(scratch.insert(), values)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert len(values) == rows
    print(f"  floor: this process used {cpu:.1f} s of CPU ({rows / cpu:,.0f} rows per "
          f"CPU-second; load average {os.getloadavg()[0]:.1f})")
    return seconds


def _line(database: str, what: str, rows: int, seconds: float, floor: float | None = None) -> None:
    rate = rows / seconds
    against = f"; {floor / seconds:.0%} of the floor's rate" if floor else ""
    print(f"{database} {what}: {rows:,} rows in {seconds:.1f} s = {rate:,.0f} rows/s — goal "
          f"≥ {GOAL:,}/s {'met' if rate >= GOAL else 'missed'}{against}")


def _floor_line(database: str, rows: int, seconds: float) -> None:
    print(f"{database} floor (calamine, columns, RRN HMAC + AES-GCM, rules as columns, one "
          f"executemany): {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench import", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--keep", type=Path,
                        help="keep the file and the SQLite database in this folder")
    parser.add_argument("--select", action="store_true",
                        help="then run and verify the stored selection of the imported round")
    args = options.parse(parser, argv, rows=100, select=True)
    with tempfile.TemporaryDirectory(prefix="ilja-bench-import-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"applications-{args.rows}.xlsx"
        seconds = write_file(args.rows, path)
        print(f"wrote {args.rows:,} rows to {path.name} ({path.stat().st_size / 1e6:.1f} MB) "
              f"in {seconds:.1f} s (not timed)")
        (folder / "bench-floor.db").unlink(missing_ok=True)
        try:
            floor = run_floor(f"sqlite:///{folder / 'bench-floor.db'}", path, args.rows,
                              folder / "keys-floor.json")
        finally:
            dispose_engines()
        _floor_line("SQLite", args.rows, floor)
        (folder / "bench-import.db").unlink(missing_ok=True)
        try:
            elapsed = run_once(f"sqlite:///{folder / 'bench-import.db'}", path, args.rows,
                               folder / "keys-sqlite.json", args.select)
        finally:
            dispose_engines()
        _line("SQLite", "applications", args.rows, elapsed, floor)
        (folder / "bench-people.db").unlink(missing_ok=True)
        try:
            elapsed = run_people(f"sqlite:///{folder / 'bench-people.db'}", path, args.rows,
                                 folder / "keys-people-sqlite.json")
        finally:
            dispose_engines()
        _line("SQLite", "people", args.rows, elapsed, floor)
        if not args.no_postgres:
            try:
                with scratch_postgres("import_floor") as url:
                    floor = run_floor(url, path, args.rows, folder / "keys-floor-postgres.json")
                _floor_line("PostgreSQL", args.rows, floor)
                with scratch_postgres("import") as url:
                    elapsed = run_once(url, path, args.rows, folder / "keys-postgres.json",
                                       args.select)
                _line("PostgreSQL", "applications", args.rows, elapsed, floor)
                with scratch_postgres("import_people") as url:
                    elapsed = run_people(url, path, args.rows, folder / "keys-people-postgres.json")
                _line("PostgreSQL", "people", args.rows, elapsed, floor)
            except PostgresUnreachable as exc:
                print(f"{exc}, skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
