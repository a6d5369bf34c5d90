"""The load and fault harness: real uvicorn worker processes on PostgreSQL, on loopback, and
200 asyncio clients (plain HTTP/1.1 over keep-alive connections) submitting applications through
the API with an Idempotency-Key, retrying timeouts and refused connections with the same key.
Bounded by a request count and a time limit. A fault (SIGKILL of the server, a PostgreSQL
restart) can be injected half-way.

Afterwards: every acknowledged submission is stored exactly once, nothing unacknowledged is
stored (a client that gave up retries once more, as a real client would, and is then counted),
one ``application.submit`` audit entry per stored application, and the audit chain verifies."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from sqlalchemy import select, text

from ilja import clock
from ilja.accounts import audit, service
from ilja.accounts.models import AuditRecord
from ilja.accounts.roles import Role
from ilja.applications import rounds
from ilja.applications.models import Application, UnitKind
from ilja.applications.rounds import RoundInput, UnitInput
from ilja.db import engine_for, transaction
from ilja.people import registry
from ilja.people.keys import get_keyring

ACTOR = audit.Actor("1", "program_manager", "127.0.0.1")


@dataclass
class LoadResult:
    submitted: int = 0
    acknowledged: set[int] = field(default_factory=set)
    latencies: list[float] = field(default_factory=list)
    retries: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    faults: list[str] = field(default_factory=list)
    attempted: set[int] = field(default_factory=set)
    in_time: int = 0  # acknowledged within the phase (the retries after it don't count)
    client_cpu: float = 0.0  # CPU seconds the load generator used during the phase

    def percentile(self, q: float) -> float:
        data = sorted(self.latencies)
        return data[min(len(data) - 1, int(q * len(data)))] * 1000 if data else float("nan")

    @property
    def throughput(self) -> float:
        return self.in_time / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(url: str, persons: int) -> tuple[int, list[int], str]:
    """An open round, ``persons`` registered people (nine in ten eligible) and a staff token for
    on-behalf entry."""
    keyring = get_keyring()
    now = clock.now()
    with transaction(engine_for(url)) as session:
        row = rounds.create_round(session, RoundInput(
            program_code="companion_jobs", title="부하 시험 모집", announced_on=(now - dt.timedelta(days=2)).date(),
            opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=3),
            starts_on=(now + dt.timedelta(days=30)).date(),
            units=[UnitInput("care", "돌봄", UnitKind.PROJECT, persons)]), actor=ACTOR)
        rounds.open_round(session, row.id, actor=ACTOR)
        round_id = row.id
        user = service.create_user(session, login=f"load-{round_id}", password="Tr0ub4dor&3x-load",
                                   role=Role.PROGRAM_MANAGER, display_name="부하")
        token = service.issue_token(session, user, "load")[1]
    ids: list[int] = []
    batch = 500
    for start in range(0, persons, batch):
        with transaction(engine_for(url)) as session:
            for n in range(start, min(persons, start + batch)):
                ids.append(registry.register_person(session, {
                    "name": f"부하{n}", "phone": f"010-{n // 10000 % 10000:04d}-{n % 10000:04d}",
                    "birth_date": "1970-03-15", "sido": "서울특별시", "sigungu": "마포구",
                    "employment_status": "unemployed", "able_to_work": True, "household_head": True,
                    "household_size": 2, "nationality": "KR", "household_income_krw": 1_000_000,
                    "household_assets_krw": 50_000_000, "receives_livelihood_benefit": False,
                    # nine in ten eligible; the tenth is refused, with its notice (as on a
                    # round's first day: most who apply qualify, some learn why they don't)
                    "vulnerable_groups": [] if n % 10 == 9 else ["long_term_unemployed"]},
                    actor=ACTOR, program="companion_jobs", keyring=keyring).person.id)
    with engine_for(url).connect() as connection:  # after a bulk load, as PostgreSQL advises:
        connection.execute(text("ANALYZE"))           # autovacuum would do it mid-measurement
        connection.commit()
    with transaction(engine_for(url)) as session:  # the set-up's audit entries chained now, not by
        audit.seal(session)                        # the server's sealer in the measured phase
    return round_id, ids, token


class Server:
    """``uvicorn --workers N`` as a child process group on loopback, its output appended to
    ``data_dir/server.log``. Quiet (warnings, no access log) unless ``production_logs``: then
    it logs as ``ilja serve`` does, every request included."""

    def __init__(self, url: str, data_dir: Path, workers: int = 2, *, production_logs: bool = False) -> None:
        self.port = free_port()
        self.env = {**os.environ, "ILJA_DATABASE_URL": url, "ILJA_DATA_DIR": str(data_dir),
                    "ILJA_ENVIRONMENT": "test", "ILJA_AUDIT_SEALING": "background"}
        self.workers = workers
        self.data_dir = data_dir
        self.logging = ["--log-level", "info"] if production_logs else ["--log-level", "warning", "--no-access-log"]
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.data_dir / "server.log", "ab")  # noqa: SIM115 - the child keeps its own copy
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "ilja.web.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(self.workers), *self.logging,
             "--timeout-graceful-shutdown", "2"],
            env=self.env, start_new_session=True, stdout=log, stderr=log)  # access lines go to stdout
        log.close()

        deadline = time.monotonic() + 180  # a minute or more when the machine is busy
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(self.base + "/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"the server did not start (see {self.data_dir / 'server.log'})")

    def kill(self) -> None:
        """SIGKILL the whole group (master and workers): no graceful anything."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


