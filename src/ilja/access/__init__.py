"""What accounts, the second layer, needs from the domains above it, installed from above: the
access rules of every domain's objects (``rules``, filling ``accounts.scope``'s registry), and
the people registry's answers ``accounts.needs`` names (a person's name, the audit seal keys).

Every entry point calls ``load()`` once before it looks anything up — the web app factory, the
command line, the operators' scripts, the benchmarks and the tests; until then ``Scope.where``
and ``Scope.get`` raise ``accounts.scope.RulesNotLoaded`` and ``accounts.needs`` raises
``NotInstalled``.
"""

from __future__ import annotations

from ilja.access.rules import RULES, known_site
from ilja.accounts import needs, scope
from ilja.people import keys, registry


def load() -> None:
    """Register the rule of every kind and the register of sites with ``accounts.scope``, and
    install the registry's answers in ``accounts.needs``."""
    scope.register(RULES, known_site)
    needs.install(person_name=registry.registered_name, seal_keys=keys.seal_keys)
