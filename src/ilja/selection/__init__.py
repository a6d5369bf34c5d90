"""Selection: order of merit, seats and quotas, the verifiable lottery, waitlists, statistics.

Pure logic over plain data (no database, no web). The selection service::

    seed = new_seed(); publish(commitment(seed))           # before applications close
    policy = SelectionPolicy.from_parameters(tree, on=round.start, program="tech_institute")
    run = run_selection(inputs, policy, seed, published_commitment=published)
    store(run.as_record(), run.allocation.outcomes(), selection_stats(run.allocation))
    verify(SelectionRun.from_record(record), inputs, stored_outcomes)   # the auditor
    promotion = withdraw(current, {"application-id": "declined"})  # store promotion.changes
    current = replay(reproduce(run, inputs), stored_withdrawals)[-1].allocation  # after restart
"""

from ilja.seeds import commitment, new_seed, verify_commitment
from ilja.selection.allocation import Allocation, allocate, allocate_problem
from ilja.selection.columns import Problem, build_problem
from ilja.selection.lottery import lottery_keys, lottery_number, lottery_numbers
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
from ilja.selection.run import (
    SelectionRun,
    Verification,
    check,
    reproduce,
    run_selection,
    verify,
)
from ilja.selection.stats import RoundStats, competition_rate, selection_stats
from ilja.selection.waitlist import (
    Change,
    ChangeKind,
    Promotion,
    PromotionError,
    replay,
    withdraw,
)

__all__ = [
    "REASON_LABELS", "STATUS_LABELS", "Allocation", "Applicant", "Change", "ChangeKind",
    "FillOrder", "Outcome", "Problem", "Promotion", "PromotionError", "Reason", "RoundStats",
    "Rounding", "Seat", "SelectionInputError", "SelectionInputs", "SelectionPolicy",
    "SelectionRun", "Status", "Unit", "UnitGroup", "Verification", "allocate",
    "allocate_problem", "build_problem", "check", "commitment", "competition_rate",
    "lottery_keys", "lottery_number", "lottery_numbers", "new_seed", "replay", "reproduce",
    "run_selection", "selection_stats", "verify", "verify_commitment", "withdraw",
]
