"""The FastAPI application: the REST API under /api/v1 and the KRDS web pages."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import Depends, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute, _IncludedRouter
from starlette._utils import get_route_path
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Match, Route
from starlette.types import Scope

from ilja import __version__, access
from ilja.accounts import audit
from ilja.accounts.api import router as accounts_router
from ilja.accounts.deps import public
from ilja.accounts.views import router as accounts_pages
from ilja.applications import offer_views as applications_offer_views
from ilja.applications.api import router as applications_router
from ilja.applications.manage_views import router as rounds_pages
from ilja.applications.views import router as applications_pages
from ilja.config import get_settings
from ilja.db import get_engine
from ilja.matching import api as matching_api
from ilja.matching import views as matching_views
from ilja.messages import views as messages_views
from ilja.outcomes import api as outcomes_api
from ilja.outcomes import views as outcomes_views
from ilja.people.api import router as people_router
from ilja.people.views import router as people_pages
from ilja.privacy import api as privacy_api
from ilja.privacy import views as privacy_views
from ilja.programs.api import router as programs_router
from ilja.publicjobs import api as publicjobs_api
from ilja.publicjobs import attendance_views as publicjobs_attendance_views
from ilja.publicjobs import views as publicjobs_views
from ilja.rights import views as rights_views
from ilja.rules.api import router as rules_router
from ilja.rules.engine import default_engine
from ilja.selection.api import router as selection_router
from ilja.selection.views import router as selection_pages
from ilja.support import api as support_api
from ilja.support import views as support_views
from ilja.training import api as training_api
from ilja.training import attendance_views as training_attendance_views
from ilja.training import setup_views as training_setup_views
from ilja.training import views as training_views
from ilja.transparency import views as transparency_views
from ilja.verification import views as verification_views
from ilja.web import access_log, errors, static_assets
from ilja.web import security as web_security
from ilja.web.admission import Admission
from ilja.web.pages import router as pages_router
from ilja.web.templating import templates

# /docs: Swagger UI from the vendored files, started by a script of ours. FastAPI's own page loads
# it from a CDN and starts it with an inline script, which the CSP forbids (no ReDoc: one is enough).
DOCS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="/static/vendor/krds/img/component/favicon/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script>
</body>
</html>
"""


_FROZEN = False
_HEAD_DEPTH = 4  # "/api/v1/rounds": enough segments to tell the routers apart


def _literal_head(path: str) -> list[str]:
    """A route path's segments before its first parameter ("/rounds/{id}" → ["", "rounds"])."""
    head = []
    for segment in path.split("/"):
        if "{" in segment:
            break
        head.append(segment)
    return head


class _GatedRouter(_IncludedRouter):
    """An included router that a request tries only if its path begins as one of the router's
    routes begins. FastAPI (0.165) tries every included router's routes in turn, route by route,
    on every request (and the chosen router's again when it handles it): the submission passed
    about 65 routes, a page over 150, a 404 every route twice. A route's path matches only paths
    that share its segments before its first parameter, so the gate never turns away a path one
    of the router's routes would match (nor a method it would refuse with 405)."""

    _gate_of: tuple[int, int, frozenset[tuple[str, ...]] | None] | None = None  # version, depth, heads

    def _gate(self) -> tuple[int, int, frozenset[tuple[str, ...]] | None]:
        version = self.original_router._get_routes_version()
        gate = self._gate_of
        if gate is None or gate[0] != version:  # new, or a route was added to the router since
            heads: list[list[str]] | None = []
            depth = _HEAD_DEPTH
            for context in self.effective_route_contexts():
                if not isinstance(context.original_route, (APIRoute, Route)):  # a mount, a socket
                    heads = None
                    break
                head = _literal_head((context.starlette_route or context).path)
                heads.append(head)
                depth = min(depth, len(head))
            gate = self._gate_of = (version, depth, None if heads is None else
                                    frozenset(tuple(head[:depth]) for head in heads))
        return gate

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http":
            _, depth, heads = self._gate()
            if heads is not None and tuple(get_route_path(scope).split("/", depth)[:depth]) not in heads:
                return Match.NONE, {}
        return super().matches(scope)


