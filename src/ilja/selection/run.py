"""A selection run that anyone can check again, bit for bit (issue 3 §4).

The run records the seed (revealed after the draw) and the commitment published before it, the
code version, the written policy, the hash of the inputs and the hash of the outputs. ``verify``
recomputes all of it from the stored inputs: the seed must match the commitment, the inputs the
input hash, and both the stored outcomes and a fresh run the output hash.

Hashes are SHA-256 over canonical JSON: UTF-8, keys sorted, no spaces, records sorted by id
(``SelectionInputs.canonical``, ``Outcome.canonical``), so the same data always gives the
same bytes whatever order it was loaded in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ilja import __version__
from ilja.seeds import commitment, verify_commitment
from ilja.selection.allocation import Allocation, allocate
from ilja.selection.lottery import LOTTERY_SCHEME, lottery_keys
from ilja.selection.model import (
    Outcome,
    SelectionInputError,
    SelectionInputs,
    SelectionPolicy,
)


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def input_hash(inputs: SelectionInputs) -> str:
    return hashlib.sha256(canonical_json(inputs.canonical())).hexdigest()


def output_hash(rows: Iterable[list[Any]]) -> str:
    """Hash of outcome rows (``Allocation.canonical_rows`` or ``Outcome.canonical``), by id."""
    return hashlib.sha256(canonical_json(sorted(rows, key=lambda r: r[0]))).hexdigest()


def outcomes_hash(outcomes: Iterable[Outcome]) -> str:
    """The output hash of outcomes read back from storage."""
    return output_hash(o.canonical() for o in outcomes)


@dataclass(frozen=True)
class SelectionRun:
    """What a selection run records; ``as_record`` is what the service stores and publishes."""

    round_id: str
    seed: bytes
    commitment: str
    code_version: str
    lottery_scheme: str
    policy: SelectionPolicy
    input_hash: str
    output_hash: str
    allocation: Allocation | None = field(default=None, repr=False, compare=False)

    def as_record(self) -> dict[str, Any]:
        return {
            "round_id": self.round_id,
            "seed": self.seed.hex(),
            "commitment": self.commitment,
            "code_version": self.code_version,
            "lottery_scheme": self.lottery_scheme,
            "policy": self.policy.canonical(),
            "input_hash": self.input_hash,
            "output_hash": self.output_hash,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> SelectionRun:
        """A stored run, without its allocation: ``verify`` then needs the stored outcomes."""
        return cls(
            round_id=record["round_id"], seed=bytes.fromhex(record["seed"]),
            commitment=record["commitment"], code_version=record["code_version"],
            lottery_scheme=record["lottery_scheme"],
            policy=SelectionPolicy.from_canonical(record["policy"]),
            input_hash=record["input_hash"], output_hash=record["output_hash"],
        )


def _allocate(inputs: SelectionInputs, policy: SelectionPolicy, seed: bytes) -> Allocation:
    keys = lottery_keys(seed, [a.id for a in inputs.applicants])
    return allocate(inputs, keys, policy)


def reproduce(run: SelectionRun, inputs: SelectionInputs) -> Allocation:
    """The allocation of a stored run, computed again from its seed and policy (e.g. to apply
    later withdrawals with ``waitlist.replay`` after a restart)."""
    return _allocate(inputs, run.policy, run.seed)


def run_selection(inputs: SelectionInputs, policy: SelectionPolicy, seed: bytes,
                  published_commitment: str | None = None) -> SelectionRun:
    """Draw and select a round; ``published_commitment``, if given, must match the seed."""
    if published_commitment is not None and not verify_commitment(seed, published_commitment):
        raise SelectionInputError("seed", "commitment_mismatch",
                                  "the seed does not match the commitment published before the draw")
    allocation = _allocate(inputs, policy, seed)
    return SelectionRun(
        round_id=inputs.round_id,
        seed=bytes(seed),
        commitment=commitment(seed),
        code_version=__version__,
        lottery_scheme=LOTTERY_SCHEME,
        policy=policy,
        input_hash=input_hash(inputs),
        output_hash=output_hash(allocation.canonical_rows()),
        allocation=allocation,
    )


@dataclass(frozen=True)
class Verification:
    """Each check of ``verify`` on its own, for the auditor's page."""

    commitment_matches: bool
    inputs_match: bool
    recorded_outputs_match: bool
    rerun_matches: bool
    same_code_version: bool
    rerun_output_hash: str

    @property
    def ok(self) -> bool:
        """The run is proven when everything but the code version matches.

        A newer code version that still reproduces the output hash proves the result as well;
        ``same_code_version`` is reported so the auditor sees it.
        """
        return (self.commitment_matches and self.inputs_match and self.recorded_outputs_match
                and self.rerun_matches)


def check(run: SelectionRun, inputs: SelectionInputs,
          outcomes: Iterable[Outcome] | None = None) -> Verification:
    """Re-run ``run`` on ``inputs`` and compare; ``outcomes`` are the stored results, if the
    caller has them from storage rather than in ``run.allocation``."""
    if outcomes is not None:
        recorded = outcomes_hash(outcomes)
    elif run.allocation is not None:
        recorded = output_hash(run.allocation.canonical_rows())
    else:
        raise SelectionInputError("outcomes", "outcomes_missing",
                                  "a run read from storage is verified against its stored outcomes")
    rerun = output_hash(reproduce(run, inputs).canonical_rows())
    return Verification(
        commitment_matches=verify_commitment(run.seed, run.commitment),
        inputs_match=input_hash(inputs) == run.input_hash,
        recorded_outputs_match=recorded == run.output_hash,
        rerun_matches=rerun == run.output_hash,
        same_code_version=run.code_version == __version__,
        rerun_output_hash=rerun,
    )


def verify(run: SelectionRun, inputs: SelectionInputs,
           outcomes: Iterable[Outcome] | None = None) -> bool:
    """Whether ``run`` is exactly what its seed, policy and inputs give (see ``check``)."""
    return check(run, inputs, outcomes).ok
