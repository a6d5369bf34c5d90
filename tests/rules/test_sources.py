"""The sources registry: every parameter and plan figure cites a registered source by key and
section (or says why it is an assumption), no source names a file outside the repository, and
docs/sources.md says what sources.yaml says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ilja.programs.loader import PLAN_FILES
from ilja.programs.plan import DATA_DIR
from ilja.rules.parameters import PARAMETERS_DIR, ParameterError, ParameterTree
from ilja.rules.sources import (
    SOURCES_FILE,
    Registry,
    SourceError,
    cited_keys,
    default_registry,
    markdown,
)

REPOSITORY = Path(__file__).resolve().parents[2]
OUTSIDE = re.compile(r"\.txt\b|\.md\b|PROGRAMS\.md|shared/", re.IGNORECASE)


def _sources(node, where: str):
    """Every ``source`` string in a data file, read as YAML (not through a loader that could
    skip one), with where it is."""
    if isinstance(node, dict):
        for key, item in node.items():
            if key == "source":
                yield where, str(item)
            else:
                yield from _sources(item, f"{where}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _sources(item, f"{where}.{index}")


def every_source() -> list[tuple[str, str]]:
    found = []
    for path in sorted(PARAMETERS_DIR.rglob("*.yaml")):
        found += _sources(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    for name in PLAN_FILES:
        found += _sources(yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8")), name)
    return found


def test_every_source_cites_a_registered_key_and_no_file():
    registry = default_registry()
    sources = every_source()
    assert len(sources) > 400
    for where, source in sources:
        assert not OUTSIDE.search(source), (where, source)
        assert registry.problems(source) == [], (where, source)
        kind = source.split(":", 1)[0]
        if kind in ("document", "notice", "law"):
            assert re.match(rf"{kind}: [a-z0-9-]+ §\S", source), (where, source)


def test_every_registered_source_is_cited():
    cited = {key for _, source in every_source() for key in cited_keys(source)}
    assert {s.key for s in default_registry()} == cited


def test_the_registry_says_what_each_source_is():
    registry = default_registry()
    for source in registry:
        assert source.title_ko and source.issuer_ko, source.key
        if source.kind == "document":
            assert source.date, source.key
    plan = registry.get("seoul-2025-jobs-plan")
    assert (plan.kind, plan.issuer_ko, plan.date) == ("document", "서울특별시 경제실 일자리정책과", "2025")
    release = registry.get("seoul-2025-academy-2-0-release")
    assert release.title_ko == "서울시, ‘청년취업사관학교 2.0’으로 AI 인재 양성 본격화"
    assert (release.issuer_ko, release.date) == ("서울특별시 일자리정책과 일자리정책팀", "2025-11-11")


def test_docs_sources_md_agrees_with_the_registry():
    written = (REPOSITORY / "docs" / "sources.md").read_text(encoding="utf-8")
    assert written == markdown(), "regenerate: python -m ilja.rules.sources > docs/sources.md"
    for source in default_registry():
        assert f"`{source.key}`" in written and source.title_ko in written


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("document: 000_49ff77d15eceee5e.txt §2 서울 동행일자리", "names a file"),
        ("notice: 동행일자리 모집 공고 (PROGRAMS.md §4)", "names a file"),
        ("assumption: see shared/seeds for the notices", "names a file"),
        ("document: seoul-2031-jobs-plan §2", "unknown source 'seoul-2031-jobs-plan'"),
        ("assumption: as seoul-2031-jobs-plan §2 says nothing", "unknown source"),
        ("document: 2025 일자리 지원 §2", "a document is cited as 'document: <key> §<section>'"),
        ("law: seoul-2025-jobs-plan §2", "'seoul-2025-jobs-plan' is a document, not a law"),
        ("notice: minimum-wage-2026", "a notice is cited as"),
        ("guess: seoul-2025-jobs-plan §2", "starts with 'document:'"),
        ("assumption:", "needs to say why"),
    ],
)
def test_what_a_source_may_not_do(source, problem):
    assert any(problem in p for p in default_registry().problems(source)), source


def test_a_citation_reads_as_title_and_section():
    registry = default_registry()
    source = "document: seoul-2025-jobs-plan §2 서울 동행일자리 지원대상 (만 18세 이상)"
    assert registry.cite(source) == "일자리 지원 (경제실) — 2025년 주요업무 §2 서울 동행일자리 지원대상 (만 18세 이상)"
    assert registry.cite(source, "en").startswith("Job support (Economic Policy Office) — 2025 work plan §2 ")
    assert registry.cite(source, keys=True).startswith("일자리 지원 (경제실) — 2025년 주요업무 "
                                                       "[seoul-2025-jobs-plan] §2")
    mixed = "assumption: labor-standards-act §55 sets no day; Sunday"
    assert registry.cite(mixed, "en") == "Labor Standards Act §55 sets no day; Sunday"
    assert [s.key for s in registry.cited(mixed)] == ["labor-standards-act"]


def test_a_korean_citation_is_korean_only():
    """An assumption's note is English: Korean text cites its sources by title and section only
    (the caller marks it 가정); a quote stays where it is Korean; English text keeps the note."""
    registry = default_registry()
    note = ("assumption: seoul-2025-jobs-plan §2 names 취업 취약계층 without enumerating it; the list follows "
            "(companion-jobs-notices §선발 기준)")
    assert registry.cite(note, notes=False) == ("일자리 지원 (경제실) — 2025년 주요업무 §2; "
                                                "서울 동행일자리(구 공공근로) 참여자 모집 공고 §선발 기준")
    assert "without enumerating it" in registry.cite(note, "en", notes=False)
    assert "without enumerating it" in registry.cite(note)  # staff pages keep the note
    assert registry.cite("assumption: the documents are silent; five tries leave room", notes=False) == ""
    english_quote = "document: seoul-2025-academy-2-0-release §교육 품질·관리 강화 (no restriction before Academy 2.0)"
    assert registry.cite(english_quote, notes=False).endswith("§교육 품질·관리 강화")
    law = "law: labor-standards-act §10 (공민권 행사의 보장)"
    assert registry.cite(law, notes=False) == "근로기준법 §10 (공민권 행사의 보장)"


def _registry(tmp_path: Path, text: str) -> Registry:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return Registry.load(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources:\n  Plan_2025:\n    kind: document\n", "lowercase words joined by hyphens"),
        ("sources:\n  a-plan:\n    kind: memo\n", "kind is one of"),
        ("sources:\n  a-plan:\n    kind: document\n    title: {en: Plan}\n    issuer: {ko: 시}\n",
         "needs a Korean text"),
        ("sources:\n  a-plan:\n    kind: notice\n    title: {ko: 공고}\n    issuer: {ko: 시}\n",
         "needs a date"),
        ("sources:\n  a-plan:\n    kind: document\n    title: {ko: 계획}\n    issuer: {ko: 시}\n"
         "    date: 11/11/2025\n", "not YYYY"),
    ],
)
def test_a_malformed_registry_names_the_key(tmp_path, text, message):
    with pytest.raises(SourceError, match=message):
        _registry(tmp_path, text)


def test_the_shipped_registry_loads_from_its_file():
    assert SOURCES_FILE.parent == PARAMETERS_DIR.parent
    assert len(Registry.load()) == len(default_registry())


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("document: 000_49ff77d15eceee5e.txt §2", "names a file"),
        ("notice: no-such-notice §1", "unknown source 'no-such-notice'"),
    ],
)
def test_parameters_citing_a_file_or_an_unknown_key_do_not_load(tmp_path, source, message):
    (tmp_path / "limits.yaml").write_text(
        f'parameters:\n  a:\n    values:\n      2025-01-01: {{value: 1, source: "{source}"}}\n',
        encoding="utf-8")
    with pytest.raises(ParameterError, match=message) as error:
        ParameterTree.load(tmp_path)
    assert "limits.yaml [limits.a] 2025-01-01" in str(error.value)


def test_params_show_history_gives_the_title():
    from ilja.cli import app

    result = CliRunner().invoke(app, ["params", "show", "common.minimum_wage.hourly", "--history"])
    assert result.exit_code == 0, result.output
    for part in ("2024년", "최저임금", "minimum-wage-2024", "minimum-wage-2026", "§시급"):
        assert part in result.output, part
    assert "notice: minimum" not in result.output and ".txt" not in result.output
