"""Plain-language explanations of a decision, in Korean and English.

Each line names the condition, whether it held, failed or is still to be verified, the person's
values it looked at, and every parameter it used with its value, effective date and source — the
source by its title and section, as a citizen reads it, not by its registry key. A coded value
(a status, a group, a country) reads as its label in the text's language — the catalogues'
``codes.*`` (``ilja.i18n``), the one place the pages take them from too — never as its code.

A not-eligible decision says less (``decision_lines``): only the conditions not met or still to
be verified, and where the full check is.
"""

from __future__ import annotations

import gettext
import re
from functools import lru_cache
from typing import Any

import pycountry

from ilja.i18n import catalogue
from ilja.rules.engine import FAILED, HELD, ConditionOutcome, PersonEvaluation, ProgramResult
from ilja.rules.parameters import ParameterUse
from ilja.rules.sources import default_registry

MARK = {HELD: "✔", FAILED: "✘", "to_verify": "?"}

TEXT = {
    "ko": {
        "eligible": "신청 가능",
        "not_eligible": "신청 불가",
        "to_verify": "확인 필요",
        "held": "충족",
        "failed": "미충족",
        "verify_note": "입력이 없어 접수 후 확인합니다",
        "from": "부터",
        "source": "출처",
        "assumption": "가정",
        "reform": "개정안",
        "pay": "월 급여 (표준 1개월)",
        "hours": "시간",
        "won": "원",
        "work": "근로",
        "holiday": "주휴",
        "allowances": "수당",
        "bonus": "가점",
        "priority": "우선선발 대상",
        "exception": "예외 적용",
        "no_limit": "제한 없음",
        "yes": "예",
        "no": "아니오",
        "full_check": "전체 판정 내용은 ‘내 신청’의 신청서에서 볼 수 있습니다.",
    },
    "en": {
        "eligible": "eligible",
        "not_eligible": "not eligible",
        "to_verify": "to be verified",
        "held": "met",
        "failed": "not met",
        "verify_note": "not given; checked after the application",
        "from": "from",
        "source": "source",
        "assumption": "assumption",
        "reform": "reform",
        "pay": "Monthly pay (full standard month)",
        "hours": "h",
        "won": "KRW",
        "work": "work",
        "holiday": "weekly holiday",
        "allowances": "allowances",
        "bonus": "bonus points",
        "priority": "priority group",
        "exception": "exception applied",
        "no_limit": "no limit",
        "yes": "yes",
        "no": "no",
        "full_check": "The full check is on your application under ‘My applications’.",
    },
}

EXCEPTION_LABELS = {
    "single_person_household_head": {"ko": "단독 세대주 세대주 가점 (2025~)",
                                     "en": "single-person household head points (from 2025)"},
    "discharged_veteran": {"ko": "제대군인 연령 연장", "en": "discharged-veteran age extension"},
}

INPUT_LABELS = {
    "age": {"ko": "나이(만)", "en": "age"},
    "sido": {"ko": "시·도", "en": "province"},
    "employment_status": {"ko": "고용 상태", "en": "employment status"},
    "able_to_work": {"ko": "근로능력", "en": "able to work"},
    "vulnerable_groups": {"ko": "취약계층 유형", "en": "vulnerable groups"},
    "household_income_krw": {"ko": "가구 소득(월)", "en": "household income (monthly)"},
    "household_size": {"ko": "가구원 수", "en": "household size"},
    "household_assets_krw": {"ko": "가구 재산", "en": "household assets"},
    "unemployment_benefit_periods": {"ko": "실업급여 수급 기간", "en": "unemployment benefit periods"},
    "receives_livelihood_benefit": {"ko": "생계급여 수급", "en": "receives livelihood benefit"},
    "veteran_service_months": {"ko": "군 복무 개월", "en": "military service (months)"},
    "nationality": {"ko": "국적", "en": "nationality"},
    "visa": {"ko": "체류자격", "en": "visa"},
    "academy_courses": {"ko": "이전 사관학교 과정 수", "en": "previous academy courses"},
    "last_academy_course_end": {"ko": "직전 과정 종료일", "en": "previous course ended"},
    "last_quit_without_notice": {"ko": "무단 포기일", "en": "quit without notice on"},
}


