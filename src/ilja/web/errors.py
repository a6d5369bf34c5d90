"""Error responses: never echo personal data; API callers get JSON, browsers get a page.

FastAPI's default 422 body repeats each bad value (``input``); for a person that may be a birth
date or an ID number. Ilja keeps the location, the message and the machine code, and drops the
input (Pydantic's error shape: loc, msg, type). ``ilja.web.openapi`` makes the OpenAPI document
describe these bodies and the domains' refusals instead of FastAPI's default 422.

A browser (any path outside ``/api/``) gets a page in its language for every error instead —
404, 405, 409, 422, 500 alike, with the same status code — saying what went wrong and how to go
on. A 422 page names the fields by their labels (``error_page.fields.<name>``), never their
values; a 500 page shows only a short reference that the server log line also carries.

A domain's refusal (``ilja.errors.IljaError``) goes through here and nowhere else: the routes
raise it and no module converts it (``tests/test_errors_one_way.py``). The API answers the
documented ``{"detail": {"code", "msg", "msg_ko", …}}``; a page shows the refusal's message in
the page's language on the error page (a 403, the shared "not allowed" page).
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from ilja.accounts.deps import CsrfFailed, NotAuthenticated
from ilja.accounts.roles import PermissionDenied
from ilja.errors import IljaError
from ilja.i18n import LANGUAGES
from ilja.web import openapi
from ilja.web.security import CSP, STATIC_HEADERS
from ilja.web.templating import render, translator

# Statuses with their own words on the error page; any other one gets the general words.
PAGE_STATUSES = frozenset({400, 401, 403, 404, 405, 409, 413, 422, 429, 500})
# Pydantic error types, grouped into what the page can say about a field in plain words.
PROBLEMS = {"missing": "missing", "string_too_long": "too_long", "too_long": "too_long",
            "string_too_short": "too_short", "too_short": "too_short",
            "greater_than": "range", "greater_than_equal": "range", "less_than": "range",
            "less_than_equal": "range", "enum": "choice", "literal_error": "choice",
            "string_pattern_mismatch": "format"}

log = logging.getLogger(__name__)


def _safe(error: dict) -> dict:
    return {"loc": list(error.get("loc", ())), "msg": error.get("msg", ""), "type": error.get("type", "")}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _back_url(request: Request) -> str | None:
    """The page the browser came from on this site (its ``Referer``), to go back and correct."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path.startswith("/"):
        return None
    back = referer.path + (f"?{referer.query}" if referer.query else "")
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return None if back == here or back.startswith("//") else back


def _problem(error_type: str) -> str:
    if error_type in PROBLEMS:
        return PROBLEMS[error_type]
    return "format" if error_type.endswith(("_parsing", "_type")) else "invalid"


def _fields(request: Request, errors: list[dict]) -> list[tuple[str, str]]:
    """Each bad input as (label, problem) in the page's language: a field's label where the
    catalogue has one, else where the input was (the address, its query, the form)."""
    t = translator(request)
    found: list[tuple[str, str]] = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        where, name = (loc + ["", ""])[:2]
        if where != "path" and t.has(f"error_page.fields.{name}"):
            label = t(f"error_page.fields.{name}")
        else:
            place = where if where in ("path", "query", "body") else "other"
            label = t(f"error_page.places.{place}")
        entry = (label, t(f"error_page.problems.{_problem(str(error.get('type', '')))}"))
        if entry not in found:
            found.append(entry)
    return found


def _page(request: Request, status: int, *, headers: dict[str, str] | None = None,
          fields: list[tuple[str, str]] | None = None,
          reference: str | None = None, message: str | None = None) -> HTMLResponse:
    """The error page: what went wrong (by status), the fields to correct, and ways on — back
    to the page it came from, the log-in, home. The language links never carry the request's
    query or a refused path (they may hold what was typed)."""
    back = _back_url(request)
    here = request.url.path if request.method == "GET" and status != 422 else (back or "/")
    here = here.split("?", 1)[0]
    login = "/login"
    if status == 401 and request.method == "GET":
        login += f"?next={quote(request.url.path, safe='')}"
    response = render(request, "error.html", {
        "status": status, "kind": str(status) if status in PAGE_STATUSES else "other",
        "fields": fields or [], "reference": reference, "message": message,
        "back_url": back, "login_url": login,
        "switch_urls": {code: f"{here}?lang={code}" for code in LANGUAGES},
    }, status_code=status)
    response.headers.update(headers or {})
    return response


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """An unknown address (404), a wrong method (405), a view's refusal: the API's JSON as
    FastAPI sends it, a page for browsers (the view's own ``detail`` may be English)."""
    if _is_api(request):
        return await http_exception_handler(request, exc)
    return _page(request, exc.status_code, headers=exc.headers)


