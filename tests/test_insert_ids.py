"""``db.insert_ids``: the new ids in the rows' order, on SQLite (a few statements, the ids sorted)
and PostgreSQL — the writers that pair a row with its id (decisions, messages, persons) rely on it.
``db.insert_rows`` (the driver's executemany or COPY under both) stores what SQLAlchemy's insert
stores, and its errors carry no values."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
import sqlalchemy as sa

from ilja.db import COPY_FROM, UTCDateTime, engine_for, insert_ids, insert_rows, transaction

SCRATCH = sa.Table("test_insert_ids", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                   sa.Column("label", sa.Text, nullable=False))


def test_ids_follow_the_rows_order(database_url):
    engine = engine_for(database_url)
    SCRATCH.create(engine)
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_):
        statements.append(statement)

    try:
        with transaction(engine) as session:
            session.execute(SCRATCH.insert(), [{"label": "before"}])
            sa.event.listen(engine, "before_cursor_execute", seen)
            try:
                ids = insert_ids(session, SCRATCH, [{"label": f"row {i}"} for i in range(2500)])
            finally:
                sa.event.remove(engine, "before_cursor_execute", seen)
            labels = dict(session.execute(sa.select(SCRATCH.c.id, SCRATCH.c.label)).all())
        assert len(set(ids)) == 2500
        assert [labels[new_id] for new_id in ids] == [f"row {i}" for i in range(2500)]
        assert len(statements) < 100  # batches, not one statement a row
        with transaction(engine) as session:
            assert insert_ids(session, SCRATCH, []) == []
    finally:
        SCRATCH.drop(engine)


TYPED = sa.Table("test_insert_rows", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("label", sa.Text, nullable=False, unique=True),
                 sa.Column("data", sa.JSON(none_as_null=True)), sa.Column("at", UTCDateTime()),
                 sa.Column("on", sa.Date), sa.Column("flag", sa.Boolean), sa.Column("amount", sa.Float),
                 sa.Column("status", sa.String(8), default="open"), sa.Column("n", sa.Integer, default=lambda: 7))


def test_insert_rows_stores_what_the_orm_insert_stores(database_url):
    engine = engine_for(database_url)
    TYPED.create(engine)
    seoul = dt.timezone(dt.timedelta(hours=9))
    shared = {"ko": "공고", "list": [1, 2.5, None, "따옴표 \" 와 \\ 탭\t"]}
    rows = [{"label": f"row {i}", "data": shared if i % 2 else {"i": i, "nested": {"x": [i]}} if i % 3 else None,
             "at": dt.datetime(2025, 5, 12, 9, 0, i % 60, i, tzinfo=seoul), "on": dt.date(2025, 7, 1 + i % 28),
             "flag": bool(i % 2), "amount": i / 3} for i in range(300)]
    postgres = engine.dialect.name == "postgresql"
    show = sa.text("SHOW default_toast_compression")
    try:
        with transaction(engine) as session:
            before = session.execute(show).scalar_one() if postgres else None
            insert_ids(session, TYPED, [{**row, "label": f"orm {row['label']}"} for row in rows[:1]])
            session.execute(TYPED.insert(), [{**row, "label": f"orm {row['label']}"} for row in rows[1:]])
            ids = insert_ids(session, TYPED, rows)
            insert_rows(session, TYPED, [{"label": "no id"}])  # below COPY_FROM: an INSERT on PostgreSQL too
            small = insert_ids(session, TYPED, [{**row, "label": f"small {row['label']}"} for row in rows[:3]])
        with transaction(engine) as session:  # lz4 for the inserting transaction only (its SET LOCAL)
            assert (session.execute(show).scalar_one() if postgres else None) == before
            stored = {r.label: r for r in session.execute(sa.select(TYPED))}
        assert [stored[row["label"]].id for row in rows] == ids
        assert len(set(ids)) == len(ids) and min(ids) > max(stored[f"orm {r['label']}"].id for r in rows)
        for row in rows:
            ours, theirs = stored[row["label"]], stored[f"orm {row['label']}"]
            assert ours._asdict() | {"id": 0, "label": ""} == theirs._asdict() | {"id": 0, "label": ""}
            assert (ours.data, ours.at, ours.status, ours.n) == (row["data"], row["at"], "open", 7)
        assert stored["no id"].data is None and stored["no id"].status == "open"
        assert [stored[f"small {row['label']}"].id for row in rows[:3]] == small
        for row in rows[:3]:
            small_row, theirs = stored[f"small {row['label']}"], stored[f"orm {row['label']}"]
            assert small_row._asdict() | {"id": 0, "label": ""} == theirs._asdict() | {"id": 0, "label": ""}
    finally:
        TYPED.drop(engine)


@pytest.mark.parametrize("size", [2, COPY_FROM])  # an INSERT, and on PostgreSQL a COPY
def test_insert_rows_errors_carry_no_values(database_url, size):
    engine = engine_for(database_url)
    TYPED.create(engine)
    try:
        with pytest.raises((sa.exc.IntegrityError, psycopg.errors.UniqueViolation)) as raised, \
                transaction(engine) as session:
            insert_rows(session, TYPED, [{"label": "홍길동 010-1234-5678"}] * size)
        assert "010-1234-5678" not in str(raised.value) and "010-1234-5678" not in repr(raised.value.args)
    finally:
        TYPED.drop(engine)
