"""Admission control: no more requests in flight than the limit; the rest wait their turn."""

from __future__ import annotations

import asyncio

from ilja.web.admission import Admission


def _app_recording_concurrency(seen: list[int]):
    inside = 0

    async def app(scope, receive, send):
        nonlocal inside
        inside += 1
        seen.append(inside)
        await asyncio.sleep(0.01)
        inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


async def _call(app, path: str) -> int:
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    await app({"type": "http", "path": path, "method": "GET", "headers": []}, receive, send)
    return sent[0]["status"]


def test_requests_beyond_the_limit_wait_and_all_are_answered():
    seen: list[int] = []
    app = Admission(_app_recording_concurrency(seen), limit=3)

    async def burst():
        return await asyncio.gather(*(_call(app, f"/api/v1/x/{n}") for n in range(20)))

    assert asyncio.run(burst()) == [200] * 20
    assert max(seen) == 3


def test_static_files_skip_the_queue():
    seen: list[int] = []
    app = Admission(_app_recording_concurrency(seen), limit=1)

    async def burst():
        return await asyncio.gather(*(_call(app, f"/static/{n}.css") for n in range(5)))

    assert asyncio.run(burst()) == [200] * 5
    assert max(seen) == 5


def test_each_event_loop_has_its_own_gate():
    """The test client runs each request on a loop of its own; a gate must not cross loops."""
    seen: list[int] = []
    app = Admission(_app_recording_concurrency(seen), limit=1)
    for _ in range(3):
        assert asyncio.run(_call(app, "/api/v1/x")) == 200
