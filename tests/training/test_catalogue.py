"""The catalogue from the plan: AI courses at every campus, partners, hubs, institutes."""

from __future__ import annotations

import datetime as dt

from ilja.db import engine_for, transaction
from ilja.programs.loader import load_plan
from ilja.training import service
from ilja.training.catalogue import catalogue_from_plan, seed
from tests.training.factories import OPERATOR


def test_catalogue_follows_the_plan():
    specs = {d.code: d for d in catalogue_from_plan(load_plan())}
    assert sum(1 for d in specs.values() if d.site_code.startswith("campus.")) == 25
    assert specs["MAPO-AI"].partner == "Microsoft"
    assert "MAPO-CERT" in {c.code for c in specs["MAPO-AI"].courses}
    hubs = [c for d in specs.values() for c in d.courses if c.kind == "industry_hub"]
    assert len(hubs) == 5 and not any(c.opens for c in hubs)  # all planned, not operating
    assert [c.name for c in specs["CENTRAL-MID"].courses] == ["글로벌조리", "카페베이커리",
                                                               "온라인쇼핑몰창업"]


def test_seed_is_idempotent_and_opens_by_committee_decision(database_url):
    with transaction(engine_for(database_url)) as session:
        first = seed(session, actor=OPERATOR, decided_on=dt.date(2025, 1, 2))
        again = seed(session, actor=OPERATOR, decided_on=dt.date(2025, 1, 2))
        assert first.departments == 28 and first.courses > first.opened > 0
        assert (again.departments, again.courses, again.opened) == (0, 0, 0)
        mapo = next(d for d in service.list_departments(session) if d.code == "MAPO-AI")
        assert all(d.decision == "open_course" for d in service.decisions(session, mapo.id))
