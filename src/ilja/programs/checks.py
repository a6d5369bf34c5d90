"""Consistency checks over the plan: do the plan's own numbers add up?

Each check compares a figure the sources state with one computed from other figures (or one
source with another) and returns a :class:`PlanCheck` with both numbers. Nothing here changes a
figure. Codes are stable: ``tracks_people_sum``, ``tracks_projects_sum``, ``monthly_pay``,
``period_length``, ``opening_conflict``, ``opening_after_completion``, ``campus_count``,
``campus_per_district``, ``campus_count_by_year``, ``bigtech_campus_count``, ``district_count``,
``institute_trainees_sum``.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from ilja.programs.plan import Figure, Period, Plan, PlanCheck, ProgramPlan

_STATUS_KO = {"planned": "계획", "reported": "실적 보도"}


def _n(value: float | int) -> str:
    return f"{value:,}"


def _about(figure: Figure, ko: bool) -> str:
    if not figure.approximate:
        return ""
    return "약 " if ko else "about "


def _check(
    code: str, subject: str, ok: bool, stated, computed, ko: str, en: str, sources: list[str]
) -> PlanCheck:
    return PlanCheck(
        code=code,
        subject=subject,
        ok=ok,
        stated=stated,
        computed=computed,
        message_ko=ko,
        message_en=en,
        sources=sources,
    )


def _sum_tracks(plan: Plan, program: ProgramPlan, metric: str) -> PlanCheck | None:
    stated: Figure | None = getattr(program, metric)
    figures = [getattr(t, metric) for t in program.tracks]
    if stated is None or not figures or any(f is None for f in figures):
        return None
    computed = sum(f.value for f in figures)
    ok = computed == stated.value
    unit_ko, unit_en = ("명", "people") if metric == "people" else ("개 사업", "projects")
    code = f"tracks_{metric}_sum"
    parts = " + ".join(_n(f.value) for f in figures)
    ko = (
        f"{program.name.ko}: 분야·유형별 합계 {parts} = {_n(computed)}{unit_ko}, "
        f"계획 총계 {_about(stated, True)}{_n(stated.value)}{unit_ko}"
    )
    en = (
        f"{program.name.en}: the tracks add up to {parts} = {_n(computed)} {unit_en}; "
        f"the plan states {_about(stated, False)}{_n(stated.value)}"
    )
    if ok:
        ko, en = ko + " (일치).", en + " (consistent)."
    else:
        diff = computed - stated.value
        ko += f" (차이 {diff:+,})."
        en += f" (difference {diff:+,})."
        extra = [(c, getattr(c, metric)) for c in plan.children(program.code)]
        extra = [(c, f) for c, f in extra if f is not None]
        if extra:
            with_children = computed + sum(f.value for _, f in extra)
            names_ko = ", ".join(f"{c.name.ko} {_n(f.value)}" for c, f in extra)
            names_en = ", ".join(f"{c.name.en} {_n(f.value)}" for c, f in extra)
            ko += f" 별도 사업({names_ko})을 더하면 {_n(with_children)}{unit_ko}."
            en += f" With the separate sub-programmes ({names_en}): {_n(with_children)}."
    return _check(
        code,
        program.code,
        ok,
        stated.value,
        computed,
        ko,
        en,
        [stated.source, *(f.source for f in figures)],
    )


def _round_half_up(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def monthly_paid_hours(plan: Plan, daily_hours: float, days_per_week: float) -> Decimal:
    """Standard monthly paid hours: (weekly hours + paid weekly holiday) × weeks a month, rounded."""
    standards = plan.standards
    weekly = Decimal(str(daily_hours)) * (
        Decimal(str(days_per_week)) + Decimal(str(standards.weekly_paid_holiday_days.value))
    )
    hours = weekly * Decimal(str(standards.weeks_per_month.value))
    return _round_half_up(hours, Decimal(str(standards.paid_hours_rounding.value)))


def _monthly_pay(plan: Plan, program: ProgramPlan) -> PlanCheck | None:
    pay = program.pay
    if pay is None:
        return None
    hours = monthly_paid_hours(plan, pay.daily_hours.value, pay.days_per_week.value)
    computed = int(Decimal(str(pay.hourly_wage.value)) * hours)
    step = Decimal(pay.monthly.rounded_to or 1)
    ok = _round_half_up(Decimal(computed), step) == Decimal(str(pay.monthly.value))
    formula = f"{_n(pay.hourly_wage.value)} × {hours:f}"
    ko = (
        f"{program.name.ko}: 시급 × 월 유급시간(주휴 포함) = {formula}시간 = {_n(computed)}원, "
        f"계획의 월 급여 {_about(pay.monthly, True)}{_n(pay.monthly.value)}원"
    )
    en = (
        f"{program.name.en}: hourly wage × monthly paid hours (with the paid weekly holiday) = "
        f"{formula} h = {_n(computed)} KRW; the plan states {_about(pay.monthly, False)}"
        f"{_n(pay.monthly.value)} KRW a month"
    )
    if ok:
        ko, en = ko + " (반올림 기준 일치).", en + " (consistent after rounding)."
    else:
        gap = pay.monthly.value - computed
        ko += f" (차이 {gap:+,}원: 문서에 설명이 없는 부분, 예: 수당)."
        en += f" (gap {gap:+,} KRW that the documents do not explain, e.g. allowances)."
    return _check(
        "monthly_pay",
        program.code,
        ok,
        pay.monthly.value,
        computed,
        ko,
        en,
        [pay.monthly.source, pay.hourly_wage.source, plan.standards.weeks_per_month.source],
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (
        (dt.date(year, month, 1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    ).day
    return dt.date(year, month, min(day.day, last))


def period_length(start: dt.date, end: dt.date) -> tuple[int, int]:
    """Whole months and remaining days from ``start`` to ``end``, both days counted."""
    after = end + dt.timedelta(days=1)
    months = 0
    while _add_months(start, months + 1) <= after:
        months += 1
    return months, (after - _add_months(start, months)).days


def _period(program: ProgramPlan, period: Period) -> PlanCheck | None:
    if period.stated_length is None or period.end is None:
        return None
    months, days = period_length(period.start, period.end)
    stated = period.stated_length
    ok = (months, days) == (stated.months, stated.days)
    label = period.label or program.name
    span = f"{period.start.isoformat()} ~ {period.end.isoformat()}"
    ko = (
        f"{program.name.ko} {label.ko} {span}: 양 끝 날짜 포함 {months}개월 {days}일, "
        f"계획은 {stated.months}개월 {stated.days}일"
    )
    en = (
        f"{program.name.en}, {label.en.lower()} {span}: {months} months {days} days counting "
        f"both ends; the plan states {stated.months} months {stated.days} days"
    )
    ko, en = (ko + " (일치).", en + " (consistent).") if ok else (ko + ".", en + ".")
    return _check(
        "period_length",
        f"{program.code}:{period.start.isoformat()}",
        ok,
        f"P{stated.months}M{stated.days}D",
        f"P{months}M{days}D",
        ko,
        en,
        [period.source],
    )


def _campuses(plan: Plan) -> list[PlanCheck]:
    out: list[PlanCheck] = []
    for campus in plan.campuses:
        labels = {o.label for o in campus.openings}
        if len(labels) > 1:
            first, *others = campus.openings
            other = next(o for o in others if o.label != first.label)
            out.append(
                _check(
                    "opening_conflict",
                    campus.code,
                    False,
                    first.label,
                    other.label,
                    f"{campus.name.ko} 개관 시기가 출처마다 다릅니다: {first.label}"
                    f"({_STATUS_KO[first.status]}) 대 {other.label}({_STATUS_KO[other.status]}). "
                    "두 값을 모두 기록합니다.",
                    f"{campus.name.en}: the sources disagree on the opening, {first.label} "
                    f"({first.status}) against {other.label} ({other.status}); both are kept.",
                    [first.source, other.source],
                )
            )

    count_targets = [t for t in plan.targets_for("campuses") if t.year == plan.year]
    for target in count_targets:
        listed = len(plan.campuses)
        ok = listed == target.value
        out.append(
            _check(
                "campus_count",
                "youth_academy",
                ok,
                target.value,
                listed,
                f"캠퍼스 목록 {listed}곳, 계획 {_n(target.value)}곳" + (" (일치)." if ok else "."),
                f"{listed} campuses listed; the plan states {_n(target.value)}"
                + (" (consistent)." if ok else "."),
                [target.source],
            )
        )
        if ok and target.as_of:
            completed = target.as_of[:7]
            for campus in plan.campuses:
                for opening in campus.openings:
                    if opening.month and opening.label > completed:
                        out.append(
                            _check(
                                "opening_after_completion",
                                campus.code,
                                False,
                                opening.label,
                                completed,
                                f"{campus.name.ko}의 개관 예정 시기({opening.label})가 이후 자료의 "
                                f"전 캠퍼스({_n(target.value)}곳) 완성 시점({completed})보다 늦습니다.",
                                f"{campus.name.en} is due to open {opening.label}, after the date by "
                                f"which a later source says all {_n(target.value)} campuses were "
                                f"complete ({completed}).",
                                [opening.source, target.source],
                            )
                        )

    for target in plan.targets_for("campuses"):
        if target.year is None or target.year >= plan.year:
            continue
        opened = sum(c.open_by_end_of(target.year) for c in plan.campuses)
        ok = opened == target.value
        out.append(
            _check(
                "campus_count_by_year",
                f"youth_academy:{target.year}",
                ok,
                target.value,
                opened,
                f"{target.year}년 말까지 개관한 캠퍼스 {opened}곳, 실적 {_n(target.value)}곳"
                + (" (일치)." if ok else "."),
                f"Campuses open by the end of {target.year}: {opened}; the record states "
                f"{_n(target.value)}" + (" (consistent)." if ok else "."),
                [target.source],
            )
        )

    per_district = {d.code: 0 for d in plan.districts}
    for campus in plan.campuses:
        per_district[campus.district] += 1
    single = sum(1 for n in per_district.values() if n == 1)
    ok = single == len(plan.districts)
    out.append(
        _check(
            "campus_per_district",
            "youth_academy",
            ok,
            len(plan.districts),
            single,
            f"캠퍼스가 정확히 1곳인 자치구 {single}곳 / {len(plan.districts)}곳"
            + (" (1자치구 1캠퍼스)." if ok else "."),
            f"Districts with exactly one campus: {single} of {len(plan.districts)}"
            + (" (one campus per district)." if ok else "."),
            [],
        )
    )

    for target in plan.targets_for("bigtech_campuses", plan.year):
        operating = sum(
            1
            for c in plan.campuses
            if any(s.kind == "big_tech" and s.status == "operating" for s in c.specialisations)
        )
        ok = operating == target.value
        out.append(
            _check(
                "bigtech_campus_count",
                "youth_academy",
                ok,
                target.value,
                operating,
                f"운영 중인 글로벌 빅테크 캠퍼스 {operating}곳, 보도자료 {_n(target.value)}곳"
                + (" (일치)." if ok else "."),
                f"Big-tech campuses in operation: {operating}; the press release states "
                f"{_n(target.value)}" + (" (consistent)." if ok else "."),
                [target.source],
            )
        )
    return out


def _districts(plan: Plan) -> PlanCheck:
    listed = len(plan.districts)
    ok = listed == plan.district_count.value
    return _check(
        "district_count",
        "districts",
        ok,
        plan.district_count.value,
        listed,
        f"자치구 목록 {listed}개, 서울시 자치구 {_n(plan.district_count.value)}개"
        + (" (일치)." if ok else "."),
        f"{listed} districts listed; Seoul has {_n(plan.district_count.value)}"
        + (" (consistent)." if ok else "."),
        [plan.district_count.source],
    )


def _institutes(plan: Plan) -> PlanCheck:
    total = sum(i.trainees.value for i in plan.institutes)
    parts = " + ".join(_n(i.trainees.value) for i in plan.institutes)
    stated = plan.program("tech_institute").people
    ok = stated is None or stated.value == total
    ko = f"기술교육원 훈련인원 합계 {parts} = {_n(total)}명"
    en = f"Institute trainees add up to {parts} = {_n(total)}"
    if stated is None:
        ko, en = ko + " (계획에 총계 없음).", en + " (the plan states no total)."
    else:
        ko += f", 계획 {_n(stated.value)}명."
        en += f"; the plan states {_n(stated.value)}."
    return _check(
        "institute_trainees_sum",
        "tech_institute",
        ok,
        None if stated is None else stated.value,
        total,
        ko,
        en,
        [i.trainees.source for i in plan.institutes],
    )


def run_checks(plan: Plan) -> list[PlanCheck]:
    """Every check, passed or not, in a stable order."""
    out: list[PlanCheck] = []
    for program in plan.programs:
        for metric in ("people", "projects"):
            check = _sum_tracks(plan, program, metric)
            if check is not None:
                out.append(check)
        pay = _monthly_pay(plan, program)
        if pay is not None:
            out.append(pay)
        out += [c for c in (_period(program, p) for p in program.periods) if c is not None]
    out += _campuses(plan)
    out.append(_districts(plan))
    out.append(_institutes(plan))
    return out
