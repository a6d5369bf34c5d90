"""Request bodies: read whole, within a size limit per route and a deadline, before the request
takes an admission slot.

A client that sends its body a byte at a time would otherwise hold one of the few slots (and a
database connection) for as long as it likes: eight such clients stopped the whole server. So
the body is read first, off the slots, into a buffer (memory up to 1 MiB, a temporary file
beyond), and replayed to the app. A body larger than its route's limit is answered 413 at once —
from Content-Length before reading anything, else as soon as the count passes it — and one that
arrives slower than the deadline allows (``body_timeout`` seconds plus the time its bytes need at
``body_min_rate``) is answered 408; both close the connection, so the rest is never read.

Limits: a person (the eligibility API, the self-check form) is a few KB, so 64 KB; the file
uploads (imports, receipts) take up to ``upload_max_bytes``; everything else ``body_max_bytes``.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from dataclasses import dataclass

from starlette.responses import HTMLResponse, JSONResponse
from starlette.types import Receive, Scope, Send

from ilja.config import get_settings

SPOOL_BYTES = 1024 * 1024
REPLAY_CHUNK = 64 * 1024
SMALL_PATHS = frozenset({"/api/v1/eligibility", "/self-check"})
UPLOAD_PATH = re.compile(r"/import$|^/api/v1/support/(attempts/\d+/claim|me/claims)$|^/support/me/certifications$")
MESSAGES = {
    413: ("The request body is larger than this address accepts; nothing was saved.",
          "요청 본문이 이 주소가 받는 크기를 넘습니다. 저장된 것은 없습니다."),
    408: ("The request body arrived too slowly; nothing was saved. Try again.",
          "요청 본문이 너무 느리게 도착했습니다. 저장된 것은 없으니 다시 시도해 주십시오."),
}


@dataclass(frozen=True)
class BodyLimits:
    default: int = 1024 * 1024
    upload: int = 256 * 1024**2
    small: int = 64 * 1024
    timeout: float = 10.0
    min_rate: float = 16 * 1024

    @classmethod
    def from_settings(cls) -> BodyLimits:
        s = get_settings()
        return cls(s.body_max_bytes, s.upload_max_bytes, s.eligibility_max_bytes, s.body_timeout,
                   s.body_min_rate)

    def for_path(self, path: str) -> int:
        if path in SMALL_PATHS:
            return self.small
        return self.upload if UPLOAD_PATH.search(path) else self.default


async def read_body(scope: Scope, receive: Receive, send: Send, limits: BodyLimits) -> Receive | None:
    """A ``receive`` that replays the whole body, or None once the request has been answered
    (413, 408) or the client has gone."""
    length, chunked = None, False
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            length = int(value) if value.isdigit() else -1
        elif name == b"transfer-encoding":
            chunked = True
    if not chunked and not length:  # no body (a malformed length never gets past the server)
        return receive
    limit = limits.for_path(scope["path"])
    if length is not None and length > limit:
        await refuse(413, scope, receive, send)
        return None
    loop = asyncio.get_running_loop()
    started, received = loop.time(), 0
    buffer = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by the replay's owner
    try:
        while True:
            deadline = started + limits.timeout + received / limits.min_rate
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                await refuse(408, scope, receive, send)
                buffer.close()
                return None
            if message["type"] == "http.disconnect":
                buffer.close()
                return None
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                await refuse(413, scope, receive, send)
                buffer.close()
                return None
            buffer.write(chunk)
            if not message.get("more_body", False):
                break
    except BaseException:
        buffer.close()
        raise
    buffer.seek(0)
    return Replay(buffer, received, receive)


class Replay:
    """The buffered body in chunks, then the server's own ``receive`` (for the disconnect)."""

    def __init__(self, buffer, size: int, receive: Receive) -> None:
        self.buffer, self.left, self.receive = buffer, size, receive
        self.done = False

    async def __call__(self) -> dict:
        if self.done:
            return await self.receive()
        chunk = self.buffer.read(REPLAY_CHUNK)
        self.left -= len(chunk)
        self.done = self.left <= 0
        return {"type": "http.request", "body": chunk, "more_body": not self.done}

    def close(self) -> None:
        self.buffer.close()


async def refuse(status: int, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer and close the connection: whatever of the body is still coming is never read."""
    english, korean = MESSAGES[status]
    headers = {"Connection": "close"}
    if scope["path"].startswith("/api/"):
        code = "too_large" if status == 413 else "too_slow"
        response = JSONResponse({"detail": {"code": code, "msg": english, "msg_ko": korean}},
                                status_code=status, headers=headers)
    else:
        response = HTMLResponse(f'<!doctype html><html lang="ko"><meta charset="utf-8"><title>{status}</title>'
                                f'<p>{korean}</p><p lang="en">{english}</p></html>', status_code=status,
                                headers=headers)
    await response(scope, receive, send)
