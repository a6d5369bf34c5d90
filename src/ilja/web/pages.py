"""The HTML pages (KRDS, Korean first with English). Thin: each route reads the rules engine or
the plan through the view helpers and renders one template."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from ilja import clock
from ilja.accounts.deps import DbSession
from ilja.i18n import Translator
from ilja.people.service import eligibility_summary
from ilja.rules.engine import default_engine
from ilja.rules.parameters import ParameterError
from ilja.rules.population import EMPLOYMENT_STATUSES, TRAINING_RESULTS, VULNERABLE_GROUPS
from ilja.web import citizen, countries, plan_view, rules_view
from ilja.web import self_check as form
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)


today = clock.today


def _as_of(raw: str | None) -> tuple[dt.date, bool]:
    """The ``?on=`` date, or today; the flag says a given value was not a date."""
    if not raw:
        return today(), False
    try:
        return dt.date.fromisoformat(raw), False
    except ValueError:
        return today(), True


def _dated(request: Request, on: str | None) -> tuple[Translator, dt.date, dict[str, Any]]:
    """A citizen page as of ``?on=``: its translator, the day, and what every such page is given
    (the day, whether ``on`` was not a date, and the visitor's view of sources)."""
    t = translator(request)
    day, bad_date = _as_of(on)
    return t, day, {"on": day.isoformat(), "bad_date": bad_date, **_citizen_context(request, t)}


def _not_found(request: Request, what: str) -> HTMLResponse:
    return render(request, "not_found.html", {"what": what}, status_code=404)


def _citizen_context(request: Request, t: Translator) -> dict[str, Any]:
    """Whether the visitor is staff (who also see parameter ids and source notes), and the
    source titles that everyone else sees instead of the notes."""
    principal = getattr(request.state, "principal", None)
    return {"staff": citizen.is_staff(principal.user if principal is not None else None),
            "cite": lambda source: citizen.cited_titles(t, source)}


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    t = translator(request)
    on = today()
    engine = default_engine()
    cards = plan_view.program_cards(engine, t, on)
    ages = {card.code: citizen.age_rule(engine, t, card.code, on) for card in cards}
    return render(request, "home.html", {"cards": cards, "ages": ages, "on": on.isoformat(),
                                         "active": "home"})


@router.get("/programs/{code}", response_class=HTMLResponse)
def program_page(request: Request, code: str, on: str | None = None) -> HTMLResponse:
    engine = default_engine()
    if code not in engine.programs:
        return _not_found(request, code)
    t, day, dated = _dated(request, on)
    try:
        rules = rules_view.program_rules(engine, t, code, day)
    except ParameterError:
        rules = None
    context = {
        "code": code, "label": t.pick(engine.programs[code].label_ko, engine.programs[code].label_en),
        "rules": rules, "plan": plan_view.program_plan(t, code),
        "related": plan_view.related_programs(engine, t, code),
        "population": _population_view(engine, code, day), **dated,
    }
    return render(request, "program.html", context)


def _population_view(engine: Any, code: str, day: dt.date) -> dict[str, Any] | None:
    """How many of the demo's synthetic residents qualify on ``day``, by district and by the
    conditions that keep the others out (absent when no population has been generated)."""
    try:
        summary = eligibility_summary(day)
    except ParameterError:
        return None
    if summary is None or code not in summary.eligible:
        return None
    conditions = {c.id: c for c in engine.conditions(code)}
    failures = sorted(((n, conditions[cid]) for cid, n in summary.failures[code].items() if n),
                      key=lambda pair: -pair[0])
    return {
        "persons": summary.persons,
        "eligible": summary.eligible[code],
        "share": summary.eligible[code] / summary.persons if summary.persons else 0.0,
        "by_district": sorted(summary.by_district[code].items(), key=lambda kv: -kv[1]),
        "failures": failures,
    }


def _self_check_context(t: Translator, values: dict[str, Any], errors: list[form.FormError]) -> dict[str, Any]:
    districts = plan_view.districts(t)
    messages = [(e.field, _error_message(t, e)) for e in errors]
    return {
        "values": values,
        "errors": messages,
        "field_errors": dict(messages),
        "has_errors": bool(errors),
        "sido_options": [(value, t(f"sido.{key}")) for key, value in form.SIDO],
        "district_options": [("", t("self_check.choose"))] + districts,
        "status_options": [(s, t(f"codes.{s}")) for s in EMPLOYMENT_STATUSES],
        "yes_no": [(v, t(f"values.{v}")) for v in form.YES_NO],
        "livelihood_options": [(v, t(f"self_check.livelihood.{v}")) for v in form.LIVELIHOOD_CHOICES],
        "group_options": [(g, t(f"codes.{g}")) for g in VULNERABLE_GROUPS],
        "nationality_options": countries.choices(t.lang),
        "result_options": [("", t("self_check.choose"))] + [(r, t(f"codes.{r}")) for r in TRAINING_RESULTS],
        "course_rows": form.COURSE_ROWS,
        "active": "self_check",
    }


def _error_message(t: Translator, error: form.FormError) -> str:
    params = dict(error.params)
    if "field" in params:
        params["field"] = t(f"self_check.labels.{params['field']}")
    return t(f"errors.{error.key}", **params)


@router.get("/self-check", response_class=HTMLResponse)
def self_check_page(request: Request) -> HTMLResponse:
    t = translator(request)
    context = _self_check_context(t, form.default_values(today()), [])
    return render(request, "self_check.html", {**context, "results": None})


@router.post("/self-check", response_class=HTMLResponse)
async def self_check_submit(request: Request, session: DbSession) -> HTMLResponse:
    t = translator(request)
    submitted = await request.form()
    values = form.form_values(submitted, submitted.getlist)
    district_values = [value for value, _ in plan_view.districts(t)]
    parsed = form.parse_form(values, today(), district_values)
    if isinstance(parsed, list):
        context = _self_check_context(t, values, parsed)
        return render(request, "self_check.html", {**context, "results": None}, status_code=422)
    engine = default_engine()
    try:
        evaluation = engine.evaluate_person(parsed.person, parsed.on, parsed.announced)
    except ParameterError:
        error = form.FormError("on", "no_rules_on_date")
        context = _self_check_context(t, values, [error])
        return render(request, "self_check.html", {**context, "results": None}, status_code=422)
    results = rules_view.explain(engine, t, evaluation, parsed.person)
    context = _self_check_context(t, values, [])
    rounds = await run_in_threadpool(citizen.open_rounds, session)
    later = await run_in_threadpool(citizen.next_rounds, session, t, [r.code for r in results])
    return render(request, "self_check.html", {
        **context, **_citizen_context(request, t), "results": results, "evaluation": evaluation,
        "rounds_known": rounds is not None,
        "open_rounds": {r.code: citizen.rounds_for(r.code, rounds or {}) for r in results},
        "next_rounds": later, "mainly_for": citizen.mainly_for(t, [r.code for r in results]),
        "counts": {status: sum(1 for r in results if r.status == status)
                   for status in (rules_view.ELIGIBLE, "to_verify", rules_view.NOT_ELIGIBLE)},
    })


@router.get("/privacy", response_class=HTMLResponse)
def privacy_page(request: Request) -> HTMLResponse:
    """The privacy policy that 개인정보 보호법 §30 requires to be published."""
    t = translator(request)
    engine = default_engine()
    with_rrn = citizen.rrn_programs(engine, today())
    programs = [(t.pick(program.label_ko, program.label_en), code, code in with_rrn)
                for code, program in engine.programs.items() if "." not in code]
    return render(request, "privacy.html", {"programs": programs, "active": "privacy"})


TERMS_SECTIONS = ("purpose", "service", "self_check", "account", "duties", "decisions", "changes", "privacy",
                  "content", "liability", "contact")


@router.get("/terms", response_class=HTMLResponse)
def terms_page(request: Request) -> HTMLResponse:
    """The terms of use (이용약관), linked in the footer beside the privacy policy."""
    return render(request, "terms.html", {"sections": TERMS_SECTIONS, "active": "terms"})


@router.get("/parameters", response_class=HTMLResponse)
def parameters_page(request: Request, on: str | None = None) -> HTMLResponse:
    t, day, dated = _dated(request, on)
    groups = rules_view.parameter_groups(default_engine(), t, day)
    return render(request, "parameters.html", {"groups": groups, "active": "parameters", **dated})


@router.get("/parameters/{name}", response_class=HTMLResponse)
def parameter_page(request: Request, name: str, on: str | None = None) -> HTMLResponse:
    engine = default_engine()
    if name not in engine.tree:
        return _not_found(request, name)
    t, day, dated = _dated(request, on)
    history = rules_view.parameter_history(engine, t, name, day)
    group = rules_view.group_label(engine, t, history.group)
    return render(request, "parameter.html", {"p": history, "group": group, "active": "parameters", **dated})


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request) -> HTMLResponse:
    t = translator(request)
    return render(request, "plan.html", {"plan": plan_view.plan_page(t), "active": "plan",
                                         **_citizen_context(request, t)})
