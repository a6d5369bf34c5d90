"""Security headers and cookie flags on every response (OWASP Secure Headers Project; KISA
주요정보통신기반시설 기술적 취약점 분석·평가 방법 상세가이드, 웹 서비스 항목).

A pure ASGI middleware (no ``BaseHTTPMiddleware``: it buffers nothing and costs microseconds):

* one Content-Security-Policy for every path, with no inline scripts or styles and no other host
  (the templates load every script from ``/static``; htmx is configured in ``base.html`` not to
  inject its indicator style; ``/docs`` is the vendored Swagger UI started by a static script),
  and ``frame-ancestors 'none'`` with ``X-Frame-Options: DENY`` against click-jacking;
* ``X-Content-Type-Options: nosniff``, ``Referrer-Policy``, ``Permissions-Policy``,
  ``Cross-Origin-Opener-Policy``; ``Cache-Control: no-store`` where a route set none (pages hold
  personal data); static files set their own (a year for fingerprinted addresses, see
  ``static_assets``), else ``no-cache`` (revalidated);
* ``Strict-Transport-Security`` only when the request came over TLS: directly, or through a
  trusted reverse proxy (``ILJA_TRUSTED_PROXIES``, comma-separated addresses) that says
  ``X-Forwarded-Proto: https``. A client cannot claim TLS by sending the header itself;
* every ``Set-Cookie`` gets ``HttpOnly`` and ``SameSite=Lax`` if it lacks them, and ``Secure`` when
  the request came over TLS (routes only see ``http`` behind a proxy).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"
STATIC_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
}


_STATIC_RAW = [(name.encode("latin-1"), value.encode("latin-1"))
               for name, value in STATIC_HEADERS.items()]
_CSP_RAW = (b"content-security-policy", CSP.encode("latin-1"))


def _secured(headers: list[tuple[bytes, bytes]], wanted: list[tuple[bytes, bytes]],
             tls: bool) -> list[tuple[bytes, bytes]]:
    """The response's raw headers plus each wanted one the route did not set itself, with
    every cookie hardened (raw, since this runs for every response)."""
    present = {name.lower() for name, _ in headers}
    if b"set-cookie" in present:
        headers = [(name, harden_cookie(value.decode("latin-1"), tls).encode("latin-1"))
                   if name.lower() == b"set-cookie" else (name, value) for name, value in headers]
    headers.extend(header for header in wanted if header[0] not in present)
    return headers


def trusted_proxies_from_env() -> frozenset[str]:
    raw = os.environ.get("ILJA_TRUSTED_PROXIES", "")
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


def came_over_tls(scope: Scope, trusted_proxies: Iterable[str]) -> bool:
    """TLS directly, or a trusted proxy's ``X-Forwarded-Proto: https`` (first hop's value)."""
    if scope.get("scheme") in ("https", "wss"):
        return True
    client = scope.get("client")
    if not client or client[0] not in trusted_proxies:
        return False
    for name, value in scope.get("headers", ()):
        if name == b"x-forwarded-proto":
            return value.decode("latin-1").split(",")[0].strip().lower() == "https"
    return False


def harden_cookie(value: str, tls: bool) -> str:
    """Add the flags a cookie lacks; never removes one a route set."""
    attributes = {part.strip().split("=", 1)[0].lower() for part in value.split(";")[1:]}
    if "httponly" not in attributes:
        value += "; HttpOnly"
    if "samesite" not in attributes:
        value += "; SameSite=Lax"
    if tls and "secure" not in attributes:
        value += "; Secure"
    return value


class SecurityHeaders:
    def __init__(self, app: ASGIApp, trusted_proxies: Iterable[str] | None = None) -> None:
        self.app = app
        self.trusted_proxies = frozenset(trusted_proxies if trusted_proxies is not None
                                         else trusted_proxies_from_env())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = came_over_tls(scope, self.trusted_proxies)
        static = scope.get("path", "").startswith("/static/")
        wanted = [*_STATIC_RAW, _CSP_RAW]
        wanted.append((b"cache-control", b"no-cache" if static else b"no-store"))
        if tls:
            wanted.append((b"strict-transport-security", HSTS.encode("latin-1")))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _secured(list(message.get("headers", ())), wanted, tls)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: ASGIApp) -> None:
    """``app.add_middleware`` for the FastAPI app (outermost, so error pages get headers too)."""
    app.add_middleware(SecurityHeaders)  # type: ignore[attr-defined]
