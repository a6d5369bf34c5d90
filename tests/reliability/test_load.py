"""The load harness in small: a real server process on PostgreSQL, concurrent clients retrying
with their idempotency keys, the server SIGKILLed and restarted mid-load; afterwards every
acknowledged submission is stored exactly once, nothing else is, and the audit log agrees.
(`make reliability` runs it at full size.)"""

from __future__ import annotations

import asyncio
import time

import pytest

from ilja.ops import load
from ilja.ops.site import environment


@pytest.fixture
def postgres_url(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the load harness runs the server on PostgreSQL")
    return database_url


def test_a_server_killed_mid_load_loses_and_duplicates_nothing(postgres_url, tmp_path):
    with environment(postgres_url, tmp_path):
        round_id, ids, token = load.prepare(postgres_url, 300)
        server = load.Server(postgres_url, tmp_path, workers=1)
        server.start()

        def kill_and_restart() -> str:
            server.kill()
            time.sleep(0.5)
            server.start()
            return "killed"

        try:
            result = asyncio.run(load.run_load(server, round_id, ids, token, clients=30, rate=100,
                                               max_seconds=20, fault_at=1.0, fault=kill_and_restart))
        finally:
            server.stop()
        check = load.verify(postgres_url, round_id, result)
    assert result.faults == ["killed"]
    assert len(result.acknowledged) == len(ids)  # every client got its answer in the end
    assert check["ok"], check
    assert check["stored"] == len(ids) and check["audit_submits"] == len(ids)
