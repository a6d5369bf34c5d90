"""The audit log proves itself (issue 17 §3): each way an attacker with the database's superuser
could tamper with it, and what catches it.

The attacker turns the triggers off (``session_replication_role = replica`` on PostgreSQL,
dropping them on SQLite: ``ilja.ops.tamper``, whose scenarios ``make reliability`` runs); the
published heads are in a file outside the database.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from ilja.accounts import audit
from ilja.accounts.audit_chain import seal_head
from ilja.accounts.models import AuditRecord
from ilja.db import engine_for, transaction
from ilja.ops.tamper import (
    rechain,
    run_scenarios,
    stored_entries,
    triggers_off,
    verify,
    write_entries,
)


@pytest.fixture
def keys(tmp_path, monkeypatch) -> Iterator[None]:
    """Development keys in this test's own data directory (the seal key is made on first use)."""
    from ilja.config import get_settings
    from ilja.people.keys import reset_keyring

    for variable in ("ILJA_DATA_KEY_FILE", "ILJA_DATA_KEYS", "ILJA_INDEX_KEYS",
                     "ILJA_AUDIT_SEAL_KEYS", "ILJA_AUDIT_HEADS_FILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ILJA_ENVIRONMENT", "test")
    get_settings.cache_clear()
    reset_keyring()
    yield
    get_settings.cache_clear()
    reset_keyring()


@pytest.fixture
def heads(tmp_path):
    return tmp_path / "published" / "audit-heads.jsonl"


def test_an_untampered_log_verifies_against_its_published_heads(database_url, keys, heads):
    write_entries(database_url, 5)
    first = audit.publish_head(engine_for(database_url), heads_file=heads)
    write_entries(database_url, 3, first=5)
    second = audit.publish_head(engine_for(database_url), heads_file=heads)
    assert (first.sequence, second.sequence) == (5, 9)  # publishing is itself audited (entry 6)
    report = verify(database_url, heads)
    assert report.ok and report.checked == 10, report.message
    lines = [json.loads(line) for line in heads.read_text().splitlines()]
    assert [line["sequence"] for line in lines] == [5, 9]
    assert stat.S_IMODE(heads.stat().st_mode) == 0o644  # meant to be published
    with transaction(engine_for(database_url)) as session:
        stored = audit.published_heads(session)  # the database keeps them too
        assert [h.sequence for h in stored] == [5, 9]
        month = second.time.astimezone(audit.month_bounds("2025-01")[0].tzinfo).strftime("%Y-%m")
        assert audit.monthly_report(session, month, heads_file=heads).published_head == second


@pytest.mark.parametrize(("column", "value"), [
    ("actor_id", "someone-else"), ("actor_role", "auditor"), ("reason", "다른 사유"),
    ("subject_person_id", "999"), ("details", {"fields": ["name"], "masked": 1}),
    ("source_address", "192.0.2.1"), ("action", "person.search"), ("object_id", "77"),
    ("object_type", "user"), ("previous_hash", "f" * 64),
])
def test_an_edited_shown_column_is_tampering_at_its_sequence(database_url, column, value):
    write_entries(database_url, 4)
    assert verify(database_url).ok
    with triggers_off(database_url) as connection:
        table = AuditRecord.__table__
        connection.execute(table.update().where(table.c.sequence == 3).values({column: value}))
    report = verify(database_url)
    assert (report.ok, report.first_bad_sequence, report.problem) == (False, 3, "shown_mismatch")
    assert column in report.message


def test_every_scenario_of_the_reliability_run_is_caught(database_url, keys, tmp_path):
    outcomes = run_scenarios(database_url, tmp_path / "heads")
    assert outcomes and all(o.caught for o in outcomes), [o for o in outcomes if not o.caught]


def test_an_edited_time_is_tampering(database_url):
    write_entries(database_url, 3)
    with triggers_off(database_url) as connection:
        connection.execute(text("UPDATE audit_log SET timestamp = :t WHERE sequence = 2"),
                           {"t": audit.month_bounds("2024-01")[0]})
    report = verify(database_url)
    assert (report.first_bad_sequence, report.problem) == (2, "shown_mismatch")


def test_an_unreadable_hashed_record_is_tampering(database_url):
    write_entries(database_url, 3)
    with triggers_off(database_url) as connection:
        connection.execute(text("UPDATE audit_log SET canonical = 'x' WHERE sequence = 2"))
    report = verify(database_url)
    assert (report.ok, report.first_bad_sequence, report.problem) == (False, 2, "hash_mismatch")


