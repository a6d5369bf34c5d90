"""Training operations: departments, courses, committee decisions, cohorts, instructors,
enrolments, attendance, assessments and scores, warnings and dropouts, surveys, one-day classes.

Revision ID: 0100
Revises: 0004

Written by hand for SQLite and PostgreSQL; constraint names follow ``ilja.db.NAMING_CONVENTION``.
``UNIQUE(enrolment_id, day)`` refuses a day recorded twice; ``UNIQUE(cohort_id, person_id)`` a
second enrolment in a cohort; ``UNIQUE(application_id)`` enrolling one application twice.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import BIGID, JSON, TZ, fk, id_column, index, pk

revision = "0100"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_departments", id_column(),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("site_code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("partner", sa.String(100), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        pk("training_departments"),
        sa.UniqueConstraint("code", name="uq_training_departments_code"),
    )
    index("training_departments", "site_code")
    op.create_table(
        "training_courses", id_column(),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("program_code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("specialisation", sa.String(100), nullable=True),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        pk("training_courses"),
        fk("training_courses", "department_id", "training_departments"),
        sa.UniqueConstraint("code", name="uq_training_courses_code"),
    )
    index("training_courses", "department_id")
    op.create_table(
        "training_instructors", id_column(),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("industry_months", sa.Integer(), nullable=False),
        sa.Column("expertise", sa.String(200), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        pk("training_instructors"),
        fk("training_instructors", "user_id", "users"),
        sa.UniqueConstraint("user_id", name="uq_training_instructors_user_id"),
    )
    op.create_table(
        "training_decisions", id_column(),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("instructor_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        pk("training_decisions"),
        fk("training_decisions", "department_id", "training_departments"),
        fk("training_decisions", "course_id", "training_courses"),
        fk("training_decisions", "instructor_id", "training_instructors"),
    )
    op.create_index("ix_training_decisions_department_id",
                    "training_decisions", ["department_id"])
    op.create_table(
        "training_cohorts", id_column(),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("enrolled", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("weekdays", JSON, nullable=False),
        sa.Column("closures", JSON, nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("unit_code", sa.String(64), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        pk("training_cohorts"),
        fk("training_cohorts", "course_id", "training_courses"),
        fk("training_cohorts", "round_id", "rounds"),
        sa.UniqueConstraint("code", name="uq_training_cohorts_code"),
    )
    index("training_cohorts", "course_id", "round_id")
    op.create_table(
        "training_assignments", id_column(),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("instructor_id", sa.Integer(), nullable=False),
        sa.Column("qualification", JSON, nullable=False),
        sa.Column("assigned_at", TZ, nullable=False),
        pk("training_assignments"),
        fk("training_assignments", "cohort_id", "training_cohorts"),
        fk("training_assignments", "instructor_id", "training_instructors"),
        sa.UniqueConstraint("cohort_id", "instructor_id",
                            name="uq_training_assignments_pair"),
    )
    op.create_index("ix_training_assignments_cohort_id", "training_assignments",
                    ["cohort_id"])
    op.create_index("ix_training_assignments_instructor_id",
                    "training_assignments", ["instructor_id"])
    op.create_table(
        "training_enrolments", id_column(),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("trainee_no", sa.String(80), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("enrolled_at", TZ, nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("quit_with_notice", sa.Boolean(), nullable=True),
        sa.Column("certificate_no", sa.String(80), nullable=True),
        pk("training_enrolments"),
        fk("training_enrolments", "cohort_id", "training_cohorts"),
        fk("training_enrolments", "person_id", "persons"),
        fk("training_enrolments", "application_id", "applications"),
        sa.UniqueConstraint("cohort_id", "person_id", name="uq_training_enrolments_cohort_person"),
        sa.UniqueConstraint("application_id", name="uq_training_enrolments_application_id"),
        sa.UniqueConstraint("trainee_no", name="uq_training_enrolments_trainee_no"),
        sa.UniqueConstraint("certificate_no", name="uq_training_enrolments_certificate_no"),
    )
    index("training_enrolments", "cohort_id", "person_id")
    op.create_table(
        "training_attendance",
        id_column(BIGID),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("mark", sa.SmallInteger(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=True),
        sa.Column("recorded_at", TZ, nullable=False),
        pk("training_attendance"),
        fk("training_attendance", "enrolment_id", "training_enrolments"),
        sa.UniqueConstraint("enrolment_id", "day", name="uq_training_attendance_enrolment_day"),
    )
    op.create_index("ix_training_attendance_enrolment_id", "training_attendance",
                    ["enrolment_id"])
    op.create_table(
        "training_assessments", id_column(),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        pk("training_assessments"),
        fk("training_assessments", "cohort_id", "training_cohorts"),
    )
    index("training_assessments", "cohort_id")
    op.create_table(
        "training_scores", id_column(),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(5, 2), nullable=False),
        pk("training_scores"),
        fk("training_scores", "assessment_id", "training_assessments"),
        fk("training_scores", "enrolment_id", "training_enrolments"),
        sa.UniqueConstraint("assessment_id", "enrolment_id",
                            name="uq_training_scores_assessment_enrolment"),
    )
    index("training_scores", "assessment_id", "enrolment_id")
    op.create_table(
        "training_findings", id_column(),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("figures", JSON, nullable=False),
        sa.Column("reason_ko", sa.Text(), nullable=False),
        sa.Column("reason_en", sa.Text(), nullable=False),
        sa.Column("parameters", JSON, nullable=False),
        sa.Column("parameter_version", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        pk("training_findings"),
        fk("training_findings", "enrolment_id", "training_enrolments"),
    )
    index("training_findings", "enrolment_id")
    op.create_table(
        "training_surveys", id_column(),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("submitted_at", TZ, nullable=False),
        pk("training_surveys"),
        fk("training_surveys", "assignment_id", "training_assignments"),
        fk("training_surveys", "enrolment_id", "training_enrolments"),
        sa.UniqueConstraint("assignment_id", "enrolment_id",
                            name="uq_training_surveys_pair"),
    )
    op.create_index("ix_training_surveys_assignment_id",
                    "training_surveys", ["assignment_id"])
    op.create_table(
        "training_oneday_classes", id_column(),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("site_code", sa.String(64), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("linked_course_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        pk("training_oneday_classes"),
        fk("training_oneday_classes", "linked_course_id", "training_courses"),
        sa.UniqueConstraint("code", name="uq_training_oneday_classes_code"),
    )
    op.create_index("ix_training_oneday_classes_linked_course_id", "training_oneday_classes",
                    ["linked_course_id"])
    op.create_table(
        "training_participants", id_column(),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("referred_by", sa.String(100), nullable=False),
        sa.Column("registered_at", TZ, nullable=False),
        pk("training_participants"),
        fk("training_participants", "class_id", "training_oneday_classes"),
        fk("training_participants", "person_id", "persons"),
        sa.UniqueConstraint("class_id", "person_id", name="uq_training_participants_pair"),
    )
    op.create_index("ix_training_participants_class_id", "training_participants",
                    ["class_id"])
    op.create_index("ix_training_participants_person_id", "training_participants",
                    ["person_id"])


def downgrade() -> None:
    for table in ("training_participants", "training_oneday_classes",
                  "training_surveys", "training_findings", "training_scores",
                  "training_assessments", "training_attendance", "training_enrolments",
                  "training_assignments", "training_cohorts",
                  "training_decisions", "training_instructors", "training_courses",
                  "training_departments"):
        op.drop_table(table)
