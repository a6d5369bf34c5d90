"""Database engine, sessions and migrations (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

import datetime as dt
import json
import re
import select
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg.pq import ConnStatus
from psycopg.types.json import Json, Jsonb
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Dialect, ExceptionContext, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from ilja.config import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An instant, stored in UTC on every database and read back aware in UTC.

    SQLite keeps no offset: a plain ``DateTime(timezone=True)`` wrote an aware datetime's wall
    clock, so a Korea time came back as if it were UTC, 9 hours late (issue 16). A naive
    datetime is refused, since nobody can tell which zone it meant.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime) or value.utcoffset() is None:
            raise ValueError(f"an instant needs a time zone (naive or not a datetime): {value!r}")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: dt.datetime | None,
                             dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        """``column + timedelta`` keeps the plain type: only datetimes are instants."""
        if isinstance(value, dt.datetime):
            return self
        return self.impl_instance.coerce_compared_value(op, value)


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use psycopg 3 for them."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    """Take SQLite's write lock when a transaction starts: a transaction that read first and
    writes later could otherwise fail with "database is locked" instead of waiting its turn."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


_QUOTED = re.compile(r'"((?:[^"]|"")*)"')
HIDDEN = "[value hidden]"


def scrub_driver_message(message: str, names: Iterable[str] = ()) -> str:
    """A database's error message without the values it quotes.

    PostgreSQL adds lines such as ``DETAIL:  Key (phone)=(01012345678) already exists.`` or
    ``Failing row contains (…, 김민준, …)``, and quotes a bad value in the first line
    (``invalid input syntax for type integer: "…"``). Only the first line is kept, and in it only
    the quoted ``names`` (the constraint, table and column: what tells a developer where).
    """
    first = message.split("\n", 1)[0]
    kept = set(names)
    return _QUOTED.sub(lambda m: m.group(0) if m.group(1) in kept else f'"{HIDDEN}"', first)


def _scrub_error(context: ExceptionContext) -> None:
    """Take the values out of a failed statement's error before anything can log it: the
    driver's own exception (printed as the cause in a traceback) and SQLAlchemy's wrapper
    (whose message copied the driver's). ``hide_parameters`` already hides the parameters."""
    _scrub(context.original_exception, context.sqlalchemy_exception)


def _scrub(original: BaseException, wrapped: BaseException | None) -> None:
    diag = getattr(original, "diag", None)
    names = [n for n in (getattr(diag, a, None) for a in (
        "constraint_name", "table_name", "column_name", "schema_name", "datatype_name")) if n]
    original.args = tuple(scrub_driver_message(a, names) if isinstance(a, str) else a
                          for a in original.args)
    if wrapped is not None and wrapped.args and isinstance(wrapped.args[0], str):
        head, _, text = wrapped.args[0].partition(") ")
        wrapped.args = (f"{head}) {scrub_driver_message(text, names)}", *wrapped.args[1:])


def _closed_by_server(dbapi_connection: Any) -> bool:
    """Whether the server has ended this idle connection, asked of the socket alone.

    An idle connection has nothing to read: when PostgreSQL stops or restarts (or a backend is
    terminated) it sends its last error and closes the socket, which then reads ready. A poll
    with no wait sees that without the round trip a pre-ping ``SELECT 1`` costs on every
    checkout (one of a sign-up's six, bench/support)."""
    pgconn = dbapi_connection.pgconn
    if dbapi_connection.closed or pgconn.status != ConnStatus.OK:
        return True
    poll = select.poll()
    poll.register(pgconn.socket, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poll.poll(0))


def _discard_if_closed_by_server(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Pool checkout: a connection the server has closed is replaced, not handed out; the pool's
    other connections older than it are replaced too (a restart ended them all)."""
    if _closed_by_server(dbapi_connection):
        error = DisconnectionError("the database server closed the connection")
        error.invalidate_pool = True
        raise error


def make_engine(url: str) -> Engine:
    """An engine whose errors never carry personal data: not the statement's parameters
    (``hide_parameters``), nor the values the database quotes back (``_scrub_error``) — names,
    phones and incomes would otherwise reach the logs with the exception."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
    else:
        engine = create_engine(url, pool_size=get_settings().db_pool_size, max_overflow=10,
                               hide_parameters=True)
        event.listen(engine, "checkout", _discard_if_closed_by_server)
    event.listen(engine, "handle_error", _scrub_error)
    return engine


_ENGINES: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """One engine (and connection pool) per database URL for the whole process."""
    engine = _ENGINES.get(url)
    if engine is None:
        engine = _ENGINES[url] = make_engine(url)
    return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests do this before dropping a database)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


