"""The access rules of every domain's objects (``rules``), above every domain because they read
all their tables; ``accounts.scope``, far below, holds the registry they fill.

Every entry point calls ``load()`` once before it looks anything up — the web app factory, the
command line, the operators' scripts, the benchmarks and the tests; until then ``Scope.where``
and ``Scope.get`` raise ``accounts.scope.RulesNotLoaded``.
"""

from __future__ import annotations

from ilja.access.rules import RULES, known_site
from ilja.accounts import scope


def load() -> None:
    """Register the rule of every kind and the register of sites with ``accounts.scope``."""
    scope.register(RULES, known_site)
