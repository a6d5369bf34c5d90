"""Reading the plan files: parse, validate, resolve references, derive targets, run the checks.

A malformed file raises :class:`PlanDataError` naming the file and the field; references between
files (districts, sites, programs) and to the sources registry must resolve. Inconsistent *figures*
are not errors: :mod:`ilja.programs.checks` reports them as warnings.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ilja.programs.checks import run_checks
from ilja.programs.plan import (
    DATA_DIR,
    Campus,
    District,
    Figure,
    Institute,
    Plan,
    PlanDataError,
    PlanWarning,
    ProgramPlan,
    Standards,
    Target,
    Text,
    _Model,
)
from ilja.rules.sources import cited_keys, default_registry

PLAN_FILES = ("plan.yaml", "programs.yaml", "districts.yaml", "sites.yaml", "targets.yaml")


# --- the data files --------------------------------------------------------------------------


class _PlanHeader(_Model):
    id: str
    version: str
    year: int
    title: Text


class _PlanFile(_Model):
    plan: _PlanHeader
    standards: Standards


class _ProgramsFile(_Model):
    programs: list[ProgramPlan]


class _DistrictsFile(_Model):
    count: Figure
    districts: list[District]


class _SitesFile(_Model):
    campuses: list[Campus]
    institutes: list[Institute]


class _TargetsFile(_Model):
    targets: list[Target]


_FILE_MODELS: dict[str, type[_Model]] = {
    "plan.yaml": _PlanFile,
    "programs.yaml": _ProgramsFile,
    "districts.yaml": _DistrictsFile,
    "sites.yaml": _SitesFile,
    "targets.yaml": _TargetsFile,
}


def _read(directory: Path, name: str) -> tuple[_Model, bytes]:
    path = directory / name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PlanDataError(name, [("(file)", f"not found in {directory}")]) from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise PlanDataError(name, [(where, str(getattr(error, "problem", error)))]) from None
    try:
        return _FILE_MODELS[name].model_validate(data), raw
    except ValidationError as error:
        problems = [
            (".".join(str(p) for p in e["loc"]) or "(top)", e["msg"]) for e in error.errors()
        ]
        raise PlanDataError(name, problems) from None


def iter_sources(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every ``source`` in a plan (or any part of it), with its dotted path."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from iter_sources(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_sources(item, f"{path}.{index}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_sources(item, f"{path}.{key}")
    elif isinstance(value, str) and path.rsplit(".", 1)[-1] == "source":
        yield path, value


def iter_figures(value: Any, path: str = "") -> Iterator[tuple[str, Figure]]:
    """Every :class:`Figure` in a plan (or any part of it), with its dotted path."""
    if isinstance(value, Figure):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from iter_figures(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_figures(item, f"{path}.{index}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_figures(item, f"{path}.{key}")


def _duplicates(values: list[str]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


def _cross_check(files: dict[str, _Model]) -> None:
    """References between files must resolve; a broken one is a data error, not a warning."""
    programs: list[ProgramPlan] = files["programs.yaml"].programs  # type: ignore[attr-defined]
    districts: list[District] = files["districts.yaml"].districts  # type: ignore[attr-defined]
    sites: _SitesFile = files["sites.yaml"]  # type: ignore[assignment]
    targets: list[Target] = files["targets.yaml"].targets  # type: ignore[attr-defined]

    registry = default_registry()
    for name, model in files.items():
        bad = [(f, "; ".join(found)) for f, s in iter_sources(model) if (found := registry.problems(s))]
        if bad:
            raise PlanDataError(name, bad)

    problems: dict[str, list[tuple[str, str]]] = {}

    def problem(file: str, field: str, reason: str) -> None:
        problems.setdefault(file, []).append((field, reason))

    program_codes = [p.code for p in programs]
    track_codes = [t.code for p in programs for t in p.tracks]
    for code in _duplicates(program_codes + track_codes):
        problem("programs.yaml", "programs", f"code {code!r} appears more than once")
    district_codes = {d.code for d in districts}
    for code in _duplicates([d.code for d in districts]):
        problem("districts.yaml", "districts", f"code {code!r} appears more than once")
    site_codes = [c.code for c in sites.campuses] + [i.code for i in sites.institutes]
    for code in _duplicates(site_codes):
        problem("sites.yaml", "campuses/institutes", f"code {code!r} appears more than once")

    for i, program in enumerate(programs):
        if program.parent is not None and program.parent not in program_codes:
            problem("programs.yaml", f"programs.{i}.parent", f"unknown program {program.parent!r}")
        type_codes = {t.code for t in program.types}
        for j, track in enumerate(program.tracks):
            where = f"programs.{i}.tracks.{j}"
            if not track.code.startswith(program.code + "."):
                problem("programs.yaml", f"{where}.code", f"must start with {program.code + '.'!r}")
            if track.type is not None and track.type not in type_codes:
                problem("programs.yaml", f"{where}.type", f"unknown type {track.type!r}")
            for site in track.institutes:
                if site not in site_codes:
                    problem("programs.yaml", f"{where}.institutes", f"unknown site {site!r}")
    for i, campus in enumerate(sites.campuses):
        if campus.district not in district_codes:
            problem("sites.yaml", f"campuses.{i}.district", f"unknown district {campus.district!r}")
    for i, institute in enumerate(sites.institutes):
        if institute.district is not None and institute.district not in district_codes:
            problem(
                "sites.yaml", f"institutes.{i}.district", f"unknown district {institute.district!r}"
            )
    for i, target in enumerate(targets):
        if target.program is not None and target.program not in program_codes:
            problem("targets.yaml", f"targets.{i}.program", f"unknown program {target.program!r}")
        if target.track is not None and target.track not in track_codes:
            problem("targets.yaml", f"targets.{i}.track", f"unknown track {target.track!r}")
    for key in _duplicates([t.key for t in targets]):
        problem("targets.yaml", "targets", f"target {key!r} appears more than once")
    for file, items in problems.items():
        raise PlanDataError(file, items)


def _derived_targets(programs: list[ProgramPlan], year: int) -> list[Target]:
    """Budgets, project counts and headcounts of programs and tracks, as targets with sources."""
    labels = {
        "budget": Text(ko="예산", en="Budget"),
        "projects": Text(ko="사업 수", en="Projects"),
        "people": Text(ko="인원", en="People"),
    }
    out: list[Target] = []
    for program in programs:
        owners: list[tuple[str | None, Any]] = [(None, program)]
        owners += [(track.code, track) for track in program.tracks]
        for track_code, owner in owners:
            for metric, label in labels.items():
                figure: Figure | None = getattr(owner, metric, None)
                if figure is None:
                    continue
                out.append(
                    Target(
                        program=program.code,
                        track=track_code,
                        metric=metric,
                        label=label,
                        year=figure.year
                        if figure.year is not None
                        else (None if figure.per_year else year),
                        kind="plan",
                        value=figure.value,
                        unit=figure.unit,
                        approximate=figure.approximate,
                        per_year=figure.per_year,
                        source=figure.source,
                    )
                )
    return out


def read_plan_files(directory: Path | str | None = None) -> Plan:
    """Read and validate the plan files and run the consistency checks (uncached)."""
    directory = Path(directory) if directory is not None else DATA_DIR
    files: dict[str, _Model] = {}
    digest = hashlib.sha256()
    for name in PLAN_FILES:
        files[name], raw = _read(directory, name)
        digest.update(name.encode() + b"\0" + raw + b"\0")
    _cross_check(files)

    header: _PlanFile = files["plan.yaml"]  # type: ignore[assignment]
    districts_file: _DistrictsFile = files["districts.yaml"]  # type: ignore[assignment]
    sites: _SitesFile = files["sites.yaml"]  # type: ignore[assignment]
    programs: list[ProgramPlan] = files["programs.yaml"].programs  # type: ignore[attr-defined]
    names = {d.code: d.name for d in districts_file.districts}
    plan = Plan(
        id=header.plan.id,
        version=header.plan.version,
        year=header.plan.year,
        title=header.plan.title,
        content_hash=digest.hexdigest(),
        sources=sorted({key for model in files.values() for _, s in iter_sources(model)
                        for key in cited_keys(s)}),
        standards=header.standards,
        programs=programs,
        district_count=districts_file.count,
        districts=districts_file.districts,
        campuses=[
            c.model_copy(update={"district_name": names[c.district]}) for c in sites.campuses
        ],
        institutes=[
            i.model_copy(update={"district_name": names.get(i.district or "")})
            for i in sites.institutes
        ],
        targets=[
            *files["targets.yaml"].targets,  # type: ignore[attr-defined]
            *_derived_targets(programs, header.plan.year),
        ],
    )
    checks = run_checks(plan)
    warnings = [PlanWarning(**c.model_dump(exclude={"ok"})) for c in checks if not c.ok]
    return plan.model_copy(update={"checks": checks, "warnings": warnings})


@lru_cache(maxsize=1)
def _default_plan() -> Plan:
    return read_plan_files(DATA_DIR)


def load_plan(path: Path | str | None = None) -> Plan:
    """The plan from ``path`` (a directory of plan files), or the shipped 2025 plan (cached)."""
    if path is None:
        return _default_plan()
    return read_plan_files(path)
