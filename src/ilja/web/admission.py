"""Admission control: at most as many requests in flight per process as it has connections.

A request holds its database connection from its first dependency until its commit, and hops
between the event loop and worker threads in between. With more requests in flight than
connections (or threads), requests that hold a connection wait for a thread while threads wait
for a connection — the process stalls until the pool's timeout. Queuing requests at the door
(a semaphore, before any work starts) keeps every admitted request able to finish; the time a
request waits in the queue still counts in its latency. Static files skip the queue.
"""

from __future__ import annotations

import asyncio
import weakref

from starlette.types import ASGIApp, Receive, Scope, Send


class Admission:
    """Pure ASGI middleware; ``limit`` requests at a time per event loop."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary())

    def _gate(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        gate = self._gates.get(loop)
        if gate is None:
            gate = self._gates[loop] = asyncio.Semaphore(self.limit)
        return gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        async with self._gate():
            await self.app(scope, receive, send)
