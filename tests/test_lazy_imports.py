"""Imports where a name lives: at the top of the module, where readers and tools see them.

A function-level import hides a dependency; it stays only where a reason keeps it lazy (the
command line's start-up time, an optional heavy dependency loaded by one feature, a circle not yet
removed), and then says so in a comment that starts with ``# lazy:`` on one of its lines or on the
line above its group of imports. ``__import__(…)`` is never the way to import a module."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "ilja"


def _import_lines(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: dict[int, ast.Import | ast.ImportFrom] = {}
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    found[id(node)] = node
    return sorted(found.values(), key=lambda node: node.lineno)


def _has_reason(lines: list[str], node: ast.stmt, import_lines: set[int]) -> bool:
    """``# lazy:`` on the import, or on the line above the run of imports it belongs to."""
    if any("# lazy:" in lines[number - 1] for number in range(node.lineno, node.end_lineno + 1)):
        return True
    first = node.lineno
    while first - 1 in import_lines:
        first -= 1
    return first >= 2 and lines[first - 2].strip().startswith("# lazy:")


def unexplained_imports(root: Path = SOURCE) -> dict[str, list[str]]:
    """Per file (relative to ``root``): its function-level imports without a reason and its
    ``__import__`` calls, as ``path:line: text``."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text, filename=str(path))
        name = path.relative_to(root).as_posix()
        shown = path.relative_to(root.parents[1]).as_posix()
        nodes = _import_lines(tree)
        import_lines = {n for node in nodes for n in range(node.lineno, node.end_lineno + 1)}
        problems = [f"{shown}:{node.lineno}: {lines[node.lineno - 1].strip()}" for node in nodes
                    if not _has_reason(lines, node, import_lines)]
        problems += [f"{shown}:{node.lineno}: {lines[node.lineno - 1].strip()} (__import__: import it)"
                     for node in ast.walk(tree)
                     if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                     and node.func.id == "__import__"]
        if problems:
            found[name] = problems
    return found


def test_every_lazy_import_says_why():
    found = unexplained_imports()
    shown = "\n".join(line for problems in found.values() for line in problems)
    assert not found, ("imports inside functions without a '# lazy: <reason>' comment (move them to "
                       "the top of the module, or say why they must wait):\n" + shown)


def test_the_check_sees_a_hidden_import(tmp_path):
    (tmp_path / "a.py").write_text(
        "def f():\n    import json\n    return json\n\n"
        "def g():\n    # lazy: start-up time\n    import csv\n    import io\n    return csv, io\n\n"
        "def h():\n    return __import__('json', fromlist=['x'])\n")
    found = unexplained_imports(tmp_path)
    assert [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in found["a.py"]] == ["2", "12"]
