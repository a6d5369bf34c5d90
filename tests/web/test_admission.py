"""Admission control: no more requests in flight than the limit; the rest wait their turn, up to
the queue's bound; past it they are turned away at once with 503 and Retry-After."""

from __future__ import annotations

import asyncio
import json

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


async def _answer(app, path: str) -> list[dict]:
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    await app({"type": "http", "path": path, "method": "GET", "headers": []}, receive, send)
    return sent


async def _call(app, path: str) -> int:
    return (await _answer(app, path))[0]["status"]


def test_requests_beyond_the_limit_wait_and_all_are_answered():
    seen: list[int] = []
    app = Admission(_app_recording_concurrency(seen), limit=3, queue=100)

    async def burst():
        return await asyncio.gather(*(_call(app, f"/api/v1/x/{n}") for n in range(20)))

    assert asyncio.run(burst()) == [200] * 20
    assert max(seen) == 3


def test_static_files_skip_the_queue():
    seen: list[int] = []
    app = Admission(_app_recording_concurrency(seen), limit=1, queue=100)

    async def burst():
        return await asyncio.gather(*(_call(app, f"/static/{n}.css") for n in range(5)))

    assert asyncio.run(burst()) == [200] * 5
    assert max(seen) == 5


def test_each_event_loop_has_its_own_gate():
    """The test client runs each request on a loop of its own; a gate must not cross loops."""
    seen: list[int] = []
    app = Admission(_app_recording_concurrency(seen), limit=1, queue=100)
    for _ in range(3):
        assert asyncio.run(_call(app, "/api/v1/x")) == 200


def test_past_the_queue_requests_are_turned_away_at_once_and_told_when_to_retry():
    seen: list[int] = []
    app = Admission(_app_recording_concurrency(seen), limit=2, queue=3)

    async def burst():
        return await asyncio.gather(*(_answer(app, f"/api/v1/x/{n}") for n in range(8)))

    answers = asyncio.run(burst())
    statuses = [sent[0]["status"] for sent in answers]
    assert statuses.count(200) == 5 and statuses.count(503) == 3  # 2 in flight, 3 waiting
    assert max(seen) == 2
    busy = next(sent for sent in answers if sent[0]["status"] == 503)
    assert (b"retry-after", b"1") in busy[0]["headers"]
    body = json.loads(busy[1]["body"])
    assert body["detail"]["code"] == "busy" and body["detail"]["msg_ko"]


def test_a_page_turned_away_says_so_in_korean():
    app = Admission(_app_recording_concurrency([]), limit=1, queue=0)

    async def burst():
        return await asyncio.gather(*(_answer(app, "/rounds") for _ in range(2)))

    first, second = asyncio.run(burst())
    assert first[0]["status"] == 200 and second[0]["status"] == 503
    assert "잠시 후 다시 시도해 주십시오" in second[1]["body"].decode("utf-8")


def test_a_freed_slot_is_taken_again_after_a_burst():
    app = Admission(_app_recording_concurrency([]), limit=1, queue=0)

    async def one_after_another():
        return [await _call(app, "/api/v1/x") for _ in range(5)]

    assert asyncio.run(one_after_another()) == [200] * 5
