"""Slow clients do not stop the server (issue 17 §4): a request body is read, within its route's
size limit and a deadline, before the request takes an admission slot; in production nginx
(deploy/nginx/ilja.conf) reads it before the app sees the request at all."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from ilja.ops import slow_clients
from ilja.ops.load import NGINX, Nginx
from tests.conftest import served


def _port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


async def _exchange(port: int, head: bytes, body: bytes, wait: float = 5.0) -> tuple[bytes, float]:
    """Send ``head`` and the part ``body`` of a request's body, then read the answer until the
    server closes: what it said, and after how long."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    try:
        writer.write(head + body)
        await writer.drain()
        async with asyncio.timeout(wait):
            reply = await reader.read()
        return reply, time.monotonic() - started
    finally:
        writer.close()
        await asyncio.gather(writer.wait_closed(), return_exceptions=True)


def test_ten_slow_bodies_do_not_stop_the_health_check(site):
    """More slow clients than admission slots (8): each used to hold one."""
    with served(site.app) as base:
        result = asyncio.run(slow_clients.slow_phase(_port(base), clients=10, seconds=4, interval=1.0))
    assert result.ok, result.summary()


def test_a_body_over_the_eligibility_limit_is_refused_unread(site):
    with served(site.app) as base:
        head = (b"POST /api/v1/eligibility HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 13000000\r\n\r\n")
        reply, seconds = asyncio.run(_exchange(_port(base), head, b"{"))  # 12,999,999 bytes never sent
        assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
        assert seconds < 2
        chunked = (b"POST /api/v1/eligibility HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n")
        piece = b"%x\r\n%s\r\n" % (70_000, b" " * 70_000)  # past 64 KB, no length announced, not ended
        reply, _ = asyncio.run(_exchange(_port(base), chunked, piece))
        assert reply.startswith(b"HTTP/1.1 413"), reply[:200]


def test_a_body_that_stalls_past_its_deadline_gets_408(site, monkeypatch):
    from ilja.config import get_settings

    monkeypatch.setenv("ILJA_BODY_TIMEOUT", "1")
    get_settings.cache_clear()  # read when the app builds its middleware, at its first request
    with served(site.app) as base:
        head = (b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 100\r\n\r\n")
        reply, seconds = asyncio.run(_exchange(_port(base), head, b"login=a"))
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert 0.9 < seconds < 3


def test_slow_clients_through_nginx(site):
    if not os.path.exists(NGINX):
        pytest.skip(f"{NGINX} is missing (apt-get install -y nginx; make reliability installs it)")
    with served(site.app) as base:
        proxy = Nginx(_port(base))
        proxy.start()
        try:
            result = asyncio.run(slow_clients.slow_phase(proxy.port, clients=10, seconds=4, interval=1.0))
        finally:
            proxy.stop()
    assert result.ok, result.summary()
