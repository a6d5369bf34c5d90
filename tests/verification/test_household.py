"""The household of a records check, pure (issue 21 §5): members' incomes summed into the
household income and size, the household's identifier kept only as a keyed hash, and the
one-participant-per-household rule of a draw."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ilja.people.rrn import generate_key_file
from ilja.verification import catalogue
from ilja.verification.household import (
    RELATIONS,
    Household,
    Member,
    format_members,
    household_index,
    parse_members,
    passed_over,
    row_facts,
)

incomes = st.integers(min_value=0, max_value=50_000_000)
others = st.lists(st.tuples(st.sampled_from([r for r in RELATIONS if r != "self"]), incomes),
                  max_size=8)


@pytest.fixture(scope="module")
def keyring(tmp_path_factory):
    return generate_key_file(tmp_path_factory.mktemp("keys") / "keys.json")


def _household(own: int, rest: list[tuple[str, int]], at: int) -> Household:
    members = [Member(r, i) for r, i in rest]
    members.insert(min(at, len(members)), Member("self", own))
    return Household(tuple(members))


@given(incomes, others, st.integers(min_value=0, max_value=8))
def test_the_household_income_is_the_members_sum_and_its_size_their_number(own, rest, at):
    household = _household(own, rest, at)
    read = parse_members(format_members(household))
    assert read == household
    assert read.income_krw == own + sum(i for _, i in rest)
    assert read.size == len(rest) + 1


@given(incomes, others, st.sampled_from(["ko", "en"]))
def test_english_relations_and_spacing_read_the_same(own, rest, lang):
    household = _household(own, rest, 0)
    pick = 0 if lang == "ko" else 1
    text = " ; ".join(f" {RELATIONS[m.relation][pick]} : {m.income_krw:,} "
                      for m in household.members)
    assert parse_members(text) == household


@pytest.mark.parametrize("text", ["배우자:1000", "본인:1000;본인:2000", "본인:많음", "본인 1000",
                                  "아들:1000;본인:0", ""])
def test_a_bad_members_cell_says_why(text):
    with pytest.raises(catalogue.BadValue) as error:
        parse_members(text)
    assert error.value.ko and error.value.en


identifiers = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
                      max_size=30).filter(str.strip)


@given(identifiers, identifiers)
def test_the_household_is_known_by_a_keyed_hash_never_its_identifier(keyring, one, two):
    key = household_index(one, keyring)
    version, key_id, digest = key.split(":")
    assert (version, key_id) == ("h1", keyring.blind_index.active)
    assert len(digest) == 64 and set(digest) <= set("0123456789abcdef")
    assert key == household_index(f"  {one} ", keyring)
    assert (key == household_index(two, keyring)) == (one.split() == two.split())


def test_row_facts_sum_the_members_and_check_the_stated_income_and_the_household(keyring):
    seen: dict = {}
    facts = {"household_income_krw": 1_500_000}
    assert row_facts(facts, "본인:1000000;배우자:500000", "세대-1", keyring, row=2, seen=seen) == []
    assert facts["household_income_krw"] == 1_500_000 and facts["household_size"] == 2
    assert facts["household"] == household_index("세대-1", keyring)
    wrong = {"household_income_krw": 9}
    assert [c for c, _ in row_facts(wrong, "본인:1000000;배우자:500000", "", keyring, row=3,
                                     seen=seen)] == ["가구소득(원)"]
    other = {}
    assert [c for c, _ in row_facts(other, "본인:1000000", "세대-1", keyring, row=4,
                                     seen=seen)] == ["세대번호"]
    none: dict = {"household_income_krw": 7}
    assert row_facts(none, "", "", keyring, row=5, seen=seen) == []
    assert none == {"household_income_krw": 7}


ranked_ids = st.lists(st.tuples(st.integers(0, 10_000),
                                st.one_of(st.none(), st.sampled_from("abcde"))),
                      unique_by=lambda r: r[0], max_size=40)


@given(ranked_ids)
def test_one_participant_per_household_keeps_each_households_best_ranked(ranked):
    over = set(passed_over(ranked))
    kept = [(i, key) for i, key in ranked if i not in over]
    households = [key for _, key in kept if key is not None]
    assert len(households) == len(set(households))
    assert {key for _, key in ranked if key} == set(households)
    for i, key in kept:
        if key is not None:
            assert next(j for j, k in ranked if k == key) == i
    assert all(key is not None for i, key in ranked if i in over)
