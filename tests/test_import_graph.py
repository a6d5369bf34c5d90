"""Domains depend downward: the import graph of ``src/ilja`` (lazy imports included), collapsed
to domains, follows LAYERS — an import that points up fails at once with the lines that make it,
so no two domains import each other — and no package's modules form a circle among themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

from ilja.ops.import_graph import (
    cycles,
    domain_edges,
    import_lines,
    module_cycles,
    report,
    strongly_connected,
)

# Bottom to top. People ← applications ← selection ← training/publicjobs ← web (issue 22);
# verification (an application's facts) sits below the selection, whose draw applies them.
# The adapters of every domain (views, pages, api; cli) are collapsed into web and cli; ops, the
# operators' tools (backups, the worker's duties, fuzzing, load and fault runs), drives the whole
# site, the web app included, and the command line (every domain's, ops' own too) drives ops.
LAYERS = [
    "core", "rules", "programs", "accounts", "people", "attendance", "messages", "decisions",
    "applications", "verification", "selection", "training", "publicjobs", "outcomes",
    "matching", "support", "rights", "privacy", "transparency", "access", "schema", "web", "ops",
    "cli",
]

# Every package: its modules import each other in one direction only.
PACKAGES = sorted(f"ilja.{folder.name}" for folder in (Path(__file__).parents[1] / "src" / "ilja").iterdir()
                  if (folder / "__init__.py").is_file())

RANK = {domain: rank for rank, domain in enumerate(LAYERS)}


@pytest.fixture(scope="module")
def lines():
    return import_lines()


@pytest.fixture(scope="module")
def edges(lines):
    return domain_edges(lines)


def test_every_domain_has_a_layer(edges):
    domains = {a for a, _ in edges} | {b for _, b in edges}
    assert domains <= set(LAYERS), f"put {sorted(domains - set(LAYERS))} in LAYERS"


def test_no_import_points_up(edges):
    upward = {pair: found for pair, found in edges.items() if RANK[pair[1]] > RANK[pair[0]]}
    shown = [f"{a} → {b} (below it in LAYERS):\n" + "\n".join(f"    {line}" for line in found)
             for (a, b), found in sorted(upward.items())]
    assert not upward, "imports that point up the layers:\n" + "\n".join(shown)


def test_no_circle_between_domains(edges):
    components = strongly_connected({d for pair in edges for d in pair}, set(edges))
    assert not components, report(components, edges)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_circle_inside_a_package(package, lines):
    assert module_cycles(package, lines) == []


def test_the_graph_sees_lazy_imports(tmp_path):
    """A function-level import and an ``__import__(…, fromlist=…)`` call both make an edge."""
    root = tmp_path / "ilja"
    for name in ("low", "high"):
        (root / name).mkdir(parents=True)
        (root / name / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "low" / "service.py").write_text(
        "def f():\n    from ilja.high import service\n    return service\n"
        "def g():\n    return __import__('ilja.high.other', fromlist=['x'])\n")
    (root / "high" / "service.py").write_text("from ilja.low import service\n")
    (root / "high" / "other.py").write_text("")
    found = {(line.source, line.target) for line in import_lines(root)}
    assert ("ilja.low.service", "ilja.high.service") in found
    assert ("ilja.low.service", "ilja.high.other") in found
    components, _ = cycles(root=root)
    assert components == [["high", "low"]]
