"""Admission control: at most as many requests in flight per process as it has connections,
and a bounded queue before them.

A request holds its database connection from its first statement until its commit, and hops
between the event loop and worker threads in between. With more requests in flight than
connections (or threads), requests that hold a connection wait for a thread while threads wait
for a connection — the process stalls until the pool's timeout. Queuing requests at the door
(before any work starts) keeps every admitted request able to finish; the time a request waits
in the queue still counts in its latency.

The queue is bounded: in a surge beyond what the server can do, an unbounded queue only grows,
every answer comes later, and clients give up on requests the server still works through. So
past ``queue`` waiting requests, a new one is answered at once with 503 and ``Retry-After`` (a
submission retried with its ``Idempotency-Key`` still makes one application). Static files skip
the queue.

A request takes its slot only once its body is in (``limits.read_body``): a client that sends its
body slowly waits outside, holding no slot, until the body's deadline answers it with 408.
"""

from __future__ import annotations

import asyncio
import weakref

from starlette.responses import HTMLResponse, JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ilja.web.limits import BodyLimits, Replay, read_body

RETRY_AFTER_SECONDS = 1
BUSY = {"code": "busy", "msg": "Too many requests at this moment; nothing was saved. Try again.",
        "msg_ko": "지금 요청이 많아 처리하지 못했습니다. 저장된 것은 없으니 잠시 뒤 다시 시도해 주십시오."}
BUSY_PAGE = ('<!doctype html><html lang="ko"><meta charset="utf-8"><title>잠시 후 다시 시도해 '
             f'주십시오</title><p>{BUSY["msg_ko"]}</p><p lang="en">{BUSY["msg"]}</p></html>')


class _Gate:
    """One event loop's slots, and how many requests wait for one."""

    def __init__(self, limit: int) -> None:
        self.slots = asyncio.Semaphore(limit)
        self.waiting = 0


class Admission:
    """Pure ASGI middleware; ``limit`` requests at a time per event loop, ``queue`` waiting."""

    def __init__(self, app: ASGIApp, limit: int, queue: int, body_limits: BodyLimits | None = None) -> None:
        self.app = app
        self.limit = limit
        self.queue = queue
        self.body_limits = body_limits or BodyLimits.from_settings()
        self._gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Gate] = (
            weakref.WeakKeyDictionary())

    def _gate(self) -> _Gate:
        loop = asyncio.get_running_loop()
        gate = self._gates.get(loop)
        if gate is None:
            gate = self._gates[loop] = _Gate(self.limit)
        return gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        replay = await read_body(scope, receive, send, self.body_limits)
        if replay is None:
            return
        try:
            await self._admit(scope, replay, send)
        finally:
            if isinstance(replay, Replay):
                replay.close()

    async def _admit(self, scope: Scope, receive: Receive, send: Send) -> None:
        gate = self._gate()
        if gate.slots.locked() and gate.waiting >= self.queue:
            await _busy(scope, receive, send)
            return
        gate.waiting += 1
        try:
            await gate.slots.acquire()
        finally:
            gate.waiting -= 1
        try:
            await self.app(scope, receive, send)
        finally:
            gate.slots.release()


async def _busy(scope: Scope, receive: Receive, send: Send) -> None:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if scope["path"].startswith("/api/"):
        response = JSONResponse({"detail": BUSY}, status_code=503, headers=headers)
    else:
        response = HTMLResponse(BUSY_PAGE, status_code=503, headers=headers)
    await response(scope, receive, send)
