"""Backups: ``ilja backup --output DIR`` and ``ilja restore --input DIR``.

* SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot
  while the application keeps writing.
* PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore`` when they are on PATH (one
  consistent snapshot, a REPEATABLE READ transaction); otherwise a portable dump — every table
  in dependency order as JSON lines, read in one REPEATABLE READ transaction — restored with
  the same models. The manifest says which.

Encrypted columns are copied as stored (ciphertext and blind index): the data key file lives in
the data directory (``ILJA_DATA_KEY_FILE``) and is never part of a backup — keep it, and its
own backup, apart (개인정보의 안전성 확보조치 기준 제7조: 암호 키의 분리 보관). A restore needs an
empty target database; it refuses to overwrite one with tables in it.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, insert, inspect, select, text
from sqlalchemy.engine import make_url

from ilja import clock
from ilja.db import Base, upgrade

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore refused: the message says why."""


@dataclass(frozen=True)
class BackupReport:
    method: str
    tables: dict[str, int]
    files: list[str]

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            names = sorted(inspect(connection).get_table_names())
            return {name: connection.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
                    for name in names}
    finally:
        engine.dispose()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup(url: str, output: Path, *, portable: bool = False) -> BackupReport:
    """Write a backup of ``url`` into ``output`` (created; must be empty)."""
    output.mkdir(parents=True, exist_ok=True)
    if any(output.iterdir()):
        raise BackupError(f"{output} is not empty")
    kind = make_url(url).get_backend_name()
    if kind == "sqlite":
        method, files = "sqlite-online-backup", [_sqlite_backup(url, output / "ilja.sqlite3")]
    elif kind == "postgresql" and not portable and shutil.which("pg_dump"):
        method, files = "pg_dump-custom", [_pg_dump(url, output / "ilja.pgdump")]
    elif kind == "postgresql":
        method, files = "portable-jsonl", _portable_dump(url, output / "tables")
    else:
        raise BackupError(f"no backup method for {kind}")
    counts = table_counts(url) if method != "sqlite-online-backup" else table_counts(
        f"sqlite:///{output / 'ilja.sqlite3'}")
    manifest = {"format": FORMAT_VERSION, "method": method, "source": kind,
                "created_at": clock.now().isoformat(), "tables": counts,
                "files": {str(f.relative_to(output)): _sha256(f) for f in files},
                "key_file": "not included: restore it separately (ILJA_DATA_KEY_FILE)"}
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return BackupReport(method, counts, [str(f.relative_to(output)) for f in files])


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _sqlite_backup(url: str, target: Path) -> Path:
    source = sqlite3.connect(_sqlite_path(url))
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination, pages=1024)
    finally:
        destination.close()
        source.close()
    return target


def _pg_dump(url: str, target: Path) -> Path:
    result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                             f"--file={target}", _libpq(url)], capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
    return target


def _ordered_tables():
    return list(Base.metadata.sorted_tables)


def _encode(value):
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return {"$t": value.isoformat(), "k": type(value).__name__}
    if isinstance(value, decimal.Decimal):
        return {"$d": str(value)}
    return value


def _decode(value):
    if isinstance(value, dict) and "$b64" in value:
        return base64.b64decode(value["$b64"])
    if isinstance(value, dict) and "$t" in value:
        moment = getattr(dt, value["k"]).fromisoformat(value["$t"])
        if isinstance(moment, dt.datetime) and moment.tzinfo is None:
            # a dump from SQLite before instants kept their zone: they were UTC (as read then)
            moment = moment.replace(tzinfo=dt.UTC)
        return moment
    if isinstance(value, dict) and "$d" in value:
        return decimal.Decimal(value["$d"])
    return value


def _portable_dump(url: str, folder: Path) -> list[Path]:
    folder.mkdir()
    engine = create_engine(url)
    files = []
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, \
                connection.begin():
            present = set(inspect(connection).get_table_names())
            for number, table in enumerate(t for t in _ordered_tables() if t.name in present):
                path = folder / f"{number:03d}_{table.name}.jsonl"
                with path.open("w", encoding="utf-8") as handle:
                    for row in connection.execute(select(table)).mappings():
                        handle.write(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
                files.append(path)
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            path = folder / "alembic_version.json"
            path.write_text(json.dumps(version))
            files.append(path)
    finally:
        engine.dispose()
    return files


def restore(source: Path, url: str) -> BackupReport:
    """Restore the backup in ``source`` into the empty database at ``url``."""
    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        if _sha256(source / name) != digest:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    kind = make_url(url).get_backend_name()
    method = manifest["method"]
    if table_counts(url) if kind != "sqlite" or _sqlite_path(url).exists() else {}:
        raise BackupError("the target database is not empty; restore into a new one")
    if method == "sqlite-online-backup":
        if kind != "sqlite":
            raise BackupError("a SQLite backup restores into SQLite (use the portable dump to move)")
        source_db = sqlite3.connect(source / "ilja.sqlite3")
        target = sqlite3.connect(_sqlite_path(url))
        try:
            with target:
                source_db.backup(target)
        finally:
            target.close()
            source_db.close()
    elif method == "pg_dump-custom":
        result = subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                                 f"--dbname={_libpq(url)}", str(source / "ilja.pgdump")],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")
    elif method == "portable-jsonl":
        _portable_restore(source / "tables", url)
    else:
        raise BackupError(f"unknown backup method {method!r}")
    counts = table_counts(url)
    expected = manifest["tables"]
    missing = {t: (n, counts.get(t)) for t, n in expected.items() if counts.get(t) != n}
    if missing:
        raise BackupError(f"restored row counts differ: {missing}")
    return BackupReport(method, counts, list(manifest["files"]))


def _portable_restore(folder: Path, url: str) -> None:
    revisions = json.loads((folder / "alembic_version.json").read_text())
    upgrade(url)  # the schema by the migrations, then the rows
    engine = create_engine(url)
    tables = {t.name: t for t in _ordered_tables()}
    try:
        with engine.begin() as connection:
            for table in reversed(list(tables.values())):  # rows the migrations seeded, if any
                connection.execute(table.delete())
            for path in sorted(folder.glob("*.jsonl")):
                table = tables[path.stem.split("_", 1)[1]]
                batch = []
                with path.open(encoding="utf-8") as handle:
                    for line in handle:
                        batch.append({k: _decode(v) for k, v in json.loads(line).items()})
                        if len(batch) == 5000:
                            connection.execute(insert(table), batch)
                            batch = []
                if batch:
                    connection.execute(insert(table), batch)
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection)
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            if sorted(current) != sorted(revisions):
                raise BackupError(f"schema versions differ: backup {revisions}, migrations {current}")
    finally:
        engine.dispose()


def _reset_sequences(connection) -> None:
    rows = connection.execute(text(
        "SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) "
        "FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND pg_get_serial_sequence(quote_ident(table_name), column_name) IS NOT NULL")).all()
    for table, column, sequence in rows:
        connection.execute(text(f"SELECT setval('{sequence}', COALESCE((SELECT MAX(\"{column}\") "
                                f"FROM \"{table}\"), 0) + 1, false)"))
