"""청년취업사관학교 (Youth Job Academy): who may enrol in a course starting on ``x.on``.

Sources: seoul-2025-jobs-plan §1 (지원대상), seoul-2025-academy-2-0-release §교육 품질·관리 강화
(Academy 2.0 rules); keys as in docs/sources.md.
"""

from ilja.rules.formulas.common import min_age, seoul_resident
from ilja.rules.model import Context, Program

youth_academy = Program("youth_academy", "청년취업사관학교", "Youth Job Academy")


@youth_academy.condition("min_age", "만 15세 이상", "Aged 15 or over", inputs=("age",))
def _min_age(x: Context):
    return min_age(x, "youth_academy.eligibility.min_age")


@youth_academy.condition("seoul_resident", "서울시민", "Lives in Seoul", inputs=("sido",))
def _seoul_resident(x: Context):
    return seoul_resident(x)


@youth_academy.condition(
    "lifetime_limit", "생애 참여 횟수 제한 이내", "Within the lifetime participation limit",
    inputs=("academy_courses",),
)
def _lifetime_limit(x: Context):
    """Before Academy 2.0: at most two courses in a lifetime (생애 2회)."""
    limit = x.param("youth_academy.reparticipation.lifetime_limit")
    if limit is None:
        return True
    return x.history_count("youth_academy", before=x.on) < limit


@youth_academy.condition(
    "waiting_period", "직전 과정 후 재교육 대기기간 경과", "Waiting period since the previous course has passed",
    inputs=("last_academy_course_end",),
)
def _waiting_period(x: Context):
    """Academy 2.0: re-training once a year has passed since the previous course ended."""
    years = x.param("youth_academy.reparticipation.min_years_since_previous_course")
    if years is None:
        return True
    last_end = x.history_last_end("youth_academy", before=x.on)
    return (last_end == 0) | (x.on >= x.add_months(last_end, years * 12))


@youth_academy.condition(
    "quit_without_notice_restriction", "무단 포기 재참여 제한 기간 경과",
    "Not barred for quitting without notice", inputs=("last_quit_without_notice",),
)
def _quit_without_notice(x: Context):
    """Academy 2.0: trainees who quit without notice (무단 포기자) are barred for a period."""
    months = x.param("youth_academy.reparticipation.quit_without_notice_restriction_months")
    if months is None:
        return True
    last_quit = x.history_last_end("youth_academy", before=x.on, results=("quit_without_notice",))
    return (last_quit == 0) | (x.on >= x.add_months(last_quit, months))
