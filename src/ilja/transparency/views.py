"""Public pages (no log-in): the provider scorecards with their CSV and XLSX downloads, and the open
registers at stable addresses (page, CSV, JSON, metadata); and the staff's comparison of the
providers with the plan's targets. Nothing here names or counts fewer than the minimum."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from ilja import clock
from ilja.accounts.deps import DbSession, Principal, public, requires
from ilja.accounts.roles import Permission
from ilja.programs.loader import load_plan
from ilja.transparency import exports, registers, scorecards
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)
open_to_all = [Depends(public())]
PREVIEW_ROWS = 200


def _year(value: int | None) -> int:
    years = scorecards.available_years(clock.today())
    return value if value in years else years[0]


@router.get("/scorecards", response_class=HTMLResponse, dependencies=open_to_all)
def scorecard_page(request: Request, db: DbSession, year: int | None = None) -> HTMLResponse:
    t = translator(request)
    card = scorecards.cached_build(db, year=_year(year), lang=t.lang)
    return render(request, "transparency/scorecards.html", {
        "card": card, "kinds": scorecards.KINDS, "columns": scorecards.CELLS, "text": exports.cell_text,
        "values": {"year": str(card.year)}, "year_options": [(str(y), str(y)) for y in card.years]})


def _download(request: Request, db: DbSession, year: int | None, fmt: str) -> Response:
    t = translator(request)
    card = scorecards.cached_build(db, year=_year(year), lang=t.lang)
    content = exports.to_csv(card, t) if fmt == "csv" else exports.to_xlsx(card, t)
    return Response(content, media_type=exports.MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="ilja-scorecards-{card.year}.{fmt}"'})


@router.get("/scorecards.csv", dependencies=open_to_all)
def scorecard_csv(request: Request, db: DbSession, year: int | None = None) -> Response:
    return _download(request, db, year, "csv")


@router.get("/scorecards.xlsx", dependencies=open_to_all)
def scorecard_xlsx(request: Request, db: DbSession, year: int | None = None) -> Response:
    return _download(request, db, year, "xlsx")


@router.get("/manage/scorecards", response_class=HTMLResponse)
def manage_page(request: Request, db: DbSession,
                principal: Annotated[Principal, Depends(requires(Permission.REPORT_READ))],
                year: int | None = None) -> HTMLResponse:
    """Each provider's unsuppressed figures beside the plan's employment goal and competition rate."""
    t = translator(request)
    card = scorecards.cached_build(db, year=_year(year), lang=t.lang)
    plan = load_plan()
    response = render(request, "transparency/manage.html", {
        "card": card, "kinds": scorecards.KINDS, "targets": {k: scorecards.targets(plan, k) for k in scorecards.KINDS},
        "rows": [scorecards.publish(r, card.names.get(r.code, r.code), 0) for r in card.raw],
        "attainment": scorecards.attainment, "text": exports.cell_text,
        "values": {"year": str(card.year)}, "year_options": [(str(y), str(y)) for y in card.years]})
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/open/registers", response_class=HTMLResponse, dependencies=open_to_all)
def registers_page(request: Request, db: DbSession) -> HTMLResponse:
    t = translator(request)
    built = [registers.cached_build(db, name, lang=t.lang) for name in registers.LAYOUTS]
    return render(request, "transparency/registers.html", {"registers": built, "rules": built[0].rules})


def _register_page(request: Request, db: DbSession, name: str) -> HTMLResponse:
    t = translator(request)
    register = registers.cached_build(db, name, lang=t.lang)
    return render(request, "transparency/register.html", {"register": register, "preview": PREVIEW_ROWS})


def _register_file(request: Request, db: DbSession, name: str, fmt: str) -> Response:
    register = registers.cached_build(db, name, lang=translator(request).lang)
    if fmt == "csv":
        return Response(registers.to_csv(register), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    return Response(registers.to_json(register), media_type="application/json")


@router.get("/open/registers/public-jobs", response_class=HTMLResponse, dependencies=open_to_all)
def public_jobs_page(request: Request, db: DbSession) -> HTMLResponse:
    return _register_page(request, db, "public-jobs")


@router.get("/open/registers/public-jobs.csv", dependencies=open_to_all)
def public_jobs_csv(request: Request, db: DbSession) -> Response:
    return _register_file(request, db, "public-jobs", "csv")


@router.get("/open/registers/public-jobs.json", dependencies=open_to_all)
def public_jobs_json(request: Request, db: DbSession) -> Response:
    return _register_file(request, db, "public-jobs", "json")


@router.get("/open/registers/training-courses", response_class=HTMLResponse, dependencies=open_to_all)
def training_courses_page(request: Request, db: DbSession) -> HTMLResponse:
    return _register_page(request, db, "training-courses")


@router.get("/open/registers/training-courses.csv", dependencies=open_to_all)
def training_courses_csv(request: Request, db: DbSession) -> Response:
    return _register_file(request, db, "training-courses", "csv")


@router.get("/open/registers/training-courses.json", dependencies=open_to_all)
def training_courses_json(request: Request, db: DbSession) -> Response:
    return _register_file(request, db, "training-courses", "json")


@router.get("/open/registers/metadata.json", dependencies=open_to_all)
def registers_metadata() -> Response:
    return Response(json.dumps(registers.metadata(), ensure_ascii=False, indent=1), media_type="application/json")
