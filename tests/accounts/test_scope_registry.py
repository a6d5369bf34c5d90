"""The access rules live in ``ilja.access``, above every domain, and fill the registry in
``accounts.scope``: once loaded every kind has its rule, and before that every look-up raises
rather than answering "everything" or "nothing there" (scope fails closed). The people registry's
answers accounts needs (``accounts.needs``) are installed the same way, and refuse likewise."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ilja import access
from ilja.accounts import audit, needs, scope
from ilja.accounts.roles import Role
from ilja.accounts.scope import SYSTEM, Kind, RulesNotLoaded, Scope


@pytest.fixture
def unloaded(monkeypatch):
    """The registry as a process has it before ``access.load()`` (the loaded one comes back)."""
    monkeypatch.setattr(scope, "RULES", {})
    monkeypatch.setattr(scope, "_site_checks", [])
    monkeypatch.setattr(needs, "_person_names", [])
    monkeypatch.setattr(needs, "_seal_keys", [])


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


def test_an_uninstalled_registry_answers_nothing_about_people(unloaded):
    with pytest.raises(needs.NotInstalled, match="ilja.access.load"):
        needs.person_name(None, 1)
    with pytest.raises(audit.SealKeyMissing, match="ilja.access.load"):
        audit.seal_keys()  # audit.verify reports it: a failed check, never a passed one


def test_the_web_app_loads_the_rules(unloaded):
    from ilja.web.app import create_app

    create_app()
    assert set(scope.RULES) == set(Kind)
    assert needs._person_names and needs._seal_keys


def test_the_command_line_loads_the_rules():
    code = ("from typer.testing import CliRunner; import ilja.cli; "
            "from ilja.accounts.scope import RULES, Kind; assert not RULES; "
            "assert CliRunner().invoke(ilja.cli.app, ['params', '--help']).exit_code == 0; "
            "assert set(RULES) == set(Kind)")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
