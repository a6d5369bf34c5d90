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

revision = "0100"
down_revision = "0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
JSON = sa.JSON(none_as_null=True)
BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=f"pk_{table}")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def upgrade() -> None:
    op.create_table(
        "training_departments", _id(),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("site_code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("partner", sa.String(100), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        _pk("training_departments"),
        sa.UniqueConstraint("code", name="uq_training_departments_code"),
    )
    op.create_index("ix_training_departments_site_code", "training_departments", ["site_code"])
    op.create_table(
        "training_courses", _id(),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("program_code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("specialisation", sa.String(100), nullable=True),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        _pk("training_courses"),
        _fk("training_courses", "department_id", "training_departments"),
        sa.UniqueConstraint("code", name="uq_training_courses_code"),
    )
    op.create_index("ix_training_courses_department_id", "training_courses", ["department_id"])
    op.create_table(
        "training_instructors", _id(),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("industry_months", sa.Integer(), nullable=False),
        sa.Column("expertise", sa.String(200), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        _pk("training_instructors"),
        _fk("training_instructors", "user_id", "users"),
        sa.UniqueConstraint("user_id", name="uq_training_instructors_user_id"),
    )
    op.create_table(
        "training_decisions", _id(),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("instructor_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        _pk("training_decisions"),
        _fk("training_decisions", "department_id", "training_departments"),
        _fk("training_decisions", "course_id", "training_courses"),
        _fk("training_decisions", "instructor_id", "training_instructors"),
    )
    op.create_index("ix_training_decisions_department_id",
                    "training_decisions", ["department_id"])
    op.create_table(
        "training_cohorts", _id(),
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
        _pk("training_cohorts"),
        _fk("training_cohorts", "course_id", "training_courses"),
        _fk("training_cohorts", "round_id", "rounds"),
        sa.UniqueConstraint("code", name="uq_training_cohorts_code"),
    )
    op.create_index("ix_training_cohorts_course_id", "training_cohorts", ["course_id"])
    op.create_index("ix_training_cohorts_round_id", "training_cohorts", ["round_id"])
    op.create_table(
        "training_assignments", _id(),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("instructor_id", sa.Integer(), nullable=False),
        sa.Column("qualification", JSON, nullable=False),
        sa.Column("assigned_at", TZ, nullable=False),
        _pk("training_assignments"),
        _fk("training_assignments", "cohort_id", "training_cohorts"),
        _fk("training_assignments", "instructor_id", "training_instructors"),
        sa.UniqueConstraint("cohort_id", "instructor_id",
                            name="uq_training_assignments_pair"),
    )
    op.create_index("ix_training_assignments_cohort_id", "training_assignments",
                    ["cohort_id"])
    op.create_index("ix_training_assignments_instructor_id",
                    "training_assignments", ["instructor_id"])
    op.create_table(
        "training_enrolments", _id(),
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
        _pk("training_enrolments"),
        _fk("training_enrolments", "cohort_id", "training_cohorts"),
        _fk("training_enrolments", "person_id", "persons"),
        _fk("training_enrolments", "application_id", "applications"),
        sa.UniqueConstraint("cohort_id", "person_id", name="uq_training_enrolments_cohort_person"),
        sa.UniqueConstraint("application_id", name="uq_training_enrolments_application_id"),
        sa.UniqueConstraint("trainee_no", name="uq_training_enrolments_trainee_no"),
        sa.UniqueConstraint("certificate_no", name="uq_training_enrolments_certificate_no"),
    )
    op.create_index("ix_training_enrolments_cohort_id", "training_enrolments", ["cohort_id"])
    op.create_index("ix_training_enrolments_person_id", "training_enrolments", ["person_id"])
    op.create_table(
        "training_attendance",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("mark", sa.SmallInteger(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=True),
        sa.Column("recorded_at", TZ, nullable=False),
        _pk("training_attendance"),
        _fk("training_attendance", "enrolment_id", "training_enrolments"),
        sa.UniqueConstraint("enrolment_id", "day", name="uq_training_attendance_enrolment_day"),
    )
    op.create_index("ix_training_attendance_enrolment_id", "training_attendance",
                    ["enrolment_id"])
    op.create_table(
        "training_assessments", _id(),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        _pk("training_assessments"),
        _fk("training_assessments", "cohort_id", "training_cohorts"),
    )
    op.create_index("ix_training_assessments_cohort_id", "training_assessments", ["cohort_id"])
    op.create_table(
        "training_scores", _id(),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(5, 2), nullable=False),
        _pk("training_scores"),
        _fk("training_scores", "assessment_id", "training_assessments"),
        _fk("training_scores", "enrolment_id", "training_enrolments"),
        sa.UniqueConstraint("assessment_id", "enrolment_id",
                            name="uq_training_scores_assessment_enrolment"),
    )
    op.create_index("ix_training_scores_assessment_id", "training_scores", ["assessment_id"])
    op.create_index("ix_training_scores_enrolment_id", "training_scores", ["enrolment_id"])
    op.create_table(
        "training_findings", _id(),
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
        _pk("training_findings"),
        _fk("training_findings", "enrolment_id", "training_enrolments"),
    )
    op.create_index("ix_training_findings_enrolment_id", "training_findings", ["enrolment_id"])
    op.create_table(
        "training_surveys", _id(),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("submitted_at", TZ, nullable=False),
        _pk("training_surveys"),
        _fk("training_surveys", "assignment_id", "training_assignments"),
        _fk("training_surveys", "enrolment_id", "training_enrolments"),
        sa.UniqueConstraint("assignment_id", "enrolment_id",
                            name="uq_training_surveys_pair"),
    )
    op.create_index("ix_training_surveys_assignment_id",
                    "training_surveys", ["assignment_id"])
    op.create_table(
        "training_oneday_classes", _id(),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("site_code", sa.String(64), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("linked_course_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        _pk("training_oneday_classes"),
        _fk("training_oneday_classes", "linked_course_id", "training_courses"),
        sa.UniqueConstraint("code", name="uq_training_oneday_classes_code"),
    )
    op.create_index("ix_training_oneday_classes_linked_course_id", "training_oneday_classes",
                    ["linked_course_id"])
    op.create_table(
        "training_participants", _id(),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("referred_by", sa.String(100), nullable=False),
        sa.Column("registered_at", TZ, nullable=False),
        _pk("training_participants"),
        _fk("training_participants", "class_id", "training_oneday_classes"),
        _fk("training_participants", "person_id", "persons"),
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
