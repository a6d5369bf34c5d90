"""The ``ilja`` command. Each domain adds its own sub-commands from its ``cli.py``."""

from __future__ import annotations

import typer

from ilja import __version__, demo
from ilja.accounts.cli import audit_app, users_app
from ilja.applications.cli import applications_app, rounds_app
from ilja.db_cli import app as db_app
from ilja.matching.cli import match_app
from ilja.messages.cli import register as register_messages
from ilja.ops.cli import register as register_ops
from ilja.outcomes.cli import register as register_outcomes
from ilja.people.cli import keys_app, people_app, population_app
from ilja.programs.cli import plan_app
from ilja.publicjobs.cli import payroll_app
from ilja.rights.cli import rights_app
from ilja.rules.cli import eligibility_app, params_app, reform_app
from ilja.selection.cli import select_app
from ilja.support.cli import support_app
from ilja.training.cli import training_app
from ilja.web.cli import register as register_web

app = typer.Typer(
    name="ilja",
    help="Ilja (일자리): Seoul's employment-support programs — rules, plan, people, pay, outcomes.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ilja {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """Ilja's command line."""
    # lazy: CLI start-up (the rules read every domain's tables; `ilja --help` needs none of them)
    from ilja import access

    access.load()  # the access rules, before any command looks anything up


def _register() -> None:
    """Each domain contributes its commands here (one line per domain)."""
    app.add_typer(db_app, name="db", help="Database migrations.")
    app.add_typer(eligibility_app, name="eligibility", help="Who is eligible for what, and why.")
    app.add_typer(reform_app, name="reform", help="What-if: compare a reform with the baseline.")
    app.add_typer(params_app, name="params", help="Policy parameters and their history.")
    app.add_typer(plan_app, name="plan", help="The 2025 plan: programs, sites, targets, warnings.")
    app.add_typer(population_app, name="population", help="Synthetic persons in the person format.")
    app.add_typer(keys_app, name="keys", help="Data keys: create, rotate (RRN encryption, blind index).")
    app.add_typer(people_app, name="people", help="The registry: import persons.")
    app.add_typer(users_app, name="users", help="Accounts and roles.")
    app.add_typer(audit_app, name="audit", help="The audit log: verify the chain, monthly report.")
    register_web(app)
    register_outcomes(app)
    app.add_typer(payroll_app, name="payroll", help="Payroll.")
    app.add_typer(match_app, name="match", help="Matching: runs, offers, hires.")
    app.add_typer(training_app, name="training",
                  help="Training: attendance imports, dropout rule, cohorts, certificates.")
    app.add_typer(support_app, name="support",
                  help="Support services: certification pass rates and figures, budgets, fee claims.")
    app.add_typer(rounds_app, name="rounds",
                  help="Recruitment rounds (모집 공고): create, open, close, show, list.")
    app.add_typer(applications_app, name="applications",
                  help="Applications: bulk import (all rows or none).")
    app.add_typer(select_app, name="select",
                  help="Selection: prepare, run once, verify, export, 경쟁률, lapse offers.")
    app.add_typer(select_app, name="selection", hidden=True)
    app.add_typer(rights_app, name="rights",
                  help="Decisions and objections: prior notices due, the objection queue.")
    demo.register(app)
    register_ops(app)  # ilja backup / ilja restore
    register_messages(app)  # ilja worker


_register()
