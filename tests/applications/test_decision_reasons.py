"""A citizen reads their language: the Korean explanation and a not-eligible decision's reasons
hold no code of the rules data (enum values, program codes, condition ids, parameter names) and
no Latin word but the few written so in Korean too; a decision's reasons are the conditions not
met or still to be verified, with the person's values and the rules, and where the full check is."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.rules.factories import person
from tests.rules.test_single_vs_batch import ENGINE, persons

from ilja.applications.snapshot import reason_lines, take
from ilja.rules.engine import HELD
from ilja.rules.explain import program_lines
from ilja.rules.parameters import default_tree
from ilja.rules.population import EMPLOYMENT_STATUSES, HISTORY_PROGRAMS, TRAINING_RESULTS, VULNERABLE_GROUPS

# Latin text a Korean line may hold, each written so in Korean as well:
ALLOWED_LATIN = [
    re.compile(r"(?<![\w-])[A-H]-\d{1,2}(?![\w-])"),  # 체류자격 (D-2, E-9) as the residence card writes it
    re.compile(r"\bAI\b"),  # in the title of the Academy 2.0 press release ('AI 인재 양성')
    re.compile(r"\bSW\b"),  # in its quoted instructor requirement ('AI·SW 실무경력')
]
LATIN = re.compile(r"[A-Za-z]+")


def _strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list | tuple):
        return set().union(*(_strings(v) for v in value)) if value else set()
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in [*value.keys(), *value.values()])) if value else set()
    return set()


def _codes() -> set[str]:
    """Every code of the rules data: the person format's enums, the programs', the conditions'
    and the parameters' names, and the parameters' coded values."""
    codes = {*EMPLOYMENT_STATUSES, *VULNERABLE_GROUPS, *TRAINING_RESULTS, *HISTORY_PROGRAMS}
    for program in ENGINE.programs:
        codes.add(program)
        codes.update(c.id for c in ENGINE.conditions(program))
    for parameter in default_tree():
        codes.add(parameter.name)
        for dated in parameter.values:
            codes.update(s for s in _strings(dated.value) if re.fullmatch(r"[a-z][a-z0-9_.]*|[A-Z]{2}", s))
    return codes


CODES = _codes()


def _foreign_words(line: str) -> list[str]:
    for allowed in ALLOWED_LATIN:
        line = allowed.sub("", line)
    return LATIN.findall(line)


def _codes_in(line: str) -> list[str]:
    return [code for code in CODES if re.search(rf"(?<![\w.]){re.escape(code)}(?![\w.])", line)]


def test_the_codes_are_collected_from_the_data():
    assert {"unemployed", "basic_livelihood", "companion_jobs", "work_start", "KR"} <= CODES


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(persons(), min_size=1, max_size=6), st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)))
def test_korean_text_holds_no_code_and_no_english(people, on):
    for evaluation in ENGINE.evaluate_persons(people, on):
        for result in evaluation.results:
            lines = program_lines(result, "ko")
            if not result.eligible:
                snap = take(evaluation, result.program)
                lines += reason_lines(snap.person, snap.context, ("ko",), decision=True)["ko"]
            for line in lines:
                assert not _codes_in(line), line
                assert not _foreign_words(line), line


def _decision(**changes: Any) -> tuple[Any, dict[str, list[str]]]:
    evaluation = ENGINE.evaluate_person(person(**changes), dt.date(2025, 3, 3), dt.date(2025, 2, 1),
                                        programs=["companion_jobs"])
    snap = take(evaluation, "companion_jobs")
    return evaluation.result("companion_jobs"), reason_lines(snap.person, snap.context, ("ko", "en"), decision=True)


def test_a_not_eligible_decision_gives_the_failed_and_unchecked_conditions_only():
    result, reasons = _decision(employment_status="employed", able_to_work=None, vulnerable_groups=[])
    assert not result.eligible
    assert reasons["ko"] == [
        "✘ 서울 동행일자리 — 신청 불가",
        "  ? 근로능력 있음: 확인 필요 (입력이 없어 접수 후 확인합니다)",
        "  ✘ 미취업 (구직등록): 미충족 — 고용 상태 취업",
        "      · 참여 가능 고용 상태 = 실업 (미취업) (2020-01-01부터; 출처: 서울 동행일자리(구 공공근로) "
        "참여자 모집 공고 §신청 서류 (구직등록필증 제출))",
        "  ✘ 취업 취약계층: 미충족 — 취약계층 유형 —",
        "      · 취업 취약계층 범위 = 국민기초생활수급자, 차상위계층, 국가유공자, 장애인, 한부모가족, 북한이탈주민, "
        "장기실업자 (6개월 이상), 기타 취업 취약계층 (2020-01-01부터; 출처: 가정: 일자리 지원 (경제실) — "
        "2025년 주요업무 §2; 서울 동행일자리(구 공공근로) 참여자 모집 공고 §선발 기준)",
        "전체 판정 내용은 ‘내 신청’의 신청서에서 볼 수 있습니다.",
    ]
    # every condition not held is there, none that held, and neither bonus points nor pay
    said = "\n".join(reasons["ko"])
    for outcome in result.conditions:
        assert (f"{outcome.label_ko}:" in said) == (outcome.status != HELD), outcome.id
    assert "가점" not in said and "월 급여" not in said
    # the full check (every condition) is still what the application page shows
    full = program_lines(result, "ko")
    assert len(full) > 2 * len(reasons["ko"]) and "  가점: 5" in full


def test_english_text_shows_english_labels():
    _, reasons = _decision(employment_status="employed", vulnerable_groups=[], nationality="KR")
    english = "\n".join(reasons["en"])
    assert reasons["en"][0] == "✘ Seoul Companion Jobs — not eligible"
    assert "employment status Employed" in english
    assert "= Unemployed (from 2020-01-01" in english
    assert "Basic livelihood recipient, Near-poor" in english
    assert "the list follows the groups" in english  # the assumption's note, kept in English text
    assert reasons["en"][-1] == "The full check is on your application under ‘My applications’."
    for code in ("basic_livelihood", "near_poor", "long_term_unemployed", "companion_jobs"):
        assert code not in english, code


def test_a_nationality_reads_as_its_country():
    evaluation = ENGINE.evaluate_person(person(nationality="VN", visa="E-9"), dt.date(2025, 3, 3),
                                        programs=["attractive_jobs.foreign_students"])
    result = evaluation.result("attractive_jobs.foreign_students")
    ko, en = program_lines(result, "ko"), program_lines(result, "en")
    assert any("국적 베트남" in line for line in ko) and any("제외 국적 = 대한민국" in line for line in ko)
    assert any("nationality Vietnam" in line for line in en), en