NGINX = "/usr/sbin/nginx"
NGINX_CONF = Path(__file__).resolve().parents[3] / "deploy" / "nginx" / "ilja.conf"


class Nginx:
    """Debian's nginx with ``deploy/nginx/ilja.conf`` in front of ``upstream_port``: a child
    process in the foreground (``daemon off``) on a free port, everything it writes (pid, logs,
    buffered bodies) in a temporary prefix, no system service; removed again by ``stop``."""

    def __init__(self, upstream_port: int) -> None:
        self.port = free_port()
        self.upstream_port = upstream_port
        self.prefix: Path | None = None
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.prefix = Path(tempfile.mkdtemp(prefix="ilja-nginx-"))
        self.prefix.chmod(0o755)  # nginx's workers (nobody, when started as root) use the temp paths
        site = NGINX_CONF.read_text()
        site = re.sub(r"(?m)^(\s*)listen 80;", rf"\1listen 127.0.0.1:{self.port};", site)
        site = re.sub(r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{self.upstream_port};", site)
        (self.prefix / "ilja.conf").write_text(site)
        temp = "\n".join(f"  {kind}_temp_path {self.prefix / kind};"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (self.prefix / "nginx.conf").write_text(
            f"worker_processes 1;\nerror_log {self.prefix / 'error.log'} warn;\n"
            "events { worker_connections 4096; }\n"
            f"http {{\n  access_log off;\n{temp}\n  include {self.prefix / 'ilja.conf'};\n}}\n")
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.prefix), "-e", str(self.prefix / "error.log"), "-c",
             str(self.prefix / "nginx.conf"), "-g", f"daemon off; pid {self.prefix / 'nginx.pid'};"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                self.stop()
                raise RuntimeError(f"nginx did not start: {error}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not start listening")

    def stop(self) -> None:
        """SIGTERM (fast shutdown: the master stops its workers), wait, remove the prefix."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            if self.process.stderr:
                self.process.stderr.close()
            self.process = None
        if self.prefix is not None:
            shutil.rmtree(self.prefix, ignore_errors=True)
            self.prefix = None


class Refused(Exception):
    """The connection failed, closed mid-answer, or the answer did not come in time."""


class Connection:
    """One client's keep-alive HTTP/1.1 connection to the server, a request at a time.

    Plain asyncio streams and a few lines of parsing, where aiohttp cost about a millisecond of
    CPU a request: on this 2-core machine the load generator shares the cores with the server
    and PostgreSQL, so its own cost is taken out of the throughput it measures.
    """

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, request: bytes) -> tuple[int, bytes, bytes]:
        """The status, the head (lower-cased) and the body of the answer to ``request``."""
        try:
            async with asyncio.timeout(self.timeout):
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
                self.writer.write(request)
                head = (await self.reader.readuntil(b"\r\n\r\n")).lower()
                length = re.search(rb"\r\ncontent-length: *(\d+)", head)
                if length is not None:
                    body = await self.reader.readexactly(int(length.group(1)))
                elif b"\r\ntransfer-encoding: chunked" in head:
                    body = await self._chunks()
                else:
                    body = await self.reader.read()
                    self.close()
        except (OSError, EOFError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                TimeoutError) as error:
            self.close()
            raise Refused(type(error).__name__) from error
        if b"\r\nconnection: close" in head:
            self.close()
        return int(head[9:12]), head, body

    async def _chunks(self) -> bytes:
        assert self.reader is not None
        parts = []
        while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
            parts.append(await self.reader.readexactly(size + 2))
        await self.reader.readuntil(b"\r\n")
        return b"".join(part[:-2] for part in parts)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def submission_request(host: str, path: str, token: str, key: str, person_id: int) -> bytes:
    body = json.dumps({"person_id": person_id, "preferences": ["care"]}).encode()
    return (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            f"Idempotency-Key: {key}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def run_load(server: Server | Nginx, round_id: int, person_ids: list[int], token: str, *, clients: int = 200,
                   rate: float | None = 500.0, max_seconds: float = 60, timeout: float = 5.0,
                   fault_at: float | None = None, fault=None,
                   phase_ended: Callable[[], object] | None = None) -> LoadResult:
    """Submit one application per person through ``clients`` concurrent connections.

    With a ``rate``, submissions are due at a steady pace (an open loop, like citizens arriving
    on the day a round opens) and each latency counts from the moment the submission was due,
    so time spent waiting for a free client counts too (no "coordinated omission"). Without a
    rate every client submits again as soon as it has its answer (a closed loop: the ceiling).
    Each client is one keep-alive connection (``Connection``); the harness's own CPU is in
    ``result.client_cpu``. ``phase_ended`` is called when the phase ends, before the late
    retries (to read what the phase cost the server).
    """
    result = LoadResult()
    jobs = iter(enumerate(person_ids))
    cpu_started = time.process_time()
    started = time.monotonic()
    deadline = started + max_seconds
    host = f"127.0.0.1:{server.port}"
    path = f"/api/v1/rounds/{round_id}/applications/on-behalf"

    async def post(connection: Connection, person_id: int) -> tuple[int, float]:
        """The status, and how long the server asked to wait before a retry (if it did)."""
        status, head, _ = await connection.send(
            submission_request(host, path, token, f"load-{round_id}-{person_id}", person_id))
        retry_after = re.search(rb"\r\nretry-after: *(\d+)", head)
        return status, float(retry_after.group(1)) if retry_after else 0.2

    def count(error: str) -> None:
        result.errors[error] = result.errors.get(error, 0) + 1

    async def client(connection: Connection) -> None:
        for index, person_id in jobs:
            due = started + index / rate if rate else time.monotonic()
            if due >= deadline:
                return
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            result.attempted.add(person_id)
            while time.monotonic() < deadline:
                try:
                    status, retry_after = await post(connection, person_id)
                except Refused as error:
                    result.retries += 1
                    count(str(error))
                    await asyncio.sleep(0.2)
                    continue
                result.submitted += 1
                if status in (200, 201):
                    result.latencies.append(time.monotonic() - due)
                    result.acknowledged.add(person_id)
                    break
                count(str(status))
                if status < 500:
                    break
                result.retries += 1
                await asyncio.sleep(retry_after)

    async def inject() -> None:
        if fault_at is None or fault is None:
            return
        await asyncio.sleep(fault_at)
        result.faults.append(await asyncio.to_thread(fault))

    connections = [Connection("127.0.0.1", server.port, timeout) for _ in range(clients)]
    try:
        await asyncio.gather(inject(), *(client(connection) for connection in connections))
        result.seconds = time.monotonic() - started
        result.client_cpu = time.process_time() - cpu_started
        result.in_time = len(result.acknowledged)
        if phase_ended is not None:
            phase_ended()
        # Clients cut off by the time limit retry once more with their key, as a real one would.
        for person_id in sorted(result.attempted - result.acknowledged):
            for _ in range(20):
                try:
                    status, retry_after = await post(connections[0], person_id)
                except Refused:
                    await asyncio.sleep(0.5)
                    continue
                if status >= 500:  # busy or unavailable: nothing was done, ask again
                    await asyncio.sleep(retry_after)
                    continue
                if status in (200, 201):
                    result.acknowledged.add(person_id)
                break
    finally:
        for connection in connections:
            connection.close()
    return result


def cpu_snapshot(url: str, **groups: subprocess.Popen | None) -> dict[tuple[str, int], float]:
    """CPU seconds used so far by each process of the named process groups (uvicorn's master
    and workers, nginx's) and each of this database's PostgreSQL backends ("database"), by part
    and process id: ``cpu_used`` of two snapshots is what happened between them."""
    pids: dict[str, list[int]] = {}
    for part, process in groups.items():
        if process is not None and process.poll() is None:
            with contextlib.suppress(psutil.Error):
                root = psutil.Process(process.pid)
                pids[part] = [root.pid, *(child.pid for child in root.children(recursive=True))]
    with engine_for(url).connect() as connection:
        pids["database"] = list(connection.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )).scalars())
    used = {}
    for part, members in pids.items():
        for pid in members:
            with contextlib.suppress(psutil.Error):
                times = psutil.Process(pid).cpu_times()
                used[part, pid] = times.user + times.system
    return used


def cpu_used(before: dict[tuple[str, int], float], after: dict[tuple[str, int], float]) -> dict[str, float]:
    """CPU seconds by part between two ``cpu_snapshot``s (a process that ended in between is
    not counted)."""
    parts: dict[str, float] = {}
    for (part, pid), seconds in after.items():
        parts[part] = parts.get(part, 0.0) + seconds - before.get((part, pid), 0.0)
    return parts


def verify(url: str, round_id: int, result: LoadResult) -> dict[str, object]:
    """Stored exactly once per acknowledged submission, nothing else, audit consistent."""
    with transaction(engine_for(url)) as session:
        audit.seal(session)  # what the server's sealer had not chained yet when the load ended
        rows = session.execute(select(Application.id, Application.person_id)
                               .where(Application.round_id == round_id)).all()
        stored = [person_id for _, person_id in rows]
        audited = set(session.execute(select(AuditRecord.object_id)
                                      .where(AuditRecord.action == "application.submit")).scalars())
        submits = sum(str(application_id) in audited for application_id, _ in rows)
        chain = audit.verify(session)
    duplicates = len(stored) - len(set(stored))
    unacknowledged = set(stored) - result.acknowledged
    lost = result.acknowledged - set(stored)
    return {"stored": len(stored), "duplicates": duplicates, "lost": len(lost),
            "unacknowledged": len(unacknowledged), "audit_submits": submits, "chain_ok": chain.ok,
            "ok": not duplicates and not lost and not unacknowledged and submits == len(stored) and chain.ok}
