"""A person's training history in people (issue 22): ``person_ended_courses``, one row for each
course that ended here, in the person format's terms (program, start, end, result).

Revision ID: 0102
Revises: 0101

Applications and verification read a person's history from people instead of reaching up into
training's enrolments; training writes the row when an enrolment ends. The rows are filled from
the enrolments that have ended, as the history was read from them until now: a quit with notice
is ``dropped``, one without (or not known to have had notice) ``quit_without_notice``, and the
course's start is its cohort's. The downgrade drops the table (the enrolments still hold all of it).
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import column, fk, id_column, index, pk

revision = "0102"
down_revision = "0101"
branch_labels = None
depends_on = None

T = "person_ended_courses"


def upgrade() -> None:
    op.create_table(
        T, id_column(), column("person_id", sa.Integer()), column("enrolment_id", sa.Integer()),
        column("program", sa.String(64)), column("started_on", sa.Date()), column("ended_on", sa.Date()),
        column("result", sa.String(24)),
        pk(T), fk(T, "person_id", "persons", "CASCADE"),
        sa.UniqueConstraint("enrolment_id", name=f"uq_{T}_enrolment_id"),
    )
    index(T, "person_id")
    op.execute(
        f"INSERT INTO {T} (person_id, enrolment_id, program, started_on, ended_on, result) "
        "SELECT e.person_id, e.id, c.program_code, h.starts_on, e.ended_on, "
        "CASE e.status WHEN 'quit' THEN CASE WHEN e.quit_with_notice THEN 'dropped' ELSE 'quit_without_notice' END "
        "ELSE e.status END "
        "FROM training_enrolments e JOIN training_cohorts h ON h.id = e.cohort_id "
        "JOIN training_courses c ON c.id = h.course_id "
        "WHERE e.ended_on IS NOT NULL AND e.status IN ('completed', 'dropped', 'quit') ORDER BY e.id")


def downgrade() -> None:
    op.drop_index(f"ix_{T}_person_id", table_name=T)
    op.drop_table(T)
