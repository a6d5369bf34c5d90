"""Every route declares who may use it, and each role gets exactly what its permissions say.

Ported from GOV.UK Notify's ``test_routes_have_permissions_decorators``: a route that forgets its
permission fails here, before it ships.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from ilja.accounts import service
from ilja.accounts.deps import authenticated, public, requires
from ilja.accounts.roles import Role, has_permission
from ilja.db import engine_for, transaction

DOCS = {"/docs", "/docs/oauth2-redirect", "/redoc", "/api/v1/openapi.json"}
PASSWORD = "Tr0ub4dor&3x"


def _declared(dependant) -> list[object]:
    found = []
    for sub in dependant.dependencies:
        if isinstance(sub.call, requires | public | authenticated):
            found.append(sub.call)
        found.extend(_declared(sub))
    return found


def _routes(app) -> list:
    """Every API route with its full path and dependencies, through included routers."""
    return [context for context in iter_route_contexts(app.routes)
            if isinstance(context.original_route, APIRoute)]


def test_every_route_declares_its_access(app_for):
    app = app_for(None)
    missing = [f"{sorted(r.methods)} {r.path}" for r in _routes(app) if not _declared(r.dependant)]
    assert not missing, f"routes without requires()/public()/authenticated(): {missing}"


def test_no_route_declares_two_conflicting_rules(app_for):
    for route in _routes(app_for(None)):
        kinds = {type(d) for d in _declared(route.dependant)}
        assert not ({public} <= kinds and {requires} <= kinds), route.path


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture
def app_for(app_sqlite):
    """The app on a fresh migrated SQLite database."""
    from ilja.web.app import create_app

    def make(_):
        app = create_app()
        app.state.database_url = app_sqlite
        return app

    return make


def _token(url: str, role: Role) -> str:
    with transaction(engine_for(url)) as session:
        user = service.create_user(session, login=f"user-{role.value}", password=PASSWORD, role=role,
                                   display_name=role.label_en,
                                   site_code="campus.mapo" if role is Role.OPERATOR else None)
        return service.issue_token(session, user, "test")[1]


def test_each_role_gets_exactly_its_permissions(app_for):
    app = app_for(None)
    url = app.state.database_url
    client = TestClient(app, raise_server_exceptions=False)
    tokens = {role: _token(url, role) for role in Role}
    checked = 0
    for route in _routes(app):
        rules = [d for d in _declared(route.dependant) if isinstance(d, requires)]
        if not rules or not route.path.startswith("/api/"):
            continue
        permission = rules[0].permission
        for method in sorted(route.methods - {"HEAD"}):
            path = _concrete(route.path)
            anonymous = client.request(method, path)
            assert anonymous.status_code == 401, (method, path, anonymous.status_code)
            for role, token in tokens.items():
                response = client.request(method, path, headers={"Authorization": f"Bearer {token}"})
                allowed = has_permission(role, permission)
                if allowed:
                    assert response.status_code not in (401, 403), (role, method, path, response.text)
                else:
                    assert response.status_code == 403, (role, method, path, response.status_code)
                checked += 1
    assert checked > 0


def test_an_unknown_or_revoked_token_is_401(app_for):
    client = TestClient(app_for(None))
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer ilja_nope"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
