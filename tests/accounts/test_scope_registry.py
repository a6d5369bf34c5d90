"""The access rules live in ``ilja.access``, above every domain, and fill the registry in
``accounts.scope``: once loaded every kind has its rule, and before that every look-up raises
rather than answering "everything" or "nothing there" (scope fails closed)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ilja import access
from ilja.accounts import scope
from ilja.accounts.roles import Role
from ilja.accounts.scope import SYSTEM, Kind, RulesNotLoaded, Scope


@pytest.fixture
def unloaded(monkeypatch):
    """The registry as a process has it before ``access.load()`` (the loaded one comes back)."""
    monkeypatch.setattr(scope, "RULES", {})
    monkeypatch.setattr(scope, "_site_checks", [])


def test_every_kind_has_a_rule_once_loaded():
    access.load()
    assert set(scope.RULES) == set(Kind)
    for kind in Kind:
        assert hasattr(scope.rule(kind).model, "id"), kind


@pytest.mark.parametrize("caller", [SYSTEM, Scope(Role.OPERATOR, "campus.a"), Scope(None)])
def test_an_unloaded_registry_raises(unloaded, caller):
    with pytest.raises(RulesNotLoaded, match="ilja.access.load"):
        caller.where(Kind.PERSON)
    with pytest.raises(RulesNotLoaded):
        caller.get(None, Kind.APPLICATION, 1)  # raises before it needs a session
    with pytest.raises(RulesNotLoaded):
        scope.known_site(None, "campus.a")


def test_the_web_app_loads_the_rules(unloaded):
    from ilja.web.app import create_app

    create_app()
    assert set(scope.RULES) == set(Kind)


def test_the_command_line_loads_the_rules():
    code = ("import ilja.cli; from ilja.accounts.scope import RULES, Kind; "
            "assert set(RULES) == set(Kind)")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
