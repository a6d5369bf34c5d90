"""The logged-in menu: one line per page, shown to whoever holds its permission.

A domain adds its pages here (href, locale key under ``nav.``, permission value). Citizens' own
pages use the ``*_own`` permissions, so the same rule serves everyone.
"""

from __future__ import annotations

from typing import Any

ACCOUNT_LINKS: list[tuple[str, str, str]] = [
    ("/me/profile", "my_profile", "profile.read_own"),
    ("/me/messages", "my_messages", "profile.read_own"),
    ("/my/privacy", "my_privacy", "profile.read_own"),
    ("/my/applications", "my_applications", "application.read_own"),
    ("/my/decisions", "my_decisions", "application.read_own"),
    ("/publicjobs/me", "my_pay", "profile.read_own"),
    ("/matching/me", "my_matches", "profile.read_own"),
    ("/training/me", "my_training", "profile.read_own"),
    ("/people", "people", "people.read"),
    ("/messages", "messages", "people.read"),
    ("/people/duplicates", "duplicates", "people.merge"),
    ("/privacy/corrections", "privacy_corrections", "people.read_personal"),
    ("/manage/rounds", "rounds", "round.manage"),
    ("/selection/rounds", "selection", "selection.verify"),
    ("/training", "training", "training.read"),
    ("/publicjobs/projects", "projects", "plan.edit"),  # the manager's, and below the host's
    ("/publicjobs/projects", "projects", "placement.manage"),
    ("/publicjobs/host", "host", "placement.manage"),
    ("/publicjobs/payroll", "payroll", "payroll.read"),
    ("/matching", "matching", "matching.manage"),
    ("/matching/organisations", "organisations", "matching.manage"),
    ("/outcomes", "outcomes", "report.read"),
    ("/manage/scorecards", "scorecards", "report.read"),
    ("/rights/appeals", "rights_appeals", "people.read"),
    ("/audit", "audit", "audit.read"),
    ("/users", "users", "users.manage"),
    ("/support/me/certifications", "support_my_certifications", "profile.read_own"),
    ("/support/certifications", "support_certifications", "training.read"),
    ("/support/claims", "support_claims", "payroll.read"),
    ("/support/startups", "support_startups", "training.read"),
    ("/support/subsidies", "support_subsidies", "payroll.read"),
    ("/support/me/subsidies", "support_my_subsidies", "profile.read_own"),
    ("/support/events", "support_events", "profile.read_own"),
    ("/support/events/manage", "support_events_manage", "matching.manage"),
    ("/support/alumni", "support_alumni", "outcome.record"),
    ("/support/me/startups", "support_my_startups", "profile.read_own"),
]


def links_for(principal: Any) -> list[tuple[str, str]]:
    """(href, locale key) of the pages this principal may open."""
    if principal is None or not principal.authenticated:
        return []
    return [(href, key) for href, key, permission in ACCOUNT_LINKS if principal.can_any([permission])]
