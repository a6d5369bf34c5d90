"""서울시 기술교육원 (technical education institutes): who may apply, who is selected first.

Source: seoul-2025-jobs-plan §3 기술교육원 운영개요 (훈련대상, 우선선발).
"""

from ilja.rules.formulas.common import min_age, seoul_resident
from ilja.rules.model import Context, Program


def _priority(x: Context):
    """우선선발: basic-livelihood, near-poor, national-merit (등) — within 30% of seats."""
    return x.in_groups(x.param("tech_institute.eligibility.priority_groups"))


tech_institute = Program("tech_institute", "기술교육원", "Technical education institutes",
                         priority=_priority)


@tech_institute.condition("min_age", "만 15세 이상", "Aged 15 or over", inputs=("age",))
def _min_age(x: Context):
    return min_age(x, "tech_institute.eligibility.min_age")


@tech_institute.condition("seoul_resident", "서울시민", "Lives in Seoul", inputs=("sido",))
def _seoul_resident(x: Context):
    return seoul_resident(x)
