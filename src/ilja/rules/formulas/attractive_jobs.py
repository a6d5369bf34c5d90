"""서울 매력일자리 (Seoul Attractive Jobs) and its youth, middle-aged and foreign-student projects.

Source: seoul-2025-jobs-plan §2 서울 매력일자리 (지원대상, 지원내용, 규제개선, 시범사업).
"""

from ilja.rules.formulas.common import min_age, public_job_month, seoul_resident
from ilja.rules.model import Context, Program

P = "attractive_jobs"


def _monthly_pay(x: Context):
    """Seoul living wage × 209 paid hours (8 h × 5 d with the paid weekly holiday)."""
    return public_job_month(x, P, x.param(f"{P}.work.daily_hours"))


attractive_jobs = Program("attractive_jobs", "서울 매력일자리", "Seoul Attractive Jobs",
                          pay=_monthly_pay)


@attractive_jobs.condition("min_age", "만 18세 이상", "Aged 18 or over", inputs=("age",))
def _min_age(x: Context):
    return min_age(x, f"{P}.eligibility.min_age")


@attractive_jobs.condition("seoul_resident", "서울시민", "Lives in Seoul", inputs=("sido",))
def _seoul_resident(x: Context):
    return seoul_resident(x)


@attractive_jobs.condition("unemployed", "실업 상태", "Unemployed", inputs=("employment_status",))
def _unemployed(x: Context):
    return x.status_in(x.param(f"{P}.eligibility.required_employment_status"))


attractive_jobs_youth = Program("attractive_jobs.youth", "서울 매력일자리 청년 사업",
                                "Seoul Attractive Jobs — youth projects", parent=attractive_jobs)


@attractive_jobs_youth.condition("youth_max_age", "청년 연령 기준 이내", "Within the youth age limit",
                                 inputs=("age", "veteran_service_months"))
def _youth_max_age(x: Context):
    """Age ≤ 39; exception: discharged veterans (제대군인) get up to 3 more years from 2025."""
    limit = x.param(f"{P}.youth.max_age")
    most = x.param(f"{P}.youth.veteran_extension_max_years")
    by_service = x.bracket(x.param(f"{P}.youth.veteran_extension_by_service"), x.veteran_service_months)
    extension = x.where(by_service > most, most, by_service)
    veteran = x.exception("discharged_veteran", (extension > 0) & (x.age > limit))
    return x.age <= limit + x.where(veteran, extension, 0)


attractive_jobs_middle_aged = Program("attractive_jobs.middle_aged", "서울 매력일자리 중장년 사업",
                                      "Seoul Attractive Jobs — middle-aged projects",
                                      parent=attractive_jobs)


@attractive_jobs_middle_aged.condition("middle_aged_min_age", "만 40세 이상", "Aged 40 or over",
                                       inputs=("age",))
def _middle_aged_min(x: Context):
    return x.age >= x.param(f"{P}.middle_aged.min_age")


@attractive_jobs_middle_aged.condition("middle_aged_max_age", "중장년 상한 연령 미만",
                                       "Under the middle-aged upper age", inputs=("age",))
def _middle_aged_max(x: Context):
    """40 ≤ age < 65 before 2025; the upper limit is abolished from 2025 (null)."""
    upper = x.param(f"{P}.middle_aged.max_age_exclusive")
    if upper is None:
        return True
    return x.age < upper


attractive_jobs_foreign_students = Program(
    "attractive_jobs.foreign_students", "서울 매력일자리 외국인 유학생 시범사업",
    "Seoul Attractive Jobs — foreign-student pilot", parent=attractive_jobs, without=("unemployed",),
)


@attractive_jobs_foreign_students.condition("pilot_running", "시범사업 운영 중", "The pilot is running")
def _pilot_running(x: Context):
    return bool(x.param(f"{P}.foreign_students.enabled"))


@attractive_jobs_foreign_students.condition("foreign_national", "외국 국적", "Foreign national",
                                            inputs=("nationality",))
def _foreign_national(x: Context):
    return ~x.category_in("nationality", x.param(f"{P}.foreign_students.excluded_nationalities"))


@attractive_jobs_foreign_students.condition("student_visa", "유학 체류자격", "Holds a student visa",
                                            inputs=("visa",))
def _student_visa(x: Context):
    return x.category_in("visa", x.param(f"{P}.foreign_students.student_visas"))
