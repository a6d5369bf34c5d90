"""What the rules decide when a person is placed in a public job: the hours they work, and for
the foreign-student pilot whether they may take part at all.

Both were decided in ``publicjobs.service`` from raw parameter values, with no explanation and
no version; here each answer carries the parameters it used (value, effective date, source) and
the code version, like every eligibility evaluation, and the pilot's conditions are the rules
engine's own (``attractive_jobs.foreign_students``: pilot running, foreign national, student
visa), so a placement and an application are judged by one definition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ilja import __version__
from ilja.rules.engine import HELD, ConditionOutcome, Engine, default_engine
from ilja.rules.explain import condition_lines, parameter_text
from ilja.rules.parameters import ParameterTree, ParameterUse, default_tree
from ilja.rules.population import Person

MILLI = 1000
FOREIGN_STUDENTS = "attractive_jobs.foreign_students"
PILOT_CONDITIONS = ("pilot_running", "foreign_national", "student_visa")


@dataclass(frozen=True)
class WorkHours:
    """Hours a day (in milli-hours) and days a week, with the parameters that gave them."""

    daily_milli_hours: int
    days_per_week: int
    parameters: tuple[ParameterUse, ...]
    code_version: str = __version__

    def explanation(self, lang: str = "ko") -> list[str]:
        return [parameter_text(use, lang) for use in self.parameters]


def age_on(birth: dt.date, on: dt.date) -> int:
    """Age in whole years on ``on`` (a birthday counts from its day)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def work_hours(program_code: str, birth_date: dt.date, start: dt.date,
               tree: ParameterTree | None = None) -> WorkHours:
    """The program's working day from its parameters: 동행일자리 6 h (3 h from the older
    participant age, reached by ``start``), 매력일자리 8 h; days a week as the parameters say."""
    tree = tree or default_tree()
    code = program_code.split(".")[0]
    snapshot = tree.at(start)
    hours = snapshot[f"{code}.work.daily_hours"]
    used = [hours]
    older_age = snapshot.get(f"{code}.work.older_participant_age")
    if older_age is not None:
        used.append(older_age)
        if age_on(birth_date, start) >= older_age.value:
            hours = snapshot[f"{code}.work.older_daily_hours"]
            used.append(hours)
    days = snapshot[f"{code}.work.days_per_week"]
    used.append(days)
    return WorkHours(int(hours.value * MILLI), int(days.value), tuple(used))


@dataclass(frozen=True)
class PilotVerdict:
    """The foreign-student pilot's own conditions for one person on one day."""

    conditions: tuple[ConditionOutcome, ...]
    parameter_version: str
    code_version: str

    @property
    def failed(self) -> list[ConditionOutcome]:
        """Conditions not met; an unknown nationality or visa is not met either (a placement
        needs the fact, it cannot wait for a check)."""
        return [c for c in self.conditions if c.status != HELD]

    @property
    def allowed(self) -> bool:
        return not self.failed

    def explanation(self, lang: str = "ko") -> list[str]:
        return [line for c in self.failed for line in condition_lines(c, lang)]


def foreign_student_pilot(person: Person, on: dt.date,
                          tree: ParameterTree | None = None) -> PilotVerdict:
    """The pilot's own conditions (running, foreign national, student visa) as the rules
    engine judges them for ``person`` on ``on`` (over ``tree``, the baseline by default)."""
    engine = default_engine()
    if tree is not None and tree is not engine.tree:
        engine = Engine(tree)
    evaluation = engine.evaluate_person(person, on, on, [FOREIGN_STUDENTS])
    result = evaluation.result(FOREIGN_STUDENTS)
    own = tuple(c for c in result.conditions if c.id in PILOT_CONDITIONS)
    return PilotVerdict(own, evaluation.parameter_version, evaluation.code_version)
