"""The consent texts and the correction deadline, without a database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ilja.people import consent_texts as texts
from ilja.people import consents
from ilja.people.consents import ConsentError
from ilja.privacy import consent, corrections
from ilja.rules.population import Person

ON = dt.date(2026, 12, 7)


def test_every_program_asks_the_main_and_the_sensitive_consent_and_only_employers_of_record_the_rrn():
    asked = {program: [t.purpose for t in texts.purposes_for(program, ON)]
             for program in ("companion_jobs", "attractive_jobs", "youth_academy", "tech_institute")}
    assert asked["companion_jobs"] == ["collection_use", "sensitive", "unique_id"]
    assert asked["attractive_jobs"] == ["collection_use", "sensitive", "unique_id"]
    assert asked["youth_academy"] == ["collection_use", "sensitive"]
    assert asked["tech_institute"] == ["collection_use", "sensitive"]
    assert [t.purpose for t in texts.purposes_for("companion_jobs.senior", ON)][-1] == "unique_id"


def test_each_text_says_purpose_items_retention_and_the_right_to_refuse_in_both_languages():
    for purpose in texts.PURPOSES:
        for text in texts.versions(purpose):
            for field in ("label", "purpose_text", "items", "retention", "refusal"):
                value = getattr(text, field)
                assert value["ko"].strip() and value["en"].strip(), (purpose, field)
            assert text.source.startswith("law: personal-information-act"), purpose
    assert "거부할 권리" in texts.current("collection_use", ON).refusal["ko"]
    assert texts.current("sensitive", ON).required is False


def test_a_version_before_its_effective_date_is_not_in_force():
    with pytest.raises(texts.UnknownVersion):
        texts.current("collection_use", dt.date(2024, 12, 31))
    with pytest.raises(ConsentError, match="No consent text is in force"):
        consents.checked("youth_academy", dt.date(2024, 12, 31), {"collection_use": "2025-01-01"})


def test_the_required_consents_must_be_given_and_unknown_versions_are_named():
    version = texts.current("collection_use", ON).version
    assert consents.checked("youth_academy", ON, {"collection_use": version, "sensitive": ""}) == {
        "collection_use": version}
    with pytest.raises(ConsentError) as missing:
        consents.checked("companion_jobs", ON, {"collection_use": version})
    assert missing.value.code == "consent_required" and missing.value.field == "consent-unique_id"
    assert "주민등록번호" in missing.value.message_ko
    with pytest.raises(ConsentError) as unknown:
        consents.checked("youth_academy", ON, {"collection_use": "1999-01-01"})
    assert unknown.value.code == "consent_version_unknown" and unknown.value.field == "consent-collection_use"
    with pytest.raises(ConsentError, match="does not ask"):
        consents.checked("youth_academy", ON, {"collection_use": version, "unique_id": version})


def test_without_the_sensitive_consent_the_disability_is_left_out_of_the_evaluation():
    person = Person(id="1", birth_date=dt.date(1980, 1, 1), vulnerable_groups=["disabled", "single_parent"])
    assert consents.usable_person(person, {}, ON).vulnerable_groups == ["single_parent"]
    assert consents.usable_person(person, {"sensitive": "2025-01-01"}, ON).vulnerable_groups == [
        "disabled", "single_parent"]


def test_withdrawing_says_what_happens_for_each_stage_of_the_application():
    c = consent.Consequence
    assert consent.consequence("collection_use", "eligible") is c.APPLICATION_WITHDRAWN
    assert consent.consequence("collection_use", "waitlisted") is c.APPLICATION_WITHDRAWN
    assert consent.consequence("unique_id", "selected") is c.APPLICATION_WITHDRAWN
    assert consent.consequence("collection_use", "placed") is c.KEPT_FOR_RETENTION
    assert consent.consequence("sensitive", "submitted") is c.PRIORITY_RECALCULATED
    assert consent.consequence("sensitive", "selected") is c.PRIORITY_RECHECK
    assert consent.consequence("sensitive", "completed") is c.NOT_USED
    assert consent.consequence("collection_use", None) is c.NOT_USED


def test_the_deadline_is_ten_days_from_the_next_day_moved_past_a_weekend_or_holiday():
    assert corrections.deadline_days(ON) == 10
    assert corrections.due_date(dt.date(2026, 12, 7), 10) == dt.date(2026, 12, 17)  # Monday → Thursday
    assert corrections.due_date(dt.date(2026, 12, 9), 10) == dt.date(2026, 12, 21)  # Saturday → Monday
    assert corrections.due_date(dt.date(2026, 12, 15), 10) == dt.date(2026, 12, 28)  # Christmas Friday


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)), st.integers(1, 30))
def test_the_deadline_is_never_early_and_always_a_working_day(filed, days):
    due = corrections.due_date(filed, days, is_off=lambda day: day.day == 1)
    assert due >= filed + dt.timedelta(days=days)
    assert due.weekday() < 5 and due.day != 1
    assert (due - filed).days <= days + 3
