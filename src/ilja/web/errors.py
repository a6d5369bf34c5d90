"""Error responses: never echo personal data; API callers get JSON, browsers get a page.

FastAPI's default 422 body repeats each bad value (``input``); for a person that may be a birth
date or an ID number. Ilja keeps the location, the message and the machine code, and drops the
input (Pydantic's error shape: loc, msg, type). ``ilja.web.openapi`` makes the OpenAPI document
describe these bodies and the domains' refusals instead of FastAPI's default 422.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import exc as sa_exc

from ilja.accounts.deps import CsrfFailed, Forbidden, NotAuthenticated
from ilja.web import openapi


def _safe(error: dict) -> dict:
    return {"loc": list(error.get("loc", ())), "msg": error.get("msg", ""), "type": error.get("type", "")}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": [_safe(e) for e in exc.errors()]})


async def not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
    if _is_api(request):
        return JSONResponse(status_code=401, headers={"WWW-Authenticate": "Bearer"},
                            content={"detail": "Not authenticated", "code": "not_authenticated"})
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


async def forbidden(request: Request, exc: Forbidden | CsrfFailed) -> Response:
    code = "csrf_failed" if isinstance(exc, CsrfFailed) else "forbidden"
    if _is_api(request):
        return JSONResponse(status_code=403, content={"detail": str(exc) or code, "code": code})
    from ilja.web.templating import render

    return render(request, "forbidden.html", {"code": code}, status_code=403)


RETRY_AFTER_SECONDS = 2
log = logging.getLogger(__name__)


async def database_unavailable(request: Request, exc: Exception) -> Response:
    """The database is down, restarting, out of connections, or gave up on a lock: the
    transaction was rolled back, so the caller may simply try again (a submission with its
    ``Idempotency-Key``): 503 with ``Retry-After``, not a 500. The log names the kind of
    failure only — a driver's message may quote the statement's values."""
    log.warning("database unavailable (%s) on %s %s", type(getattr(exc, "orig", exc)).__name__,
                request.method, request.url.path)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if _is_api(request):
        return JSONResponse(status_code=503, headers=headers, content={"detail": {
            "code": "unavailable",
            "msg": "The database is unavailable for a moment; nothing was saved. Try again.",
            "msg_ko": "잠시 자료를 저장할 수 없습니다. 저장된 것은 없으니 다시 시도해 주십시오."}})
    from ilja.web.templating import render

    retry = request.url.path if request.method == "GET" else "/"
    response = render(request, "unavailable.html", {"retry_url": retry}, status_code=503)
    response.headers.update(headers)
    return response


def install(app: FastAPI) -> None:
    """The handlers, and the OpenAPI document that describes what they send."""
    openapi.install(app)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(NotAuthenticated, not_authenticated)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(CsrfFailed, forbidden)
    for unavailable in (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError):
        app.add_exception_handler(unavailable, database_unavailable)
