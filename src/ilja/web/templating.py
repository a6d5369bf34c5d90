"""Jinja2 set-up and the one way pages render: language from ``?lang=`` or the cookie, the
translator bound as ``t``, and the language cookie set when ``?lang=`` chose it."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import StrictUndefined, pass_context

from ilja import __version__, i18n
from ilja.accounts import csrf
from ilja.accounts.deps import CSRF_COOKIE
from ilja.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator, normalise_language
from ilja.web import format as fmt
from ilja.web.navigation import links_for

TEMPLATES_DIR = Path(__file__).parent / "templates"
LANG_COOKIE = "ilja_lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True
templates.env.undefined = StrictUndefined
templates.env.filters["number"] = fmt.number


def _with_translator(function):
    """A filter that needs words (``{{ value | month }}``) takes the page's ``t`` from the context."""
    @pass_context
    def bound(context, value, *args):
        return function(context["t"], value, *args)
    return bound


# How every page prints numbers (ilja.i18n, ilja.web.format): {{ row.year | year }}, {{ n | count }},
# {{ share | percent }}, {{ "202511" | month }}, {{ pay | won }}, {{ "P5M20D" | duration }}.
templates.env.filters.update({
    "year": i18n.year, "count": i18n.count, "percent": i18n.percent,
    "month": _with_translator(fmt.month), "won": _with_translator(fmt.won),
    "duration": _with_translator(fmt.duration), "role": _with_translator(fmt.role),
})

templates.env.globals["version"] = __version__
templates.env.globals["languages"] = LANGUAGES


def request_language(request: Request) -> tuple[str, bool]:
    """The page's language and whether ``?lang=`` asked for it (so the cookie is set)."""
    asked = normalise_language(request.query_params.get("lang"))
    if asked:
        return asked, True
    return normalise_language(request.cookies.get(LANG_COOKIE)) or DEFAULT_LANGUAGE, False


def translator(request: Request) -> Translator:
    return Translator(request_language(request)[0])


def switch_url(request: Request, lang: str) -> str:
    """This page's address in ``lang`` (other query parameters kept)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    query.append(("lang", lang))
    return f"{request.url.path}?{urlencode(query)}"


def form_token(request: Request) -> tuple[str, bool]:
    """The CSRF token forms on this page carry: the session's when logged in, else the
    double-submit cookie's (made now if the browser has none; the flag says to set it)."""
    principal = getattr(request.state, "principal", None)
    if principal is not None and principal.csrf_token:
        return principal.csrf_token, False
    existing = request.cookies.get(CSRF_COOKIE)
    if existing and 20 <= len(existing) <= 100:
        return existing, False
    return secrets.token_urlsafe(32), True


def private_page(request: Request, template: str, context: dict[str, Any],
                 status_code: int = 200) -> HTMLResponse:
    """A page that may show personal data or codes: never kept in a shared browser's cache."""
    response = render(request, template, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    lang, asked = request_language(request)
    t = Translator(lang)
    csrf_token, new_csrf_cookie = form_token(request)
    principal = getattr(request.state, "principal", None)
    response = templates.TemplateResponse(
        request, template,
        {"t": t, "lang": lang, "fmt": fmt, "csrf_token": csrf.mask(csrf_token),
         "user": principal.user if principal is not None else None,
         "principal": principal, "nav_links": links_for(principal),
         "switch_urls": {code: switch_url(request, code) for code in LANGUAGES}, **context},
        status_code=status_code,
    )
    if new_csrf_cookie:
        response.set_cookie(CSRF_COOKIE, csrf_token, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
    if asked:
        response.set_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_MAX_AGE, httponly=True, samesite="lax")
    response.headers["Content-Language"] = lang
    return response
