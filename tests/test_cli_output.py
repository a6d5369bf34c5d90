"""What ``ilja`` prints when its output is not a terminal (CliRunner is not one): tables whole,
``--format json`` nothing but JSON, and ``--lang`` only ko or en."""

from __future__ import annotations

import io
import json
from typing import get_args

import click
import pytest
import typer
from rich.console import Console
from rich.table import Table
from typer.testing import CliRunner

from ilja.cli import app
from ilja.cli_common import Language, print_table
from ilja.i18n import LANGUAGES
from ilja.rules.parameters import default_tree

runner = CliRunner()
LONG_NAME = "a_parameter_name_far_longer_than_any_terminal." * 3


def _lang_commands(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command (or group, like ``report``) of the CLI that has a --lang option."""
    found = [path] if any("--lang" in p.opts for p in command.params) else []
    for name, sub in getattr(command, "commands", {}).items():
        found += _lang_commands(sub, (*path, name))
    return found


LANG_COMMANDS = _lang_commands(typer.main.get_command(app))


def test_params_list_prints_every_parameter_name_whole():
    result = runner.invoke(app, ["params", "list"])
    assert result.exit_code == 0, result.output
    printed = set(result.stdout.split())
    missing = [p.name for p in default_tree() if p.name not in printed]
    assert not missing, f"cut or wrapped: {missing[:5]}"


def test_a_piped_table_keeps_its_widest_cell_on_one_line_and_a_terminal_one_fits_the_window():
    table = Table("name", "value")
    table.add_row(LONG_NAME, "1")
    piped, terminal = io.StringIO(), io.StringIO()
    print_table(table, Console(file=piped, width=80))
    assert LONG_NAME in piped.getvalue()
    print_table(table, Console(file=terminal, width=80, force_terminal=True, color_system=None))
    assert max(map(len, terminal.getvalue().splitlines())) <= 80


def test_plan_tables_keep_every_code_whole():
    shown = runner.invoke(app, ["plan", "show"])
    plan = json.loads(runner.invoke(app, ["plan", "show", "--format", "json"]).stdout)
    assert shown.exit_code == 0, shown.output
    printed = set(shown.stdout.split())
    assert {p["code"] for p in plan["programs"]} <= printed


def test_the_cli_languages_are_the_web_languages():
    assert get_args(Language) == LANGUAGES


def test_every_lang_command_is_found():
    assert {("eligibility", "check"), ("report",)} <= set(LANG_COMMANDS)


@pytest.mark.parametrize("command", LANG_COMMANDS, ids=" ".join)
def test_an_unsupported_language_is_refused_naming_the_supported_ones(command):
    result = runner.invoke(app, [*command, "--lang", "fr"])
    assert result.exit_code == 2
    assert "'fr'" in result.stderr and "'ko'" in result.stderr and "'en'" in result.stderr


@pytest.fixture
def person_file(tmp_path):
    path = tmp_path / "person.json"
    path.write_text(json.dumps({
        "id": "p-1", "birth_date": "1990-05-01", "sido": "서울특별시", "sigungu": "마포구",
        "employment_status": "unemployed", "able_to_work": True, "household_head": True,
        "household_size": 1, "nationality": "KR", "shoe_size": 270,  # unknown: warned on stderr
    }), encoding="utf-8")
    return path


def test_english_is_accepted(person_file):
    result = runner.invoke(app, ["eligibility", "check", "--person", str(person_file),
                                 "--on", "2025-03-01", "-p", "youth_academy", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Youth Job Academy" in result.stdout and "신청 가능" not in result.stdout


def test_an_impossible_round_date_is_called_impossible(person_file):
    result = runner.invoke(app, ["eligibility", "check", "--person", str(person_file),
                                 "--on", "2025-02-30"])
    assert result.exit_code == 2
    assert "not a real date: February 2025 has 28 days" in " ".join(result.stderr.split())


@pytest.mark.parametrize("arguments", [
    ["params", "show", "companion_jobs.work.hourly_wage", "--history"],
    ["plan", "show"],
    ["plan", "holidays", "2025"],
    ["eligibility", "check", "--person", "{person}", "--on", "2025-03-01"],
], ids=lambda arguments: " ".join(arguments[:2]))
def test_json_output_is_nothing_but_json(arguments, person_file):
    arguments = [a.format(person=person_file) for a in arguments]
    result = runner.invoke(app, [*arguments, "--format", "json"])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)
    if "eligibility" in arguments:
        assert "shoe_size" in result.stderr


@pytest.fixture
def database(database_url, tmp_path, monkeypatch):
    from ilja.config import get_settings

    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def test_database_tables_are_whole_and_refusals_stay_off_stdout(database):
    from ilja.accounts import service
    from ilja.accounts.roles import Role
    from ilja.db import transaction

    with transaction() as session:
        service.create_user(session, login="long-name", password="correct horse battery 9",
                            role=Role.AUDITOR, display_name=LONG_NAME)
    users = runner.invoke(app, ["users", "list"])
    assert users.exit_code == 0, users.output
    assert LONG_NAME in users.stdout
    budget = runner.invoke(app, ["payroll", "budget", "--year", "2025", "--format", "json"])
    assert budget.exit_code == 0, budget.output
    assert {row["program"] for row in json.loads(budget.stdout)} >= {"companion_jobs"}
    missing = runner.invoke(app, ["rounds", "show", "999", "--format", "json"])
    assert missing.exit_code == 1 and missing.stdout == "" and "999" in missing.stderr