def _gate_routers(app: FastAPI) -> None:
    """Every router the app includes behind its gate (FastAPI 0.165's own ``_IncludedRouter``
    otherwise: tests/web/test_routing_gate.py holds every route's answer and the OpenAPI
    document to what FastAPI gives without the gates)."""
    routes = app.router.routes
    for index, route in enumerate(routes):
        if type(route) is _IncludedRouter:
            routes[index] = _GatedRouter(original_router=route.original_router,
                                         include_context=route.include_context)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Size the request threads to the connection pool (more threads than connections only
    queue on the pool and fight over the GIL), chain audit entries a crash left behind, and
    load the rules now so the first applicant does not wait for them."""
    settings = get_settings()
    default_engine()
    # What is loaded by now lives as long as the process: keep it out of the collector's scans,
    # which otherwise pause requests for milliseconds (the tail of the latency).
    global _FROZEN
    if not _FROZEN:  # once per process (a test process starts many apps)
        gc.collect()
        gc.freeze()
        _FROZEN = True
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.db_pool_size
    if settings.audit_sealing == "background":
        audit.wake_sealer(get_engine())
    yield
    if settings.audit_sealing == "background":
        audit.stop_sealer(get_engine())
        audit.seal_committed(get_engine())  # what the stopped sealer had not chained yet


def create_app() -> FastAPI:
    app = FastAPI(
        lifespan=lifespan,
        title="Ilja (일자리) API",
        version=__version__,
        description="Seoul's employment-support programs: eligibility rules, the plan, parameters.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    access.load()  # the access rules every route's scope applies

    errors.install(app)
    access_log.install()  # uvicorn's request lines: no query, no name or number in the path

    settings = get_settings()
    app.add_middleware(Admission, limit=settings.db_pool_size,  # type: ignore[arg-type]
                       queue=settings.admission_queue)

    web_security.install(app)
    # Text is gzipped (static files arrive compressed already), pages too: the CSRF token a page
    # carries is masked afresh in every response (ilja.accounts.csrf), so compression cannot
    # leak it (BREACH).
    app.add_middleware(GZipMiddleware, minimum_size=1000)  # type: ignore[arg-type]

    open_to_all = [Depends(public())]
    # FastAPI (0.137 and later) tries the routes in order, each included router's in turn, on
    # every request (a router whose routes cannot match the path is passed at once: the gates,
    # ``_gate_routers``): what is asked for most and costs least comes first.

    templates.env.globals["static_url"] = static_assets.static_url
    app.mount("/static", static_assets.FingerprintedStatic(static_assets.manifest()), name="static")

    @app.get("/api/v1/health", tags=["system"], dependencies=open_to_all)
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    app.include_router(rules_router, prefix="/api/v1", dependencies=open_to_all)
    app.include_router(programs_router, prefix="/api/v1", dependencies=open_to_all)
    for api in (accounts_router, outcomes_api.router, people_router, applications_router, selection_router,
                publicjobs_api.router, matching_api.router, training_api.router, support_api.router,
                privacy_api.router):
        app.include_router(api, prefix="/api/v1")

    docs_page = DOCS_PAGE.format(title=app.title, openapi_url=app.openapi_url)

    @app.get("/docs", include_in_schema=False, dependencies=open_to_all)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_page)

    app.include_router(pages_router, dependencies=open_to_all)
    # In this order: a route matches in the first router that has it.
    for pages in (accounts_pages, outcomes_views.router, people_pages, applications_pages,
                  applications_offer_views.router, rounds_pages, selection_pages, publicjobs_views.router,
                  training_views.router, training_setup_views.router, training_attendance_views.router,
                  publicjobs_attendance_views.router, matching_views.router, support_views.router,
                  rights_views.router, messages_views.router, privacy_views.router, transparency_views.router,
                  verification_views.router):
        app.include_router(pages)
    _gate_routers(app)
    return app
