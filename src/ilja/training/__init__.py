"""Training operations: cohorts, enrolment, attendance, assessments, dropout, instructors."""
