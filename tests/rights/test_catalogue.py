"""Every adverse decision type has its reasons' basis, a way to contest it, a remedy for an
upheld objection, an effect and the notices it sends (issue 18: done when)."""

from __future__ import annotations

import datetime as dt

import pytest

from ilja.applications.lifecycle import ADVERSE
from ilja.decisions.catalogue import APPEAL_DECIDED_TOPIC, CATALOGUE, PRIOR_NOTICE_DAYS, DecisionKind
from ilja.messages import outbox
from ilja.rights import remedies
from ilja.rules.parameters import default_tree

SAMPLE = {"decision_id": 1, "kind_ko": "미선발", "kind_en": "Not selected", "reasons_ko": "점수 70점",
          "reasons_en": "Score 70", "basis_ko": "공고", "basis_en": "The notice", "decided_on": "2026-12-07",
          "answer_by": "2026-12-17", "objection_by": "2027-01-06", "appeal_by": "2027-03-08",
          "link": "/my/decisions/1", "person_name": "홍길동", "appeal_id": 1, "upheld": True,
          "appeal_reasons": "점수 계산 오류", "outcome_ko": "인용", "outcome_en": "Upheld"}


@pytest.mark.parametrize("kind", list(DecisionKind))
def test_every_adverse_decision_type_is_complete(kind):
    entry = CATALOGUE[kind]
    assert entry.label.ko and entry.label.en and entry.remedy.ko and entry.remedy.en
    assert "23" in entry.basis.ko and "§23" in entry.basis.en or entry.takes_away
    assert entry.routes and {r.code for r in entry.routes} >= {"objection", "administrative_appeal"}
    tree = default_tree()
    for route in entry.routes:
        assert tree.value(route.parameter, dt.date(2026, 1, 1)) > 0
        assert route.where.ko and route.where.en
    assert kind in remedies.REMEDIES and kind in remedies.EFFECTS
    topics = [entry.topic] + ([entry.prior_notice_topic] if entry.takes_away else [])
    for topic in topics:
        for lang in ("ko", "en"):
            subject, body = outbox.render(topic, lang, SAMPLE)
            assert subject and "70" in body
    if entry.takes_away:
        assert "§21" in entry.basis.en and tree.value(PRIOR_NOTICE_DAYS, dt.date(2026, 1, 1)) >= 10


def test_the_appeal_result_has_its_notice():
    for lang in ("ko", "en"):
        subject, body = outbox.render(APPEAL_DECIDED_TOPIC, lang, SAMPLE)
        assert subject and "점수 계산 오류" in body


def test_the_life_cycle_names_only_catalogued_kinds():
    assert {DecisionKind(k) for k in ADVERSE.values()} <= set(CATALOGUE)
    assert set(CATALOGUE) == set(DecisionKind)


def test_a_period_before_the_framework_act_is_an_assumption_after_it_the_law():
    parameter = default_tree().get("common.rights.objection_days")
    assert parameter.entry_at(dt.date(2022, 1, 1)).source.startswith("assumption:")
    assert parameter.entry_at(dt.date(2024, 1, 1)).source.startswith("law:")
