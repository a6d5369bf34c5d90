"""Slow clients: connections that send a request body a byte at a time (slowloris on the body),
held open while the health check is asked every tenth of a second. Eight of them once stopped
the whole server, each holding an admission slot until it closed; now the body is read before
a slot is taken (``ilja.web.limits``), and behind nginx the server never sees them at all.

Plain asyncio sockets, so the clients hold exactly one connection each and send exactly what
they are told to.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

HEALTH = "/api/v1/health"


@dataclass
class SlowResult:
    clients: int
    held: int = 0          # slow connections still open, unanswered, when the phase ended
    answered: dict[int, int] = field(default_factory=dict)  # what the server said to the others
    probes: list[float] = field(default_factory=list)       # health-check latencies, seconds
    failed_probes: int = 0                                  # no 200 within the probe's timeout

    def percentile(self, q: float) -> float:
        data = sorted(self.probes)
        return data[min(len(data) - 1, int(q * len(data)))] * 1000 if data else float("nan")

    @property
    def ok(self) -> bool:
        """Every slow client held, and every health check answered within a second."""
        return self.held == self.clients and not self.failed_probes and self.percentile(0.99) < 1000

    def summary(self) -> str:
        return (f"{self.held} of {self.clients} slow clients held, health check {len(self.probes)} "
                f"answers, p50 {self.percentile(0.5):.0f} ms, p99 {self.percentile(0.99):.0f} ms, "
                f"max {max(self.probes, default=float('nan')) * 1000:.0f} ms, failed {self.failed_probes}"
                + (f", slow clients answered {self.answered}" if self.answered else ""))


def _status(reply: bytes) -> int:
    parts = reply.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


async def slow_client(port: int, path: str, length: int, interval: float, stop: asyncio.Event) -> int | None:
    """Send the headers, then one byte of the body every ``interval`` seconds until ``stop``;
    the status if the server answered first (408, 413), else None (still held)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                     f"application/x-www-form-urlencoded\r\nContent-Length: {length}\r\n\r\n".encode())
        await writer.drain()
        answer = asyncio.ensure_future(reader.read(200))
        try:
            for _ in range(length):
                stopped = asyncio.ensure_future(stop.wait())
                done, _pending = await asyncio.wait({answer, stopped}, timeout=interval,
                                                    return_when=asyncio.FIRST_COMPLETED)
                stopped.cancel()
                if answer in done:
                    return _status(answer.result()) or -1  # -1: closed without an answer
                if stop.is_set():
                    return None
                writer.write(b"a")
                await writer.drain()
            return None
        finally:
            answer.cancel()
    except ConnectionError:
        return -1
    finally:
        writer.close()
        await asyncio.gather(writer.wait_closed(), return_exceptions=True)


async def probe(port: int, path: str = HEALTH, timeout: float = 1.0) -> float | None:
    """One GET on a fresh connection: its latency in seconds, or None (not 200 within timeout)."""
    started = time.monotonic()
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            await writer.drain()
            reply = await reader.read()
    except (TimeoutError, OSError):
        return None
    finally:
        if writer is not None:
            writer.close()
            await asyncio.gather(writer.wait_closed(), return_exceptions=True)
    return time.monotonic() - started if _status(reply) == 200 else None


async def slow_phase(port: int, *, clients: int = 50, seconds: float = 8.0, interval: float = 1.0,
                     path: str = "/login", every: float = 0.1) -> SlowResult:
    """``clients`` slow bodies for ``seconds`` (keep it under the body deadline to hold them all)
    while the health check is asked every ``every`` seconds; then the clients stop and close."""
    result = SlowResult(clients)
    stop = asyncio.Event()
    slow = [asyncio.ensure_future(slow_client(port, path, 10_000, interval, stop)) for _ in range(clients)]
    await asyncio.sleep(min(1.0, seconds / 4))  # every client connected and sending
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            latency = await probe(port)
            if latency is None:
                result.failed_probes += 1
            else:
                result.probes.append(latency)
            await asyncio.sleep(every)
    finally:
        stop.set()
        outcomes = await asyncio.gather(*slow, return_exceptions=True)
    for outcome in outcomes:
        if outcome is None:
            result.held += 1
        else:
            key = outcome if isinstance(outcome, int) else -1
            result.answered[key] = result.answered.get(key, 0) + 1
    return result
