"""Backups restore into an empty database with every record, the audit chain intact, encrypted
fields still encrypted and the key file nowhere in the backup."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from ilja.accounts import audit
from ilja.db import dispose_engines, engine_for, transaction
from ilja.ops.backup import BackupError, backup, restore, table_counts
from ilja.people import registry
from ilja.people.models import Person
from ilja.people.rrn import generate_key_file
from tests.people.conftest import MANAGER, record, valid_rrn

RRN = valid_rrn("880808", "2", "34567")


def _fill(url: str, keyring) -> int:
    with transaction(engine_for(url)) as session:
        ids = [registry.register_person(session, record(name=f"김민{i}", rrn=valid_rrn("880808", "2", f"{34560 + i}"),
                                                        birth_date="1988-08-08", phone=f"010-2222-{3000 + i}"),
                                        actor=MANAGER, program="companion_jobs", keyring=keyring).person.id
               for i in range(5)]
        registry.register_person(session, record(name="이서연", rrn=RRN, birth_date="1988-08-08",
                                                 phone="010-9999-0000"),
                                 actor=MANAGER, program="companion_jobs", keyring=keyring)
        for person_id in ids:
            registry.read_person(session, person_id, actor=MANAGER, personal=True)
        audit.record(session, MANAGER, "test.marker", object_type="test", object_id="1")
    return len(ids) + 1


def _empty_target(database_url: str, tmp_path: Path, request) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.db'}"
    from tests.conftest import create_postgres_database, drop_postgres_database

    admin = request.getfixturevalue("postgres_server")
    url, name = create_postgres_database(admin)
    request.addfinalizer(lambda: (dispose_engines(), drop_postgres_database(admin, name)))
    return url


@pytest.mark.parametrize("portable", [False, True])
def test_restore_finds_every_record_and_the_chain_verifies(database_url, tmp_path, request, portable):
    if portable and database_url.startswith("sqlite"):
        pytest.skip("the portable dump is the PostgreSQL fallback")
    key_file = tmp_path / "keys" / "data-keys.json"
    keyring = generate_key_file(key_file)
    people = _fill(database_url, keyring)
    before = table_counts(database_url)
    folder = tmp_path / f"backup-{uuid.uuid4().hex[:6]}"
    report = backup(database_url, folder, portable=portable)
    assert report.tables["persons"] == people and report.tables["audit_log"] > people
    # The key file is not in the backup, nor are its key bytes; the RRN is stored encrypted.
    key_bytes = key_file.read_bytes()
    for path in folder.rglob("*"):
        if path.is_file():
            assert "key" not in path.name.lower()
            content = path.read_bytes()
            assert RRN.encode() not in content and RRN.replace("-", "").encode() not in content
            assert key_bytes[:64] not in content
    target = _empty_target(database_url, tmp_path, request)
    restored = restore(folder, target)
    assert restored.tables == before
    with transaction(engine_for(target)) as session:
        assert audit.verify(session).ok
        names = sorted(session.execute(select(Person.name)).scalars())
        assert "이서연" in names and len(names) == people
        person = session.execute(select(Person).where(Person.name == "이서연")).scalar_one()
        assert registry.reveal_rrn(session, person, actor=MANAGER, reason="복원 확인", keyring=keyring) == RRN
    with pytest.raises(BackupError, match="not empty"):
        restore(folder, target)  # never over a database in use


def test_the_commands_back_up_restore_and_verify(tmp_path, monkeypatch):
    from ilja.cli import app
    from ilja.config import get_settings
    from ilja.db import upgrade

    source = f"sqlite:///{tmp_path / 'source.db'}"
    upgrade(source)
    _fill(source, generate_key_file(tmp_path / "keys.json"))
    runner = CliRunner()
    monkeypatch.setenv("ILJA_DATABASE_URL", source)
    get_settings.cache_clear()
    made = runner.invoke(app, ["backup", "--output", str(tmp_path / "b")])
    assert made.exit_code == 0, made.output
    assert "NOT in it" in made.output
    monkeypatch.setenv("ILJA_DATABASE_URL", f"sqlite:///{tmp_path / 'target.db'}")
    get_settings.cache_clear()
    dispose_engines()
    done = runner.invoke(app, ["restore", "--input", str(tmp_path / "b")])
    assert done.exit_code == 0, done.output
    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0 and "intact" in verified.output, verified.output
    (tmp_path / "b" / "ilja.sqlite3").write_bytes(b"damaged")
    monkeypatch.setenv("ILJA_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    get_settings.cache_clear()
    assert runner.invoke(app, ["restore", "--input", str(tmp_path / "b")]).exit_code == 1
    get_settings.cache_clear()
    dispose_engines()
