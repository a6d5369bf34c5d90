"""The programs' rules, one module per program, each reading top to bottom like its notice."""

from ilja.rules.formulas.attractive_jobs import (
    attractive_jobs,
    attractive_jobs_foreign_students,
    attractive_jobs_middle_aged,
    attractive_jobs_youth,
)
from ilja.rules.formulas.companion_jobs import companion_jobs
from ilja.rules.formulas.tech_institute import tech_institute
from ilja.rules.formulas.youth_academy import youth_academy

PROGRAMS = {
    program.code: program
    for program in (
        youth_academy,
        tech_institute,
        companion_jobs,
        attractive_jobs,
        attractive_jobs_youth,
        attractive_jobs_middle_aged,
        attractive_jobs_foreign_students,
    )
}

__all__ = ["PROGRAMS"]
