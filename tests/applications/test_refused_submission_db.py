"""A refused submission's decision and notice (``adverse.notify_adverse``): on PostgreSQL the
eligibility context is read once for the database, not again for every refused applicant, and the
person is read with their message preference in one statement; the decisions and notices are the
same as the first one's. The round's notice is read each time: an open round's title may be amended,
and a later decision names it as amended."""

from __future__ import annotations

from sqlalchemy import event, select
from tests.applications.factories import MANAGER, apply, open_round, register
from tests.applications.test_service import BENEFIT_COVERS_START

from ilja.applications import rounds, service
from ilja.applications.models import Application
from ilja.applications.models import ApplicationStatus as S
from ilja.db import engine_for, transaction
from ilja.decisions.models import Decision
from ilja.messages.models import OutboxMessage


def test_a_refused_submission_does_not_read_its_context_again(database_url, keyring, monkeypatch):
    round_id = open_round(database_url)
    people = [register(database_url, keyring, unemployment_benefit_periods=BENEFIT_COVERS_START)
              for _ in range(2)]
    statements: list[str] = []
    notifying = []
    notify = service.notify_openings

    def counted(session, openings):
        notifying.append(True)
        try:
            return notify(session, openings)
        finally:
            notifying.pop()

    def note(conn, cursor, statement, *rest):
        if notifying:
            statements.append(" ".join(statement.split()))

    monkeypatch.setattr(service, "notify_openings", counted)
    engine = engine_for(database_url)
    applied = []
    for person_id in people:
        event.listen(engine, "before_cursor_execute", note)
        try:
            applied.append(apply(database_url, round_id, person_id)[0])
        finally:
            event.remove(engine, "before_cursor_execute", note)
        if len(applied) == 1:
            statements.clear()
    reads = [s for s in statements if s.upper().startswith("SELECT") and "max(id)" not in s and "nextval" not in s]
    postgres = engine.dialect.name == "postgresql"
    assert any("FROM rounds" in s for s in reads)
    assert any("FROM eligibility_contexts" in s for s in reads) != postgres
    assert not any("FROM messages_preferences" in s for s in reads)  # joined to the person's read
    assert len(reads) == (2 if postgres else 3)
    with transaction(engine) as session:
        rows = [session.scalars(select(Decision).where(Decision.subject_ref == f"application:{a}")).one()
                for a in applied]
        assert [session.get(Application, a).status for a in applied] == [S.INELIGIBLE.value] * 2
        assert rows[0].reasons_ko == rows[1].reasons_ko and rows[0].reasons_en == rows[1].reasons_en
        assert rows[0].basis == rows[1].basis and rows[0].basis[0]["ref"] == f"round:{round_id}"
        assert "실업급여" in rows[1].reasons_ko
        bodies = [session.scalars(select(OutboxMessage.body).where(OutboxMessage.subject_ref == f"decision:{r.id}"))
                  .one().replace(f"/my/decisions/{r.id})", "").split("님, ", 1)[1] for r in rows]
        assert bodies[0] == bodies[1]


def test_a_decision_after_the_round_is_amended_names_the_amended_notice(database_url, keyring):
    round_id = open_round(database_url)
    people = [register(database_url, keyring, unemployment_benefit_periods=BENEFIT_COVERS_START)
              for _ in range(2)]
    first = apply(database_url, round_id, people[0])[0]
    with transaction(engine_for(database_url)) as session:
        row = rounds.get_round(session, round_id)
        rounds.amend_open_round(session, round_id, title="고친 모집 공고 제목", closes_at=row.closes_at,
                                actor=MANAGER)
    second = apply(database_url, round_id, people[1])[0]
    with transaction(engine_for(database_url)) as session:
        bases = [session.scalars(select(Decision.basis).where(Decision.subject_ref == f"application:{a}")).one()
                 for a in (first, second)]
    assert "고친 모집 공고 제목" not in bases[0][0]["ko"]
    assert "고친 모집 공고 제목" in bases[1][0]["ko"]