def get_engine() -> Engine:
    return engine_for(get_settings().database_url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commits whole on success, rolls back whole on any error."""
    # a Session, not a sessionmaker: each sessionmaker makes a Session subclass of its own
    with Session(engine or get_engine(), expire_on_commit=False) as session, session.begin():
        yield session


_DRIVER_CURSOR = "ilja.db.driver_cursor"


class DriverStatement:
    """A Core statement compiled once per dialect and run on the driver's own cursor in the
    session's transaction, its values converted by the columns' own types both ways.

    SQLAlchemy's execution of a compiled, cached statement (its context, events and result
    object) cost about 0.1 ms of CPU on top of the driver's 0.05 for a sign-up's one-row statements
    (bench/support), and about 0.4 ms for a submission's read of its round, units and applicant
    (0.6 -> 0.2 ms measured alone). Driver errors are raised
    as SQLAlchemy's with their parameters hidden and the values a message quotes taken out, as the
    engine's own statements' are (``_scrub_error``). ``keys``: an insert's columns, when its
    values are given at run time."""

    def __init__(self, statement: Any, keys: list[str] | None = None) -> None:
        self.statement, self.keys, self.compiled = statement, keys, {}

    def _for(self, dialect: Dialect) -> tuple[str, list[tuple[str, str, Any, Any]], list[tuple[int, Any]]]:
        """The SQL, each parameter (its name, the caller's key, the statement's own value, the
        type's conversion) in the driver's order, and the result columns' conversions."""
        found = self.compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect, column_keys=self.keys)
            binds = {name: bind for bind, name in compiled.bind_names.items()}
            plan = [(name, binds[name].key, binds[name].value,
                     binds[name].type.dialect_impl(dialect).bind_processor(dialect))
                    for name in compiled.positiontup or binds]
            results = [(i, convert) for i, column in enumerate(self.statement.exported_columns)
                       if (convert := column.type.dialect_impl(dialect).result_processor(dialect, None))]
            found = self.compiled[dialect.name] = (compiled.string, plan, results)
        return found

    def run(self, session: Session, values: dict[str, Any]) -> list[Any]:
        """The statement's rows (tuples, or lists where a column's type converts its values)."""
        session.flush()  # what the session holds goes first, as its own execute would (autoflush)
        connection = session.connection()
        dialect = connection.dialect
        sql, plan, results = self._for(dialect)
        params: dict[str, Any] = {}
        for name, key, literal, convert in plan:
            value = values.get(key, literal)
            params[name] = convert(value) if convert else value
        pooled = connection.connection  # one cursor kept with each pooled connection: making one cost 0.02 ms
        cursor = pooled.info.get(_DRIVER_CURSOR) or pooled.info.setdefault(
            _DRIVER_CURSOR, pooled.driver_connection.cursor())
        try:
            cursor.execute(sql, list(params.values()) if dialect.positional else params)
            rows = cursor.fetchall() if self.statement.exported_columns else []
        except dialect.loaded_dbapi.Error as exc:
            wrapped = DBAPIError.instance(sql, None, exc, dialect.loaded_dbapi.Error, hide_parameters=True,
                                          dialect=dialect)
            _scrub(exc, wrapped)
            raise wrapped from exc
        if results:
            rows = [list(row) for row in rows]
            for row in rows:
                for i, convert in results:
                    row[i] = convert(row[i])
        return rows


