"""A pytest plugin for ``make reliability``: while tests/accounts/test_scope.py walks the route
table, count what it tried — the distinct (route, role) pairs, the users and the calls, in scope
and refused — and write the counts as JSON to ``$ILJA_SCOPE_COUNTS``. The walk itself decides
what is a leak (its assertions); this only watches its requests, so the figures are of the very
walk that passed or failed.

Used as ``pytest -p tests.reliability.scope_count tests/accounts/test_scope.py``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

OUTPUT = "ILJA_SCOPE_COUNTS"
_routes: list[tuple[str, re.Pattern[str]]] = []  # (method, path template) of the walked routes
_pairs: set[tuple[str, str, str]] = set()  # (role, method, path template)
_users: set[str] = set()
_counts = {"calls": 0, "in_scope": 0, "refused": 0, "walks": 0}


def _template(method: str, path: str) -> str | None:
    for known, (template, pattern) in _routes:
        if known == method and pattern.fullmatch(path):
            return template
    return None


def pytest_collection_finish(session) -> None:
    """Wrap the walk's helpers in the imported test module (read only: the file is not touched)."""
    from tests.accounts import test_scope as module

    object_routes, walk = getattr(module, "_object_routes", None), getattr(module, "_walk", None)
    if object_routes is None or walk is None:
        return

    def remembered(app, *args, **kwargs):
        found = object_routes(app, *args, **kwargs)
        for method, path, *_ in found:
            pattern = re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)))
            _routes.append((method, (path, pattern)))
        return found

    def counted(world, *args, **kwargs):
        scopes = getattr(world, "scopes", {})
        roles = {token: (login, getattr(scopes.get(login), "role", login.split("-")[0]))
                 for login, token in world.tokens.items()}
        request = world.client.request

        def watched(method, url, *rest, headers=None, **options):
            login, role = roles.get((headers or {}).get("Authorization", "").removeprefix("Bearer "),
                                    ("anonymous", None))
            template = _template(method, str(url).split("?", 1)[0])
            if template is not None:
                _pairs.add((str(getattr(role, "value", role)), method, template))
                _users.add(login)
                _counts["calls"] += 1
            return request(method, url, *rest, headers=headers, **options)

        world.client.request = watched
        try:
            reached, refused = walk(world, *args, **kwargs)
        finally:
            del world.client.request
        _counts["in_scope"] += reached
        _counts["refused"] += refused
        _counts["walks"] += 1
        return reached, refused

    module._object_routes = remembered
    module._walk = counted


def pytest_sessionfinish(session, exitstatus) -> None:
    target = os.environ.get(OUTPUT)
    if target:
        Path(target).write_text(json.dumps({
            **_counts, "pairs": len(_pairs), "routes": len({(m, t) for _, m, t in _pairs}),
            "roles": sorted({r for r, _, _ in _pairs}), "users": len(_users),
            "tests": session.testscollected, "failed": session.testsfailed}))
