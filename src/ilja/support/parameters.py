"""The support parameters in force on a day, by short name; a day before they start is an
error the user sees (``NoRuleInForce``), never a missing key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ilja.rules.parameters import ParameterTree, ParameterUse, default_tree
from ilja.support.errors import NoRuleInForce


def in_force(prefix: str, names: Iterable[str], on: dt.date, tree: ParameterTree | None = None,
             extra: dict[str, str] | None = None) -> dict[str, ParameterUse]:
    snapshot = (tree or default_tree()).at(on)
    wanted = {name: prefix + name for name in names} | (extra or {})
    missing = [full for full in wanted.values() if full not in snapshot]
    if missing:
        raise NoRuleInForce(on)
    return {short: snapshot[full] for short, full in wanted.items()}
