"""A run records seed, commitment, code version and hashes; verify() proves it bit for bit."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given, settings

from ilja import __version__
from ilja.selection import (
    Applicant,
    SelectionInputError,
    SelectionInputs,
    SelectionPolicy,
    SelectionRun,
    Status,
    check,
    commitment,
    new_seed,
    run_selection,
    verify,
)
from ilja.selection.model import STATUSES
from tests.selection.strategies import policies, rounds, seeds
from tests.selection.test_allocation import COHORT

POLICY = SelectionPolicy(priority_share="0.30", source="tech_institute.eligibility.priority_share")


def test_a_run_records_what_an_auditor_needs():
    seed = new_seed()
    run = run_selection(COHORT, POLICY, seed, published_commitment=commitment(seed))
    record = run.as_record()
    assert record["seed"] == seed.hex() and record["commitment"] == commitment(seed)
    assert record["code_version"] == __version__
    assert record["policy"]["priority_share"] == "3/10"
    assert record["lottery_scheme"].startswith("ilja-lottery-v1")
    assert len(record["input_hash"]) == len(record["output_hash"]) == 64
    json.dumps(record)  # storable as it is
    assert verify(run, COHORT)


def test_the_seed_must_match_the_commitment_published_before_the_draw():
    with pytest.raises(SelectionInputError) as error:
        run_selection(COHORT, POLICY, new_seed(), published_commitment=commitment(new_seed()))
    assert error.value.code == "commitment_mismatch"


def test_verify_detects_a_tampered_output():
    run = run_selection(COHORT, POLICY, new_seed())
    allocation = run.allocation
    assert allocation is not None
    i = allocation.index_of("G")
    allocation.status[i] = STATUSES.index(Status.SELECTED)
    result = check(run, COHORT)
    assert not result.recorded_outputs_match and result.rerun_matches
    assert not verify(run, COHORT)


def test_verify_detects_tampered_inputs_seed_and_policy():
    run = run_selection(COHORT, POLICY, new_seed())
    changed = list(COHORT.applicants)
    changed[6] = dataclasses.replace(changed[6], score=95)  # G's score raised after the draw
    assert not verify(run, SelectionInputs(COHORT.round_id, changed, COHORT.units))
    assert not verify(dataclasses.replace(run, seed=new_seed()), COHORT)
    other = dataclasses.replace(run, policy=SelectionPolicy(priority_share="0.5"))
    assert not check(other, COHORT).rerun_matches


def test_a_stored_run_is_verified_against_its_stored_outcomes():
    run = run_selection(COHORT, POLICY, new_seed())
    assert run.allocation is not None
    stored = SelectionRun.from_record(json.loads(json.dumps(run.as_record())))
    outcomes = run.allocation.outcomes()
    assert verify(stored, COHORT, outcomes)
    outcomes[0] = dataclasses.replace(outcomes[0], rank=99)
    assert not verify(stored, COHORT, outcomes)
    with pytest.raises(SelectionInputError):
        verify(stored, COHORT)


def test_a_newer_code_version_that_reproduces_the_result_still_verifies():
    run = dataclasses.replace(run_selection(COHORT, POLICY, new_seed()), code_version="0.0.1")
    result = check(run, COHORT)
    assert result.ok and not result.same_code_version


@settings(max_examples=100, deadline=None)
@given(rounds(), policies, seeds)
def test_same_seed_same_run_and_every_run_verifies(inputs, policy, seed):
    first = run_selection(inputs, policy, seed)
    second = run_selection(inputs, policy, seed)
    assert first.as_record() == second.as_record()
    assert verify(first, inputs)


def test_the_input_hash_ignores_load_order_and_int_or_float_scores():
    shuffled = SelectionInputs(COHORT.round_id, list(reversed(COHORT.applicants)), COHORT.units)
    as_floats = SelectionInputs(COHORT.round_id, [
        Applicant(a.id, a.eligible, float(a.score), a.priority, a.preferences)
        for a in COHORT.applicants], COHORT.units)
    seed = new_seed()
    hashes = {run_selection(i, POLICY, seed).input_hash for i in (COHORT, shuffled, as_floats)}
    assert len(hashes) == 1