def insert_ids(session: Session, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` into ``table`` (``insert_rows``); the new ids in the rows' order."""
    return insert_rows(session, table, rows, ids=True)


def insert_rows(session: Session, table: Any, rows: list[dict[str, Any]], *, ids: bool = False) -> list[int]:
    """Insert many rows (all with the same keys) in the caller's transaction through the driver:
    each column's values converted by its type once a distinct value (the same ``now`` or basis
    in every row is converted once), then one ``executemany`` on SQLite and one ``COPY`` on
    PostgreSQL — SQLAlchemy's per-row parameter handling cost more than the database's work
    (issue 20 §2). A column left out takes its Python-side default, as in ``insert``.

    With ``ids`` the rows are numbered here and the ids returned in the rows' order: on SQLite
    after the largest id (no table has AUTOINCREMENT, so that is what SQLite would give, and our
    transaction holds the write lock from its start: ``_sqlite_begin_immediate``); on PostgreSQL
    from the id's sequence, in one round trip."""
    if not rows:
        return []
    session.flush()  # the rows may refer to objects still pending in the session
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    values = [[row[name] for row in rows] for name in names]
    for column in table.columns:  # the Python-side defaults of the columns not given
        if column.name not in rows[0] and column.default is not None and not column.primary_key:
            default = column.default
            names.append(column.name)
            values.append([default.arg(None) for _ in rows] if default.is_callable else [default.arg] * len(rows))
    new_ids: list[int] = []
    if ids:
        new_ids = reserve_ids(session, table, len(rows))
        names.insert(0, "id")
        values.insert(0, new_ids)
    columns = [_bound(table.c[name].type, dialect, column) for name, column in zip(names, values, strict=True)]
    _driver_insert(connection, table, names, list(zip(*columns, strict=True)))
    return new_ids


def reserve_ids(session: Session, table: Any, count: int) -> list[int]:
    """The ids ``count`` new rows of ``table`` will have, in order (see ``insert_rows``): for
    rows that hold their own id before they are inserted (an RRN token bound to its person)."""
    connection = session.connection()
    quoted = connection.dialect.identifier_preparer.format_table(table)
    if connection.dialect.name == "sqlite":
        last = connection.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {quoted}").scalar_one()
        return list(range(last + 1, last + 1 + count))
    return sorted(connection.exec_driver_sql(
        "SELECT nextval(pg_get_serial_sequence(%(table)s, 'id')) FROM generate_series(1, %(n)s)",
        {"table": quoted, "n": count}).scalars())


def _bound(type_: Any, dialect: Dialect, values: list[Any]) -> list[Any]:
    """A column's values as the driver takes them: the type's bind processor once a distinct
    object (the rows hold every value, so an id names one object throughout), JSON serialised."""
    process = type_._cached_bind_processor(dialect)
    if process is None:
        return values
    keys = list(map(id, values))
    done = {key: _serialised(process(value)) for key, value in dict(zip(keys, values, strict=True)).items()}
    return list(map(done.__getitem__, keys))


def _serialised(value: Any) -> Any:
    """psycopg's JSON wrapper (SQLAlchemy's bound JSON on PostgreSQL) as its text."""
    return (value.dumps or json.dumps)(value.obj) if isinstance(value, Json | Jsonb) else value


COPY_FROM = 64  # rows: fewer go in an INSERT on PostgreSQL too (one round trip, where COPY and lz4 take three)
_LZ4: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()  # whether the server has lz4


def _driver_insert(connection: Any, table: Any, names: list[str], rows: list[tuple[Any, ...]]) -> None:
    preparer = connection.dialect.identifier_preparer
    target = f"{preparer.format_table(table)} ({', '.join(preparer.quote(name) for name in names)})"
    if connection.dialect.name == "sqlite" or len(rows) < COPY_FROM:  # errors scrubbed (_scrub_error)
        marker = "?" if connection.dialect.name == "sqlite" else "%s"
        connection.exec_driver_sql(f"INSERT INTO {target} VALUES ({', '.join([marker] * len(names))})", rows)
        return
    lz4 = _LZ4.get(connection.engine)
    if lz4 is None:
        lz4 = _LZ4[connection.engine] = bool(connection.exec_driver_sql(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'").scalar())
    if lz4:
        # long values (an import's snapshots, reasons, notices) compressed with lz4, not pglz: a third
        # less of the server's CPU for an import; for the rest of this transaction only
        connection.exec_driver_sql("SET LOCAL default_toast_compression = lz4")
    try:
        with connection.connection.driver_connection.cursor() as cursor, \
                cursor.copy(f"COPY {target} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.Error as error:  # COPY passes no SQLAlchemy event: take the values out here
        diag = error.diag
        names = [n for n in (diag.constraint_name, diag.table_name, diag.column_name) if n]
        error.args = tuple(scrub_driver_message(a, names) if isinstance(a, str) else a for a in error.args)
        raise


def alembic_config(url: str):
    # lazy: alembic loads only to migrate, not in every process that opens the database
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Apply migrations up to ``revision`` (default: every branch's newest) on ``url``.

    Domains after the core chain (0001 plan → 0002 accounts → 0003 people → 0004 applications)
    branch from it, each with its own revision ids, so they can be written side by side.
    """
    # lazy: alembic loads only to migrate, not in every process that opens the database
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def current_revision(url: str) -> str | None:
    """The applied revision(s), comma-separated when several branches are applied."""
    # lazy: alembic loads only to migrate, not in every process that opens the database
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            heads = MigrationContext.configure(connection).get_current_heads()
    finally:
        engine.dispose()
    return ",".join(sorted(heads)) or None
