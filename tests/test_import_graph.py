"""Domains depend downward: the import graph of ``src/ilja`` (lazy imports included), collapsed
to domains, follows LAYERS, and a domain's modules form no circle among themselves.

An import that points up the layers is allowed only when it is listed in KNOWN_UPWARD, the
circles that remain from before the layering rule. The list only shrinks: an entry whose import
is gone fails the test until it is struck out, and a new upward import fails it at once with the
lines that make it."""

from __future__ import annotations

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

# Imports that still point up, each a circle between two domains. Strike an entry out when its
# import goes; never add one.
KNOWN_UPWARD: set[tuple[str, str]] = set()

# Packages whose modules import each other in one direction only.
ACYCLIC_PACKAGES = ["ilja.applications", "ilja.people", "ilja.selection", "ilja.programs",
                    "ilja.training", "ilja.rules"]

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


def test_no_new_import_points_up(edges):
    upward = {pair: found for pair, found in edges.items()
              if RANK[pair[1]] > RANK[pair[0]] and pair not in KNOWN_UPWARD}
    shown = [f"{a} → {b} (below it in LAYERS):\n" + "\n".join(f"    {line}" for line in found)
             for (a, b), found in sorted(upward.items())]
    assert not upward, "imports that point up the layers:\n" + "\n".join(shown)


def test_known_upward_imports_still_exist(edges):
    gone = sorted(pair for pair in KNOWN_UPWARD if pair not in edges)
    assert not gone, f"strike these out of KNOWN_UPWARD, their imports are gone: {gone}"


def test_no_circle_between_domains_beyond_the_known_ones(edges):
    kept = {pair for pair in edges if pair not in KNOWN_UPWARD}
    components = strongly_connected({d for pair in kept for d in pair}, kept)
    assert not components, report(components, edges, KNOWN_UPWARD)


@pytest.mark.parametrize("package", ACYCLIC_PACKAGES)
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
