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

from ilja.migrations.columns import BIGID, JSON, TZ, column, fk, id_column, index, pk

revision = "0100"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_departments", id_column(), column("code", sa.String(64)), column("site_code", sa.String(64)),
        column("name", sa.String(200)), column("partner", sa.String(100), True), column("created_at", TZ),
        pk("training_departments"), sa.UniqueConstraint("code", name="uq_training_departments_code"),
    )
    index("training_departments", "site_code")
    op.create_table(
        "training_courses", id_column(), column("code", sa.String(64)), column("department_id", sa.Integer()),
        column("program_code", sa.String(64)), column("name", sa.String(200)), column("kind", sa.String(32)),
        column("specialisation", sa.String(100), True), column("is_open", sa.Boolean()), column("created_at", TZ),
        pk("training_courses"), fk("training_courses", "department_id", "training_departments"),
        sa.UniqueConstraint("code", name="uq_training_courses_code"),
    )
    index("training_courses", "department_id")
    op.create_table(
        "training_instructors", id_column(), column("user_id", sa.Integer(), True), column("name", sa.String(100)),
        column("industry_months", sa.Integer()), column("expertise", sa.String(200), True), column("created_at", TZ),
        pk("training_instructors"), fk("training_instructors", "user_id", "users"),
        sa.UniqueConstraint("user_id", name="uq_training_instructors_user_id"),
    )
    op.create_table(
        "training_decisions", id_column(), column("department_id", sa.Integer()),
        column("course_id", sa.Integer(), True), column("instructor_id", sa.Integer(), True),
        column("decision", sa.String(32)), column("reason", sa.Text()), column("decided_on", sa.Date()),
        column("decided_by", sa.String(100), True), column("created_at", TZ),
        pk("training_decisions"), fk("training_decisions", "department_id", "training_departments"),
        fk("training_decisions", "course_id", "training_courses"),
        fk("training_decisions", "instructor_id", "training_instructors"),
    )
    index("training_decisions", "department_id")
    op.create_table(
        "training_cohorts", id_column(), column("code", sa.String(64)), column("course_id", sa.Integer()),
        column("number", sa.Integer()), column("capacity", sa.Integer()), column("enrolled", sa.Integer()),
        column("starts_on", sa.Date()), column("ends_on", sa.Date()), column("weekdays", JSON),
        column("closures", JSON), column("round_id", sa.Integer(), True), column("unit_code", sa.String(64), True),
        column("created_at", TZ),
        pk("training_cohorts"), fk("training_cohorts", "course_id", "training_courses"),
        fk("training_cohorts", "round_id", "rounds"), sa.UniqueConstraint("code", name="uq_training_cohorts_code"),
    )
    index("training_cohorts", "course_id", "round_id")
    op.create_table(
        "training_assignments", id_column(), column("cohort_id", sa.Integer()), column("instructor_id", sa.Integer()),
        column("qualification", JSON), column("assigned_at", TZ),
        pk("training_assignments"), fk("training_assignments", "cohort_id", "training_cohorts"),
        fk("training_assignments", "instructor_id", "training_instructors"),
        sa.UniqueConstraint("cohort_id", "instructor_id",
                            name="uq_training_assignments_pair"),
    )
    index("training_assignments", "cohort_id", "instructor_id")
    op.create_table(
        "training_enrolments", id_column(), column("cohort_id", sa.Integer()), column("person_id", sa.Integer()),
        column("application_id", sa.Integer(), True), column("trainee_no", sa.String(80)),
        column("status", sa.String(16)), column("enrolled_at", TZ), column("ended_on", sa.Date(), True),
        column("end_reason", sa.Text(), True), column("quit_with_notice", sa.Boolean(), True),
        column("certificate_no", sa.String(80), True),
        pk("training_enrolments"), fk("training_enrolments", "cohort_id", "training_cohorts"),
        fk("training_enrolments", "person_id", "persons"), fk("training_enrolments", "application_id", "applications"),
        sa.UniqueConstraint("cohort_id", "person_id", name="uq_training_enrolments_cohort_person"),
        sa.UniqueConstraint("application_id", name="uq_training_enrolments_application_id"),
        sa.UniqueConstraint("trainee_no", name="uq_training_enrolments_trainee_no"),
        sa.UniqueConstraint("certificate_no", name="uq_training_enrolments_certificate_no"),
    )
    index("training_enrolments", "cohort_id", "person_id")
    op.create_table(
        "training_attendance", id_column(BIGID), column("enrolment_id", sa.Integer()), column("day", sa.Date()),
        column("mark", sa.SmallInteger()), column("recorded_by", sa.String(100), True), column("recorded_at", TZ),
        pk("training_attendance"), fk("training_attendance", "enrolment_id", "training_enrolments"),
        sa.UniqueConstraint("enrolment_id", "day", name="uq_training_attendance_enrolment_day"),
    )
    index("training_attendance", "enrolment_id")
    op.create_table(
        "training_assessments", id_column(), column("cohort_id", sa.Integer()), column("title", sa.String(200)),
        column("held_on", sa.Date()), column("created_at", TZ),
        pk("training_assessments"), fk("training_assessments", "cohort_id", "training_cohorts"),
    )
    index("training_assessments", "cohort_id")
    op.create_table(
        "training_scores", id_column(), column("assessment_id", sa.Integer()), column("enrolment_id", sa.Integer()),
        column("score", sa.Numeric(5, 2)),
        pk("training_scores"), fk("training_scores", "assessment_id", "training_assessments"),
        fk("training_scores", "enrolment_id", "training_enrolments"),
        sa.UniqueConstraint("assessment_id", "enrolment_id",
                            name="uq_training_scores_assessment_enrolment"),
    )
    index("training_scores", "assessment_id", "enrolment_id")
    op.create_table(
        "training_findings", id_column(), column("enrolment_id", sa.Integer()), column("kind", sa.String(16)),
        column("rule", sa.String(40)), column("on", sa.Date()), column("figures", JSON), column("reason_ko", sa.Text()),
        column("reason_en", sa.Text()), column("parameters", JSON), column("parameter_version", sa.String(64)),
        column("created_at", TZ), column("created_by", sa.String(100), True),
        pk("training_findings"), fk("training_findings", "enrolment_id", "training_enrolments"),
    )
    index("training_findings", "enrolment_id")
    op.create_table(
        "training_surveys", id_column(), column("assignment_id", sa.Integer()), column("enrolment_id", sa.Integer()),
        column("score", sa.Integer()), column("submitted_at", TZ),
        pk("training_surveys"), fk("training_surveys", "assignment_id", "training_assignments"),
        fk("training_surveys", "enrolment_id", "training_enrolments"),
        sa.UniqueConstraint("assignment_id", "enrolment_id",
                            name="uq_training_surveys_pair"),
    )
    index("training_surveys", "assignment_id")
    op.create_table(
        "training_oneday_classes", id_column(), column("code", sa.String(64)), column("title", sa.String(200)),
        column("site_code", sa.String(64)), column("held_on", sa.Date()), column("linked_course_id", sa.Integer()),
        column("created_at", TZ),
        pk("training_oneday_classes"), fk("training_oneday_classes", "linked_course_id", "training_courses"),
        sa.UniqueConstraint("code", name="uq_training_oneday_classes_code"),
    )
    index("training_oneday_classes", "linked_course_id")
    op.create_table(
        "training_participants", id_column(), column("class_id", sa.Integer()), column("person_id", sa.Integer()),
        column("referred_by", sa.String(100)), column("registered_at", TZ),
        pk("training_participants"), fk("training_participants", "class_id", "training_oneday_classes"),
        fk("training_participants", "person_id", "persons"),
        sa.UniqueConstraint("class_id", "person_id", name="uq_training_participants_pair"),
    )
    index("training_participants", "class_id", "person_id")


def downgrade() -> None:
    for table in ("training_participants", "training_oneday_classes",
                  "training_surveys", "training_findings", "training_scores",
                  "training_assessments", "training_attendance", "training_enrolments",
                  "training_assignments", "training_cohorts",
                  "training_decisions", "training_instructors", "training_courses",
                  "training_departments"):
        op.drop_table(table)