def format_value(value: Any, lang: str) -> str:
    words = TEXT[lang]
    if type(value) is str:
        return code_label(value, lang)
    if value is None:
        return words["no_limit"]
    if isinstance(value, bool):
        return words["yes"] if value else words["no"]
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(format_value(v, lang) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {format_value(v, lang)}" for k, v in value.items())
    return str(value)


def code_label(value: str, lang: str) -> str:
    """A coded value's label in ``lang`` (``unemployed`` → 실업 (미취업), a nationality's ``KR`` →
    대한민국: the person format's and the parameters' only two-capital codes); other text as it
    is. Looked up once per value and language."""
    label = _LABELS.get((value, lang))
    if label is None:
        if len(_LABELS) >= 4096:
            _LABELS.clear()
        label = catalogue(lang).get(f"codes.{value}")
        if label is None:
            label = country_name(value, lang) if _COUNTRY.fullmatch(value) else value
        _LABELS[value, lang] = label
    return label


_LABELS: dict[tuple[str, str], str] = {}
_COUNTRY = re.compile("[A-Z]{2}")


@lru_cache(maxsize=512)
def country_name(code: str, lang: str) -> str:
    """A country by name (``KR`` → 대한민국 / South Korea); an unknown code as it is. The names
    are the ISO 3166-1 list's (pycountry), as on the pages' forms."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    english = getattr(country, "common_name", None) or country.name
    if lang == "en":
        return english
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang],
                               fallback=True).gettext(english)


UNITS = {
    "ko": {"age": "세", "years": "년", "months": "개월", "KRW": "원", "hours": "시간", "points": "점",
           "days": "일"},
    "en": {"age": " years old", "years": " years", "months": " months", "KRW": " KRW", "hours": " h",
           "points": " points", "days": " days"},
}


# A parameter's line is the same for everyone checked on the same date, and rendering it (the
# source's title, the value's words) was most of an explained check's time: made once per dated
# value and language. A snapshot's ParameterUse objects are shared by every check on its date, so
# they key the memo by identity (the entry keeps the object, so its id is never reused); bounded.
_PARAMETER_LINES: dict[tuple[int, str], tuple[ParameterUse, str]] = {}
_PARAMETER_LINES_MAX = 20_000


def parameter_text(use: ParameterUse, lang: str) -> str:
    entry = _PARAMETER_LINES.get((id(use), lang))
    if entry is None or entry[0] is not use:
        if len(_PARAMETER_LINES) >= _PARAMETER_LINES_MAX:
            _PARAMETER_LINES.clear()
        entry = _PARAMETER_LINES[id(use), lang] = (use, _parameter_text(use, lang))
    return entry[1]


def _parameter_text(use: ParameterUse, lang: str) -> str:
    words = TEXT[lang]
    label = use.label_ko if lang == "ko" else use.label_en
    unit = UNITS[lang].get(use.unit or "", "") if isinstance(use.value, int | float) else ""
    since = f"{use.start.isoformat()}{words['from']}" if lang == "ko" else f"{words['from']} {use.start.isoformat()}"
    source = default_registry().cite(use.source, lang, notes=False)
    if use.kind in ("assumption", "reform"):  # a title says what a cited source is; these say it here
        source = f"{words[use.kind]}: {source}" if source else words[use.kind]
    return f"{label} = {format_value(use.value, lang)}{unit} ({since}; {words['source']}: {source})"


def condition_lines(outcome: ConditionOutcome, lang: str) -> list[str]:
    inputs = ", ".join(input_text(k, v, lang) for k, v in outcome.inputs.items())
    return [condition_head(outcome, inputs, lang),
            *used_lines(outcome.parameters, outcome.exceptions, lang)]


def input_text(name: str, value: Any, lang: str) -> str:
    """One of the person's values as a condition's line shows it (``나이(만) 36``)."""
    return f"{INPUT_LABELS.get(name, {}).get(lang, name)} {format_value(value, lang)}"


def condition_head(outcome: ConditionOutcome, inputs: str, lang: str) -> str:
    """A condition's first line: its mark, label and status, then the person's values
    (``inputs``, already in words) unless it is still to be verified."""
    words = TEXT[lang]
    label = outcome.label_ko if lang == "ko" else outcome.label_en
    head = f"{MARK[outcome.status]} {label}: {words[outcome.status]}"
    if outcome.status == "to_verify":
        head += f" ({words['verify_note']})"
    elif inputs:
        head += f" — {inputs}"
    return head


def used_lines(uses: list[ParameterUse], exceptions: list[str], lang: str) -> list[str]:
    """The lines under a condition's head: each parameter it used, each exception applied."""
    words = TEXT[lang]
    lines = [f"    · {parameter_text(use, lang)}" for use in _unique(uses)]
    lines.extend(f"    · {words['exception']}: {EXCEPTION_LABELS.get(e, {}).get(lang, e)}"
                 for e in exceptions)
    return lines


def _unique(uses: list[ParameterUse]) -> list[ParameterUse]:
    return list({use.name: use for use in uses}.values())


def pay_line(result: ProgramResult, lang: str) -> str | None:
    pay = result.pay_breakdown
    if pay is None:
        return None
    w = TEXT[lang]
    allowances = sum(pay["allowances"].values())
    return (f"{w['pay']}: {pay['total']:,}{w['won']} = {pay['hourly_wage']:,} × {pay['paid_hours']}{w['hours']} "
            f"({w['work']} {pay['work_hours']} + {w['holiday']} {pay['weekly_holiday_hours']}) "
            f"+ {w['allowances']} {allowances:,}")


def program_lines(result: ProgramResult, lang: str = "ko",
                  memo: dict[tuple[int, str], list[str]] | None = None) -> list[str]:
    """One program's explanation. ``memo`` shares the lines of the conditions several programs of
    one evaluation have in common (the engine runs each once per person; so is it said once)."""
    lines = [verdict_line(result, lang)]
    for outcome in result.conditions:
        lines.extend(_said(outcome, lang, memo))
    lines.extend(output_lines(result, lang))
    return lines


def decision_lines(result: ProgramResult, lang: str = "ko",
                   memo: dict[tuple[int, str], list[str]] | None = None) -> list[str]:
    """A not-eligible decision's reasons: the verdict, each condition not met or still to be
    verified (with the person's values and the parameters it used), and where the full check
    is (``program_lines``, kept with the application). A result with no such condition (a
    decision taken on other grounds) is told in full."""
    open_ = [outcome for outcome in result.conditions if outcome.status != HELD]
    if not open_:
        return program_lines(result, lang, memo)
    lines = [verdict_line(result, lang)]
    for outcome in open_:
        lines.extend(_said(outcome, lang, memo))
    lines.append(TEXT[lang]["full_check"])
    return lines


def _said(outcome: ConditionOutcome, lang: str, memo: dict[tuple[int, str], list[str]] | None) -> list[str]:
    """A condition's lines, indented; said once per ``memo`` (the same outcome, the same lines)."""
    if memo is None:
        return [f"  {line}" for line in condition_lines(outcome, lang)]
    said = memo.get((id(outcome), lang))
    if said is None:
        said = memo[id(outcome), lang] = [f"  {line}" for line in condition_lines(outcome, lang)]
    return said


def verdict_line(result: ProgramResult, lang: str) -> str:
    """A program's first line: its name and whether the person may apply."""
    w = TEXT[lang]
    label = result.label_ko if lang == "ko" else result.label_en
    verdict = w["eligible"] if result.eligible else w["not_eligible"]
    if result.eligible and result.to_verify:
        verdict += f" ({w['to_verify']}: {len(result.to_verify)})"
    return f"{'✔' if result.eligible else '✘'} {label} — {verdict}"


def output_lines(result: ProgramResult, lang: str) -> list[str]:
    """A program's last lines: priority group, bonus points and pay, where it has them."""
    w = TEXT[lang]
    lines = []
    if result.priority_group:
        lines.append(f"  ★ {w['priority']}")
    if result.bonus_points:
        lines.append(f"  {w['bonus']}: {result.bonus_points:g}")
    pay = pay_line(result, lang)
    if pay:
        lines.append(f"  {pay}")
    return lines


def evaluation_text(evaluation: PersonEvaluation, lang: str = "ko") -> str:
    lines: list[str] = []
    memo: dict[tuple[int, str], list[str]] = {}
    for result in evaluation.results:
        lines.extend(program_lines(result, lang, memo))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def explanation_dict(result: ProgramResult,
                     memo: dict[tuple[int, str], list[str]] | None = None) -> dict[str, list[str]]:
    """The explanation lines of one program in both languages (for the API); pass one ``memo``
    for all the programs of one evaluation (``explanation_dicts``)."""
    return {lang: program_lines(result, lang, memo) for lang in ("ko", "en")}


def explanation_dicts(evaluation: PersonEvaluation) -> list[dict[str, list[str]]]:
    """Every program's explanation of one evaluation, in its order."""
    memo: dict[tuple[int, str], list[str]] = {}
    return [explanation_dict(result, memo) for result in evaluation.results]
