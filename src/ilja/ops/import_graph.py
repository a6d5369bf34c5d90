"""The import graph of ``src/ilja``, collapsed to domains, and the cycles in it.

Every import counts: at module level, inside functions, under ``TYPE_CHECKING``, and
``__import__("ilja.x", fromlist=…)`` / ``importlib.import_module("ilja.x")`` calls, because a
lazy import hides a dependency from readers but not from the design. A module belongs to the
first package under ``ilja`` (``ilja.selection.lottery`` → ``selection``); top-level modules
(``ilja.clock``, ``ilja.files``, ``ilja.db``…) are ``core``. The adapters at the edges — every
domain's pages and API (``views``, ``pages``, ``api``, ``*_views``, ``*_api``…) and command line
(``cli``) — collapse into ``web`` and ``cli``, which may depend on anything below them; what
must not happen is a domain's own modules reaching back up into a domain that depends on it.

``python -m ilja.ops.import_graph`` prints the domain graph's cycles with the import lines that
make them and exits 1 when there is one (``--allow`` takes the known ones as ``a>b`` edges).
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
CORE = "core"
WEB = "web"
CLI = "cli"
# Top-level modules that sit at an edge rather than in the core: the command line and the demo
# builder drive every domain, and ilja.models imports every domain's tables for Alembic.
EDGE_MODULES = {
    "ilja.cli": CLI, "ilja.cli_common": CLI, "ilja.db_cli": CLI,
    "ilja.demo": CLI, "ilja.models": "schema",
}


@dataclass(frozen=True)
class ImportLine:
    """One import statement: where it is and the module it names."""

    source: str
    target: str
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


def module_name(path: Path, root: Path = PACKAGE_ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_adapter(module: str) -> str | None:
    """``web`` or ``cli`` when a domain module is an edge adapter, else None."""
    last = module.rsplit(".", 1)[-1]
    if last == "cli":
        return CLI
    if last in {"views", "api", "pages"} or last.endswith(("_views", "_api")):
        return WEB
    if last.startswith(("views_", "api_")):
        return WEB
    return None


def domain_of(module: str, root: Path = PACKAGE_ROOT) -> str:
    if module in EDGE_MODULES:
        return EDGE_MODULES[module]
    parts = module.split(".")
    if len(parts) < 2:
        return CORE
    head = parts[1]
    if not (root / head).is_dir():
        return CORE
    if head in {WEB, "migrations"}:
        return WEB if head == WEB else "schema"
    if head == "ops":
        # the operators' tools drive the site (fuzz_api fuzzes the API, it is not one); ops' own
        # command line (backup, restore) belongs to the command line, as every domain's does
        return CLI if parts[-1] == CLI else head
    return is_adapter(module) or head


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _known(candidate: str, modules: set[str]) -> str | None:
    """The longest prefix of a dotted name that is one of our modules."""
    parts = candidate.split(".")
    while parts:
        name = ".".join(parts)
        if name in modules:
            return name
        parts.pop()
    return None


def _dynamic_target(call: ast.Call) -> str | None:
    func = call.func
    dynamic = (isinstance(func, ast.Name) and func.id == "__import__") or (
        isinstance(func, ast.Attribute) and func.attr == "import_module")
    if dynamic and call.args and isinstance(call.args[0], ast.Constant):
        value = call.args[0].value
        return value if isinstance(value, str) else None
    return None


def import_lines(root: Path = PACKAGE_ROOT) -> list[ImportLine]:
    """Every import between two of the package's modules, in file order."""
    files = sorted(root.rglob("*.py"))
    modules = {module_name(path, root) for path in files}
    found: list[ImportLine] = []
    for path in files:
        source = module_name(path, root)
        package = path.name == "__init__.py"
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text, filename=str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(source, package, node.level, node.module)
                names = [f"{base}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Call):
                target = _dynamic_target(node)
                names = [target] if target else []
            targets = {_known(name, modules) for name in names}
            for target in sorted(t for t in targets if t):
                if target != source:
                    found.append(ImportLine(source, target, str(path.relative_to(root.parent)),
                                            node.lineno, lines[node.lineno - 1].strip()))
    return found


def domain_edges(lines: list[ImportLine],
                 root: Path = PACKAGE_ROOT) -> dict[tuple[str, str], list[ImportLine]]:
    edges: dict[tuple[str, str], list[ImportLine]] = defaultdict(list)
    for line in lines:
        pair = (domain_of(line.source, root), domain_of(line.target, root))
        if pair[0] != pair[1]:
            edges[pair].append(line)
    return dict(edges)


def strongly_connected(nodes: set[str], edges: set[tuple[str, str]]) -> list[list[str]]:
    """Tarjan's components with more than one node, each sorted, largest first."""
    following: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(edges):
        following[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in following[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return sorted(components, key=lambda c: (-len(c), c))


def shortest_cycle(component: list[str], edges: set[tuple[str, str]]) -> list[str]:
    """A shortest cycle through the component's first node, for the report."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        nxt_frontier = []
        for node in frontier:
            for a, b in sorted(edges):
                if a != node or b not in members:
                    continue
                if b == start:
                    return paths[node] + [start]
                if b not in paths:
                    paths[b] = paths[node] + [b]
                    nxt_frontier.append(b)
        frontier = nxt_frontier
    return [start]


def cycles(allowed: set[tuple[str, str]] = frozenset(),
           root: Path = PACKAGE_ROOT) -> tuple[list[list[str]], dict]:
    """The domain graph's cyclic components once the allowed edges are set aside."""
    edges = domain_edges(import_lines(root), root)
    kept = {pair for pair in edges if pair not in allowed}
    nodes = {a for a, _ in kept} | {b for _, b in kept}
    return strongly_connected(nodes, kept), edges


def module_cycles(package: str, lines: list[ImportLine]) -> list[list[str]]:
    """Cycles between the modules of one package (``ilja.selection``), lazy imports included;
    its adapters (pages, API, command line) are left out, they belong to the edges."""
    prefix = package + "."

    def inner(module: str) -> bool:
        return module.startswith(prefix) and is_adapter(module) is None

    inside = {(line.source, line.target) for line in lines
              if inner(line.source) and inner(line.target)}
    nodes = {a for a, _ in inside} | {b for _, b in inside}
    return strongly_connected(nodes, inside)


def report(components: list[list[str]], edges: dict, allowed=frozenset(), limit=3) -> str:
    kept = {pair for pair in edges if pair not in allowed}
    out = []
    for component in components:
        out.append(f"cycle among {len(component)} domains: {', '.join(component)}")
        path = shortest_cycle(component, kept)
        out.append("  e.g. " + " → ".join(path))
        for a, b in zip(path, path[1:], strict=False):
            out.append(f"  {a} → {b}:")
            out.extend(f"    {line}" for line in edges[(a, b)][:limit])
            if len(edges[(a, b)]) > limit:
                out.append(f"    … and {len(edges[(a, b)]) - limit} more")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow", nargs="*", default=[], help="known edges, as a>b")
    parser.add_argument("--edges", action="store_true", help="print every domain edge")
    args = parser.parse_args(argv)
    allowed = {tuple(item.split(">", 1)) for item in args.allow}
    components, edges = cycles(allowed)
    if args.edges:
        for (a, b), lines in sorted(edges.items()):
            print(f"{a} → {b} ({len(lines)})")
    if not components:
        print(f"no cycle between domains ({len(edges)} domain edges)")
        return 0
    print(report(components, edges, allowed))
    return 1


if __name__ == "__main__":
    sys.exit(main())
