"""Selection: order of merit, seats and quotas, the verifiable lottery, waitlists, statistics.

Pure logic over plain data (no database, no web); the selection service loads a round, calls
``run_selection`` and stores the ``SelectionRun`` record and each ``Outcome``.
"""

from ilja.selection.allocation import Allocation, Problem, allocate, allocate_problem, build_problem
from ilja.selection.lottery import (
    commitment,
    lottery_keys,
    lottery_number,
    lottery_numbers,
    new_seed,
    verify_commitment,
)
from ilja.selection.model import (
    REASON_LABELS,
    STATUS_LABELS,
    Applicant,
    FillOrder,
    Outcome,
    Reason,
    Rounding,
    Seat,
    SelectionInputError,
    SelectionInputs,
    SelectionPolicy,
    Status,
    Unit,
    UnitGroup,
)
from ilja.selection.run import SelectionRun, Verification, check, run_selection, verify
from ilja.selection.stats import RoundStats, competition_rate, selection_stats
from ilja.selection.waitlist import Change, ChangeKind, Promotion, PromotionError, withdraw

__all__ = [
    "REASON_LABELS", "STATUS_LABELS", "Allocation", "Applicant", "Change", "ChangeKind",
    "FillOrder", "Outcome", "Problem", "Promotion", "PromotionError", "Reason", "RoundStats",
    "Rounding", "Seat", "SelectionInputError", "SelectionInputs", "SelectionPolicy",
    "SelectionRun", "Status", "Unit", "UnitGroup", "Verification", "allocate",
    "allocate_problem", "build_problem", "check", "commitment", "competition_rate",
    "lottery_keys", "lottery_number", "lottery_numbers", "new_seed", "run_selection",
    "selection_stats", "verify", "verify_commitment", "withdraw",
]