def test_truncate_is_refused_on_every_audit_table(database_url, keys, heads):
    write_entries(database_url, 2)
    audit.publish_head(engine_for(database_url), heads_file=heads)
    engine = engine_for(database_url)
    if engine.dialect.name == "postgresql":
        for table in ("audit_log", "audit_head", "audit_intake", "audit_published_heads"):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {table}"))
    for statement in ("DELETE FROM audit_head", "DELETE FROM audit_published_heads",
                      "UPDATE audit_published_heads SET sequence = 1"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert verify(database_url, heads).ok


def test_an_emptied_log_is_caught_by_the_published_heads(database_url, keys, heads):
    write_entries(database_url, 5)
    audit.publish_head(engine_for(database_url), heads_file=heads)
    with triggers_off(database_url) as connection:
        for table in ("audit_log", "audit_head", "audit_published_heads"):
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {table}"))
            else:
                connection.execute(text(f"DELETE FROM {table}"))
    assert verify(database_url).ok  # why heads are published outside the database
    report = verify(database_url, heads)
    assert (report.ok, report.first_bad_sequence, report.problem) == (False, 1, "truncated")


def test_a_deleted_entry_with_a_recomputed_chain_is_caught_by_the_published_heads(
        database_url, keys, heads):
    write_entries(database_url, 6)
    published = audit.publish_head(engine_for(database_url), heads_file=heads)
    with triggers_off(database_url) as connection:
        entries = stored_entries(connection)
        rechain(connection, entries[:2] + entries[3:])  # entry 3 gone, the rest renumbered
        connection.execute(text("DELETE FROM audit_published_heads"))
    assert verify(database_url).ok  # the chain alone is consistent again
    report = verify(database_url, heads)
    assert (report.ok, report.first_bad_sequence, report.problem) == (
        False, published.sequence, "seal_mismatch")
    assert report.message.startswith("Rewritten")


def test_a_shortened_recomputed_chain_is_reported_truncated(database_url, keys, heads):
    write_entries(database_url, 6)
    audit.publish_head(engine_for(database_url), heads_file=heads)
    with triggers_off(database_url) as connection:
        rechain(connection, stored_entries(connection)[:4])
    report = verify(database_url, heads)
    assert (report.ok, report.first_bad_sequence, report.problem) == (False, 5, "truncated")


def test_reordered_entries_are_caught(database_url, keys, heads):
    write_entries(database_url, 5)
    audit.publish_head(engine_for(database_url), heads_file=heads)
    with triggers_off(database_url) as connection:  # swap two rows' places
        for old, new in ((2, -2), (3, 2), (-2, 3)):
            connection.execute(text("UPDATE audit_log SET sequence = :new WHERE sequence = :old"),
                               {"old": old, "new": new})
    report = verify(database_url)
    assert (report.ok, report.first_bad_sequence, report.problem) == (False, 2, "sequence_gap")
    with triggers_off(database_url) as connection:  # put them back, then re-chain them swapped
        for old, new in ((2, -2), (3, 2), (-2, 3)):
            connection.execute(text("UPDATE audit_log SET sequence = :new WHERE sequence = :old"),
                               {"old": old, "new": new})
        entries = stored_entries(connection)
        entries[1], entries[2] = entries[2], entries[1]
        rechain(connection, entries)
    assert not verify(database_url).ok  # the head stored in the database catches it too
    with triggers_off(database_url) as connection:
        connection.execute(text("DELETE FROM audit_published_heads"))
    assert verify(database_url).ok  # without heads the re-chained log is consistent
    report = verify(database_url, heads)
    assert (report.ok, report.first_bad_sequence, report.problem) == (False, 5, "seal_mismatch")


def test_a_forged_published_head_is_refused(database_url, keys, heads, tmp_path):
    write_entries(database_url, 3)
    with transaction(engine_for(database_url)) as session:
        head = audit.verify(session).head
    forged = seal_head(head, key_id="seal-forged", key=b"k" * 32)
    heads.parent.mkdir(parents=True)
    heads.write_text(json.dumps(forged.as_dict()) + "\n")
    report = verify(database_url, heads)
    assert (report.ok, report.problem) == (False, "seal_invalid")
    heads.write_text("not json\n")
    assert verify(database_url, heads).problem == "heads_unreadable"


def test_a_broken_chain_is_not_published(database_url, keys, heads):
    write_entries(database_url, 3)
    with triggers_off(database_url) as connection:
        connection.execute(text("UPDATE audit_log SET reason = 'x' WHERE sequence = 2"))
    with pytest.raises(audit.ChainBroken):
        audit.publish_head(engine_for(database_url), heads_file=heads)
    assert not heads.exists()


def test_a_key_file_without_a_seal_key_gets_one_in_development(database_url, keys, tmp_path):
    from ilja.people.keys import dev_key_file, get_keyring, reset_keyring
    from ilja.people.rrn.keyring import KeyRing, _write_key_file

    keyring = get_keyring()
    path = dev_key_file()
    path.unlink()
    _write_key_file(path, KeyRing(keyring.encryption, keyring.blind_index), replace=False)
    reset_keyring()
    assert get_keyring().audit_seal is None
    key_id, _ = audit.seal_keys()
    assert KeyRing.from_file(path).audit_seal.active == key_id
    assert KeyRing.from_file(path).encryption == keyring.encryption  # data keys untouched


def test_the_commands_publish_and_verify(database_url, keys, heads, monkeypatch):
    from ilja.cli import app
    from ilja.config import get_settings

    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    monkeypatch.setenv("ILJA_AUDIT_HEADS_FILE", str(heads))
    get_settings.cache_clear()
    write_entries(database_url, 3)
    runner = CliRunner()
    published = runner.invoke(app, ["audit", "publish-head"])
    assert published.exit_code == 0, published.output
    assert "published head 3" in published.output
    intact = runner.invoke(app, ["audit", "verify"])
    assert intact.exit_code == 0 and "intact: 4 entries" in intact.output, intact.output
    with triggers_off(database_url) as connection:
        connection.execute(text("DELETE FROM audit_log"))
        connection.execute(text("DELETE FROM audit_head"))
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1 and "truncated" in broken.output, broken.output


def test_the_auditor_sees_published_heads_and_truncation_on_the_page_and_api(
        tmp_path, keys, heads, monkeypatch):
    from fastapi.testclient import TestClient

    from ilja.accounts import service
    from ilja.accounts.roles import Role
    from ilja.config import get_settings
    from ilja.db import dispose_engines, upgrade
    from ilja.web.app import create_app
    from tests.accounts.test_web_sessions import PASSWORD, log_in

    url = f"sqlite:///{tmp_path / 'web.db'}"
    monkeypatch.setenv("ILJA_DATABASE_URL", url)
    monkeypatch.setenv("ILJA_AUDIT_HEADS_FILE", str(heads))
    get_settings.cache_clear()
    upgrade(url)
    try:
        with transaction(engine_for(url)) as session:
            user = service.create_user(session, login="auditor", password=PASSWORD,
                                       role=Role.AUDITOR, display_name="감사")
            token = service.issue_token(session, user, "test")[1]
        head = audit.publish_head(engine_for(url), heads_file=heads)
        month = head.time.astimezone(audit.month_bounds("2025-01")[0].tzinfo).strftime("%Y-%m")
        client = TestClient(create_app())
        bearer = {"Authorization": f"Bearer {token}"}
        report = client.get("/api/v1/audit/report", params={"month": month}, headers=bearer).json()
        assert report["chain"]["ok"] and report["published_head"]["sequence"] == head.sequence
        log_in(client, "auditor")
        page = client.get("/audit/report", params={"month": month})
        assert page.status_code == 200 and head.entry_hash[:16] in page.text
        with triggers_off(url) as connection:
            connection.execute(text("DELETE FROM audit_log"))
            connection.execute(text("DELETE FROM audit_head"))
            connection.execute(text("DELETE FROM audit_published_heads"))
        chain = client.get("/api/v1/audit/verify", headers=bearer).json()
        assert (chain["ok"], chain["problem"], chain["first_bad_sequence"]) == (False, "truncated", 1)
        assert "Truncated" in client.get("/audit").text
    finally:
        dispose_engines()
        get_settings.cache_clear()


def test_the_migration_matches_the_published_heads_model(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ilja.models import metadata

    with engine_for(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata) if "audit_published_heads" in repr(d)]
    assert diffs == []