async def validation_error(request: Request, exc: RequestValidationError) -> Response:
    if _is_api(request):
        return JSONResponse(status_code=422, content={"detail": [_safe(e) for e in exc.errors()]})
    return _page(request, 422, fields=_fields(request, list(exc.errors())))


async def not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
    if _is_api(request):
        return JSONResponse(status_code=401, headers={"WWW-Authenticate": "Bearer"},
                            content={"detail": "Not authenticated", "code": "not_authenticated"})
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def api_answer(error: IljaError) -> JSONResponse:
    """The API's body for a refusal. A route returns it instead of raising only where the
    refusal itself must be kept (a wrong check-in code counts towards the failure limit)."""
    return JSONResponse(status_code=error.status_code, content={"detail": error.detail()},
                        headers=getattr(error, "headers", None))


async def refused(request: Request, exc: IljaError) -> Response:
    """Every domain's refusal, API and pages alike."""
    if _is_api(request):
        return api_answer(exc)
    if isinstance(exc, PermissionDenied):
        return await forbidden(request, exc)

    english = translator(request).lang == "en"  # the attributes: a few kinds shadow message()
    return _page(request, exc.status_code, headers=getattr(exc, "headers", None),
                 message=exc.message_en if english else exc.message_ko)


async def forbidden(request: Request, exc: PermissionDenied | CsrfFailed) -> Response:
    if _is_api(request):
        if isinstance(exc, PermissionDenied):
            return api_answer(exc)
        return JSONResponse(status_code=403, content={"detail": str(exc) or "csrf_failed",
                                                      "code": "csrf_failed"})

    code = "csrf_failed" if isinstance(exc, CsrfFailed) else "forbidden"
    return render(request, "forbidden.html", {"code": code}, status_code=403)


RETRY_AFTER_SECONDS = 2


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

    retry = request.url.path if request.method == "GET" else "/"
    response = render(request, "unavailable.html", {"retry_url": retry}, status_code=503)
    response.headers.update(headers)
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    """An unexpected exception: a short reference in the log line (with the traceback) and in
    the answer, nothing else of the failure. The API's body stays Starlette's plain text.

    Starlette answers from outside every middleware here, so the security headers are set
    on the page itself."""
    reference = secrets.token_hex(4)
    log.error("unexpected %s on %s %s (error reference %s)", type(exc).__name__, request.method,
              request.url.path, reference, exc_info=exc)
    headers = {**STATIC_HEADERS, "Content-Security-Policy": CSP, "Cache-Control": "no-store",
               "X-Error-Reference": reference}
    if _is_api(request):
        return PlainTextResponse("Internal Server Error", status_code=500, headers=headers)
    return _page(request, 500, headers=headers, reference=reference)


async def out_of_range(request, exc: Exception):
    """A number too large for the database's integers (an id of 10**30 in a path, a query or a
    body), or a NUL character in text bound for PostgreSQL, is the caller's mistake, not a server
    error: 422 without echoing the value. Found by the schema fuzzer (``ilja.ops.fuzz_api``) on
    many routes at once, so handled here once."""
    reason = str(getattr(exc, "orig", ""))
    nul = "cannot contain NUL" in reason  # PostgreSQL text never holds U+0000; SQLite would
    if not isinstance(exc, OverflowError) and "out of range" not in reason and not nul:
        raise exc
    if _is_api(request):
        return JSONResponse(status_code=422, content={
            "detail": "text may not contain NUL characters" if nul else "a number is out of range",
            "code": "nul_character" if nul else "out_of_range"})

    return render(request, "not_found.html", {"what": None}, status_code=404)


def install(app: FastAPI) -> None:
    """The handlers, and the OpenAPI document that describes what they send."""
    openapi.install(app)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(NotAuthenticated, not_authenticated)
    app.add_exception_handler(IljaError, refused)
    app.add_exception_handler(CsrfFailed, forbidden)
    app.add_exception_handler(OverflowError, out_of_range)
    app.add_exception_handler(sa_exc.DataError, out_of_range)
    for unavailable in (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError):
        app.add_exception_handler(unavailable, database_unavailable)
    app.add_exception_handler(Exception, server_error)
