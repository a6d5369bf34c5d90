"""Schemathesis against the OpenAPI document as every role (bounded: a few examples per operation
and role; ``make reliability`` runs the long version on PostgreSQL too)."""

from __future__ import annotations

import pytest

from ilja.accounts.roles import Role
from ilja.ops.fuzz_api import fuzz_api, merged

pytestmark = pytest.mark.usefixtures("schemathesis_asgi")


def test_no_5xx_schema_conformant_and_no_role_gets_past_its_permissions(site):
    report = fuzz_api(site, examples=2, refused_examples=1)
    assert report.operations > 100
    assert report.cases > 800
    assert set(report.by_role) == {"anonymous", *(r.value for r in Role)}
    assert sum(report.by_role.values()) == report.cases and report.server_errors == 0
    assert report.ok, "\n".join(report.failures)
    assert not report.undocumented_422  # every 422 body matches the schema its operation documents


def test_shards_split_the_operations_and_merge_into_one_report(site):
    shards = [fuzz_api(site, examples=1, refused_examples=1, shard=(n, 40), skip=()) for n in (0, 1)]
    assert shards[0].operations >= 4 and abs(shards[0].operations - shards[1].operations) <= 1
    whole = merged(shards)
    assert whole.cases == sum(s.cases for s in shards) and whole.by_role.total() == whole.cases
    assert whole.operations == sum(s.operations for s in shards)
    assert whole.seconds == max(s.seconds for s in shards)


def test_a_budget_cuts_every_operation_and_role_short_not_the_last_ones(site):
    report = fuzz_api(site, examples=1000, refused_examples=1000, budget_seconds=3, shard=(0, 40))
    assert report.cut_short and report.cases >= report.operations * 7
    assert report.ok, "\n".join(report.failures)


def test_numbers_too_large_for_the_database_are_refused_not_500(site):
    client = site.client(raise_server_exceptions=False)
    headers = site.bearer("program_manager")
    huge = 10**30
    for path in (f"/api/v1/rounds/{huge}", f"/api/v1/people/{huge}", f"/api/v1/applications/{huge}"):
        response = client.get(path, headers=headers)
        assert response.status_code in (404, 422), (path, response.status_code)
        assert str(huge) not in response.text


def test_nul_characters_are_refused_not_500_on_both_databases(any_site):
    client = any_site.client(raise_server_exceptions=False)
    response = client.post("/api/v1/people/export", headers=any_site.bearer("program_manager"),
                           json={"reason": "명단\x00제출", "q": "\x00"})
    assert response.status_code in (200, 422), response.text
