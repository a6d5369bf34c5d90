"""The app's included routers are tried only for paths their routes could match (issue 20 §1):
every request must still reach the route, the 405, the redirect or the 404 it reached when
FastAPI tried every router, and the OpenAPI document must not change by a byte."""

from __future__ import annotations

import asyncio
import json
import re
from unittest import mock

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, _IncludedRouter, iter_route_contexts
from starlette.exceptions import HTTPException
from starlette.routing import Mount, Route

from ilja.web.app import _GatedRouter, create_app


def _ungated(app: FastAPI) -> FastAPI:
    """The same app with its routers tried as FastAPI tries them, every one in turn."""
    routes = app.router.routes
    for index, route in enumerate(routes):
        if isinstance(route, _GatedRouter):
            routes[index] = _IncludedRouter(original_router=route.original_router,
                                            include_context=route.include_context)
    return app


def _where(app: FastAPI, method: str, path: str) -> tuple:
    """Where a request goes: the route that handles it (by kind, path and methods), a redirect,
    or an HTTP error."""
    reached: list[tuple] = []

    def noting(kind):
        async def handle(self, scope, receive, send) -> None:
            reached.append((kind, self.path, tuple(sorted(getattr(self, "methods", None) or ()))))
        return handle

    async def send(message) -> None:
        if message["type"] == "http.response.start":
            reached.append(("answer", message["status"], dict(message["headers"]).get(b"location")))

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": [(b"host", b"test")], "client": ("127.0.0.1", 1),
             "server": ("test", 80), "app": app}
    with mock.patch.object(APIRoute, "handle", noting("api")), \
            mock.patch.object(Route, "handle", noting("route")), \
            mock.patch.object(Mount, "handle", noting("mount")):
        try:
            asyncio.run(app.router.app(scope, None, send))
        except HTTPException as exc:
            reached.append(("error", exc.status_code))
    return tuple(reached)


def _requests(app: FastAPI) -> list[tuple[str, str]]:
    """Each route's path with its parameters filled in, by its methods and by one it refuses,
    with and without a trailing slash; a few paths no route has."""
    asked = [("GET", "/nowhere"), ("GET", "/api/v1/nowhere"), ("GET", "/api"), ("GET", "/api/v1"),
             ("POST", "/"), ("GET", "/static/nothing.css")]
    for context in iter_route_contexts(app.router.routes):
        if not context.path_format:
            continue
        path = re.sub(r"{[^}]+}", "1", context.path_format)
        for method in sorted(context.methods or {"GET"}) + ["DELETE"]:
            asked += [(method, path), (method, path.rstrip("/") + "/")]
    return asked


def test_every_request_goes_where_it_went_without_the_gates():
    gated, plain = create_app(), _ungated(create_app())
    assert any(isinstance(route, _GatedRouter) for route in gated.router.routes)
    asked = _requests(gated)
    assert len(asked) > 400
    for method, path in asked:
        assert _where(gated, method, path) == _where(plain, method, path), (method, path)


def test_the_openapi_document_is_the_same_to_the_byte():
    gated, plain = create_app(), _ungated(create_app())
    assert json.dumps(gated.openapi(), ensure_ascii=False) == json.dumps(plain.openapi(), ensure_ascii=False)


@pytest.mark.parametrize("late_path", ["/late-page", "/rounds/late"])
def test_a_route_added_to_a_router_after_the_app_was_made_is_found(late_path):
    router = APIRouter()

    @router.get("/early")
    def early() -> dict[str, str]:
        return {}

    app = FastAPI()
    app.include_router(router)
    app.router.routes[-1] = _GatedRouter(original_router=router,
                                         include_context=app.router.routes[-1].include_context)
    assert _where(app, "GET", "/early") == (("api", "/early", ("GET",)),)
    assert _where(app, "GET", late_path) == (("error", 404),)

    @router.get(late_path)
    def late() -> dict[str, str]:
        return {}

    assert _where(app, "GET", late_path) == (("api", late_path, ("GET",)),)
