"""The download of everything Ilja holds on a person (개인정보 보호법 §35): every table about a
person is read by a domain's collector (or named with the reason it is not), the JSON carries the
person's rows of every domain and no secret, and the PDF reads in Korean."""

from __future__ import annotations

import io
import json

import pypdf
import pytest
from sqlalchemy import Table

from ilja import models
from ilja.db import engine_for, transaction
from ilja.decisions import service as decisions
from ilja.people import consents
from ilja.people.consent_models import ConsentVia
from ilja.privacy import corrections, export, pdf
from ilja.rights import service as rights
from tests.applications.factories import CITIZEN, MANAGER, apply, open_round, register
from tests.people.conftest import valid_rrn


def _person_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns
            if "person" in c.name or any(fk.column.table.name == "persons" for fk in c.foreign_keys)]


def tables_about_people() -> set[str]:
    """Tables with a person column, and the tables hanging off them by foreign key (an
    application's history, an enrolment's attendance), not through the ones left out."""
    found = {t.name for t in models.metadata.sorted_tables if _person_columns(t)} | {"persons"}
    grown = True
    while grown:
        grown = False
        for table in models.metadata.sorted_tables:
            if table.name in found:
                continue
            parents = {fk.column.table.name for c in table.columns for fk in c.foreign_keys}
            if parents & (found - set(export.LEFT_OUT)):
                found.add(table.name)
                grown = True
    return found


def test_every_table_about_a_person_is_in_the_download_or_left_out_with_a_reason():
    missing = sorted(tables_about_people() - export.collected_tables() - set(export.LEFT_OUT))
    assert not missing, f"tables about people that no privacy collector reads: {missing}"
    assert all(len(reason) > 20 for reason in export.LEFT_OUT.values())
    unknown = sorted(export.collected_tables() - set(models.metadata.tables))
    assert not unknown, f"collectors name tables that do not exist: {unknown}"


def test_a_new_table_with_a_person_column_fails_the_check():
    from sqlalchemy import Column, ForeignKey, Integer, MetaData

    probe = Table("widgets_of_people", MetaData(), Column("id", Integer, primary_key=True),
                  Column("owner_person_id", Integer))
    assert _person_columns(probe) == ["owner_person_id"]
    other = Table("persons", MetaData(), Column("id", Integer, primary_key=True))
    linked = Table("gadgets", other.metadata, Column("id", Integer, primary_key=True),
                   Column("holder", Integer, ForeignKey("persons.id")))
    assert _person_columns(linked) == ["holder"]


@pytest.fixture
def data_keys(keyring, tmp_path, monkeypatch):
    """The registry's keys where ``get_keyring`` finds them (the collectors decrypt the person's own words)."""
    from ilja.config import get_settings
    from ilja.people.keys import reset_keyring

    monkeypatch.setenv("ILJA_DATA_KEY_FILE", str(tmp_path / "keys" / "data-keys.json"))
    get_settings.cache_clear()
    reset_keyring()
    yield keyring
    reset_keyring()
    get_settings.cache_clear()


def test_the_download_holds_every_domain_and_only_the_persons_rows(database_url, data_keys, tmp_path):
    keyring = data_keys
    round_id = open_round(database_url)
    mine = register(database_url, keyring, vulnerable_groups=["disabled"], rrn=valid_rrn("700315", "1", "12345"))
    other = register(database_url, keyring)
    application_id, _ = apply(database_url, round_id, mine)
    apply(database_url, round_id, other)
    with transaction(engine_for(database_url)) as session:
        consents.record(session, person_id=mine, application_id=application_id,
                       given={"collection_use": "2025-01-01"}, via=ConsentVia.WEB, actor=CITIZEN)
        corrections.file(session, person_id=mine, item="phone", wrong="예전 번호", asked="010-2222-3333",
                         actor=CITIZEN)
        decision = decisions.record_decision(session, MANAGER, person_id=mine, kind="not_selected",
                                             subject_ref=f"application:{application_id}",
                                             reasons=("점수 미달", "Score"))
        rights.file_appeal(session, CITIZEN, decision_id=decision.id, text="가점이 빠졌습니다.", attachment=None,
                           keyring=keyring, store=tmp_path)
    with transaction(engine_for(database_url)) as session:
        download = export.collect(session, mine)
    text = json.dumps(download, ensure_ascii=False)
    domains = download["domains"]
    assert set(domains) == {c.domain for c in export.COLLECTORS}
    assert [p["id"] for p in domains["people"]["persons"]] == [mine]
    assert "rrn_token" not in text and "rrn_index" not in text and "password_hash" not in text
    assert domains["people"]["persons"][0]["rrn_masked"].endswith("******")
    assert [a["id"] for a in domains["applications"]["applications"]] == [application_id]
    assert {e["application_id"] for e in domains["applications"]["application_events"]} == {application_id}
    assert [c["purpose"] for c in domains["privacy"]["privacy_consents"]] == ["collection_use"]
    assert domains["privacy"]["privacy_corrections"][0]["asked"] == "010-2222-3333"
    actions = {e["action"] for e in domains["accounts"]["audit_log"] + domains["accounts"]["audit_intake"]}
    assert {"application.submit", "consent.give", "correction.file"} <= actions
    assert all("actor_id" not in e and "source_address" not in e for e in domains["accounts"]["audit_intake"])
    assert str(other) not in {str(p["id"]) for p in domains["people"]["persons"]}
    assert [a["text"] for a in domains["rights"]["rights_appeals"]] == ["가점이 빠졌습니다."]
    assert "text_token" not in text

    document = pdf.render(download, name="김철수")
    reader = pypdf.PdfReader(io.BytesIO(document))
    pages = "".join(page.extract_text() for page in reader.pages).replace("\x00", "")
    squeezed = "".join(pages.split())
    for words in ("내개인정보열람", "김철수님에관해", "신청서", "개인정보동의", "정정요구", "010-2222-3333"):
        assert words in squeezed, words


def test_an_import_that_named_the_person_among_others_is_in_their_download(database_url, data_keys):
    """A registry import seals one audit entry per batch, naming its persons in ``person_ids``
    with no single subject: the download and the audit search by person still find it, for
    each person it names and for no one else."""
    from ilja.accounts import audit
    from ilja.people import registry
    from ilja.people.records import validate_record
    from tests.applications.factories import person_record

    records = [validate_record(person_record(rrn=valid_rrn("700315", "1", f"2000{i}")),
                               program="companion_jobs") for i in range(3)]
    with transaction(engine_for(database_url)) as session:
        done = registry.register_people(session, records, actor=MANAGER, program="companion_jobs",
                                        keyring=data_keys, file="sha256:abc")
    named = [r.person.id for r in done]
    outsider = register(database_url, data_keys)
    with transaction(engine_for(database_url)) as session:
        for person_id in named:
            entries = export.collect(session, person_id)["domains"]["accounts"]["audit_log"]
            batch = [e for e in entries if e["action"] == "person.create"]
            assert batch and person_id in batch[0]["details"]["person_ids"]
            found, _ = audit.search(session, audit.AuditQuery(subject_person_id=str(person_id)))
            assert any(e.action == "person.create" for e in found)
        entries = export.collect(session, outsider)["domains"]["accounts"]["audit_log"]
        assert not [e for e in entries if set(named) & set((e.get("details") or {}).get("person_ids", []))]
