"""``db.insert_ids``: the new ids in the rows' order, on SQLite (a few statements, the ids sorted)
and PostgreSQL — the writers that pair a row with its id (decisions, messages, persons) rely on it."""

from __future__ import annotations

import sqlalchemy as sa

from ilja.db import engine_for, insert_ids, transaction

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
