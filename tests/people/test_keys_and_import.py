"""Key rotation keeps every record, and imports are all or nothing — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
import os

import pytest
from sqlalchemy import func, select, text

from ilja.accounts.models import AuditRecord
from ilja.db import engine_for, transaction
from ilja.ops.keys import rotate_keys
from ilja.people import registry
from ilja.people.importer import ImportInvalid, import_people
from ilja.people.models import Person
from ilja.people.rrn import KeyRing, RotationError, token_key_id
from tests.people.conftest import MANAGER, TODAY, record, valid_rrn

NUMBERS = [valid_rrn(f"8{k}0{k + 1}0{k + 1}", "1" if k % 2 else "2", f"1{k}34{k}") for k in range(8)]


def seed(url, keyring):
    ids = []
    with transaction(engine_for(url)) as session:
        for k, number in enumerate(NUMBERS):
            result = registry.register_person(
                session, record(rrn=number, birth_date=None, phone=f"010-2000-{k:04d}"),
                actor=MANAGER, program="companion_jobs", keyring=keyring, on=TODAY)
            ids.append(result.person.id)
        registry.register_person(session, record(name="번호없음"), actor=MANAGER,
                                 program="youth_academy", keyring=keyring, on=TODAY)
    return ids


def test_rotation_keeps_every_record_decryptable_and_findable(database_url, keyring, key_file):
    ids = seed(database_url, keyring)
    old = (keyring.encryption.active, keyring.blind_index.active)
    report = rotate_keys(engine_for(database_url), actor=MANAGER, key_file=key_file)
    assert (report.checked, report.changed) == (len(NUMBERS), len(NUMBERS))
    rotated = KeyRing.from_file(key_file)
    assert rotated.encryption.active != old[0] and rotated.blind_index.active != old[1]
    assert old[0] in rotated.encryption.keys and old[1] in rotated.blind_index.keys
    with transaction(engine_for(database_url)) as session:
        assert session.execute(select(func.count()).select_from(Person)).scalar_one() == 9
        for person_id, number in zip(ids, NUMBERS, strict=True):
            person = registry.get_person(session, person_id)
            assert token_key_id(person.rrn_token) == rotated.encryption.active
            assert person.rrn_index.split(":")[1] == rotated.blind_index.active
            assert registry.reveal_rrn(session, person, actor=MANAGER, reason="회전 검증",
                                       keyring=rotated) == number
            assert registry.find_by_rrn(session, number, keyring=rotated).id == person_id
            only_new = KeyRing(rotated.encryption, type(rotated.blind_index)(
                rotated.blind_index.active,
                {rotated.blind_index.active: rotated.blind_index.active_key}))
            assert registry.find_by_rrn(session, number, keyring=only_new).id == person_id
    again = rotate_keys(engine_for(database_url), actor=MANAGER, key_file=key_file,
                        new_keys=False)
    assert (again.checked, again.changed) == (len(NUMBERS), 0)


def test_a_failed_rotation_leaves_records_and_key_file_as_they_were(database_url, keyring,
                                                                     key_file):
    ids = seed(database_url, keyring)
    engine = engine_for(database_url)
    with engine.begin() as connection:  # one token moved to another row: it no longer decrypts
        token = connection.execute(text("SELECT rrn_token FROM persons WHERE id = :id"),
                                   {"id": ids[0]}).scalar_one()
        connection.execute(text("UPDATE persons SET rrn_token = :t WHERE id = :id"),
                           {"t": token, "id": ids[-1]})
        before = connection.execute(text("SELECT id, rrn_token, rrn_index FROM persons "
                                         "ORDER BY id")).all()
    file_before = key_file.read_bytes()
    with pytest.raises(RotationError) as error:
        rotate_keys(engine, actor=MANAGER, key_file=key_file)
    assert error.value.context["record_id"] == ids[-1]
    assert key_file.read_bytes() == file_before
    assert oct(os.stat(key_file).st_mode & 0o777) == "0o600"
    with engine.connect() as connection:
        after = connection.execute(text("SELECT id, rrn_token, rrn_index FROM persons "
                                        "ORDER BY id")).all()
    assert after == before
    with transaction(engine) as session:
        assert session.execute(select(AuditRecord).where(
            AuditRecord.action == "keys.rotate")).first() is None


def _write_csv(path, rows):
    columns = sorted({k for row in rows for k in row})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _count(url):
    with transaction(engine_for(url)) as session:
        return session.execute(select(func.count()).select_from(Person)).scalar_one()


def test_import_with_a_bad_row_writes_nothing(database_url, keyring, tmp_path):
    rows = [record(rrn=NUMBERS[0], birth_date=None), record(name="김철수", phone="010-3333-4444"),
            record(name="이영희", rrn="901301-1234567", household_size="many", phone="12")]
    path = _write_csv(tmp_path / "people.csv", rows)
    with transaction(engine_for(database_url)) as session, pytest.raises(ImportInvalid) as error:
        import_people(session, path, program="companion_jobs", actor=MANAGER, keyring=keyring,
                      on=TODAY)
    problems = {(e.row, e.field, e.code) for e in error.value.errors}
    assert problems == {(3, "household_size", "int_parsing"), (3, "rrn", "rrn_birth_date"),
                        (3, "phone", "value_error")}
    assert "901301" not in str(error.value) and all("901301" not in e.message
                                                    for e in error.value.errors)
    assert _count(database_url) == 0


def test_import_reports_created_updated_and_flagged(database_url, keyring, tmp_path):
    first = [record(rrn=NUMBERS[0], birth_date=None),
             record(name="김철수", phone="010-3333-4444", birth_date="1981-02-02")]
    path = tmp_path / "first.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in first) + "\n",
                    encoding="utf-8")
    with transaction(engine_for(database_url)) as session:
        report = import_people(session, path, program="companion_jobs", actor=MANAGER,
                               keyring=keyring, on=TODAY)
    assert (report.rows, report.created, report.updated, report.flagged) == (2, 2, 0, 0)
    rest = {k: v for k, v in record().items() if k not in ("name", "phone", "birth_date")}
    korean = [{"이름": "홍길동", "주민등록번호": NUMBERS[0], "연락처": "010-1234-5678", **rest},
              {"이름": "김철수", "주민등록번호": NUMBERS[1], "연락처": "01033334444", **rest}]
    path = _write_csv(tmp_path / "second.csv", korean)
    with transaction(engine_for(database_url)) as session:
        report = import_people(session, path, program="attractive_jobs", actor=MANAGER,
                               keyring=keyring, on=TODAY)
    assert (report.created, report.updated, report.flagged) == (1, 1, 1)
    assert _count(database_url) == 3
    with transaction(engine_for(database_url)) as session:
        [entry] = session.execute(select(AuditRecord).where(
            AuditRecord.action == "person.import").order_by(AuditRecord.sequence.desc())
            .limit(1)).scalars().all()
    assert entry.details["created"] == 1 and "second" not in (entry.object_id or "")
    with transaction(engine_for(database_url)) as session, pytest.raises(ImportInvalid) as error:
        import_people(session, path, program="youth_academy", actor=MANAGER, keyring=keyring,
                      on=TODAY)  # no legal basis: the RRNs are dropped, so no birth date
    assert {(e.row, e.field, e.code) for e in error.value.errors} == {
        (1, "birth_date", "missing"), (2, "birth_date", "missing")}


def test_import_of_the_same_file_twice_creates_no_one_twice(database_url, keyring, tmp_path):
    rows = [record(rrn=n, birth_date=None, phone=f"010-7000-{k:04d}") for k, n in enumerate(NUMBERS)]
    path = _write_csv(tmp_path / "twice.csv", rows)
    for expected in ((8, 0), (0, 8)):
        with transaction(engine_for(database_url)) as session:
            report = import_people(session, path, program="attractive_jobs", actor=MANAGER,
                                   keyring=keyring, on=TODAY)
        assert (report.created, report.updated) == expected
    assert _count(database_url) == 8


def test_an_import_says_who_imported_what_about_whom(database_url, keyring, tmp_path):
    """One audit entry per batch and kind of change, not one per person: it names the actor,
    the file (its digest, never its name), the fields and every person it touched."""
    rows = [record(rrn=n, birth_date=None, phone=f"010-7100-{k:04d}") for k, n in enumerate(NUMBERS)]
    path = _write_csv(tmp_path / "whom.csv", rows)
    for _ in range(2):  # created, then updated by the same file
        with transaction(engine_for(database_url)) as session:
            import_people(session, path, program="attractive_jobs", actor=MANAGER,
                          keyring=keyring, on=TODAY)
    with transaction(engine_for(database_url)) as session:
        ids = sorted(session.execute(select(Person.id)).scalars())
        entries = session.execute(select(AuditRecord).where(AuditRecord.action.in_(
            ["person.create", "person.update", "person.import"])).order_by(AuditRecord.sequence)
        ).scalars().all()
    [created, first, updated, second] = entries
    assert [e.action for e in entries] == ["person.create", "person.import", "person.update",
                                           "person.import"]
    assert all((e.actor_id, e.actor_role) == (MANAGER.id, MANAGER.role) for e in entries)
    assert sorted(created.details["person_ids"]) == ids == sorted(updated.details["person_ids"])
    assert created.details["file"] == first.object_id == updated.details["file"]
    assert "name" in created.details["fields"] and created.details["rrn"] == "stored"
    assert created.subject_person_id is None and "whom" not in json.dumps(created.details)


def test_import_reads_xlsx_with_excel_cells(database_url, keyring, tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    columns = ["이름", "주민등록번호", "연락처", "birth_date", "sido", "sigungu",
               "employment_status", "able_to_work", "household_head", "household_size",
               "nationality", "vulnerable_groups"]
    sheet.append(columns)
    sheet.append(["홍길동", NUMBERS[2], "010-1234-5678", dt.datetime(1982, 3, 3), "서울특별시",
                  "마포구", "unemployed", "예", "아니오", 3.0, "KR", "disabled;near_poor"])
    sheet.append([None] * len(columns))  # a blank row is skipped
    path = tmp_path / "people.xlsx"
    workbook.save(path)
    with transaction(engine_for(database_url)) as session:
        report = import_people(session, path, program="companion_jobs", actor=MANAGER,
                               keyring=keyring, on=TODAY)
        assert (report.rows, report.created) == (1, 1)
        person = registry.find_by_rrn(session, NUMBERS[2], keyring=keyring)
        assert (person.household_size, person.able_to_work, person.household_head) == (3, True,
                                                                                       False)
        assert person.vulnerable_groups == ["near_poor", "disabled"]
        assert str(person.birth_date) == "1982-03-03"
