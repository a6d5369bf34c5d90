"""The journeys' fixtures: per module one empty site served by one server (the browser is the
module's too, from tests/conftest.py), and people in it, closed after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.journeys.harness import Person, Site, empty_site


@pytest.fixture(scope="module")
def site(migrated_sqlite, tmp_path_factory) -> Iterator[Site]:
    with empty_site(migrated_sqlite, tmp_path_factory.mktemp("journey")) as started:
        yield started


@pytest.fixture
def person(request, browser, site) -> Iterator[object]:
    people: list[Person] = []
    failed = request.session.testsfailed

    def make(journey: str, login: str | None, width: int, citizen: bool = False) -> Person:
        people.append(Person(browser, site, journey, login, width, citizen))
        return people[-1]

    yield make
    for someone in people:
        if request.session.testsfailed > failed:  # where each one was, for the report
            print(f"{someone.journey} at {someone.page.url}:\n{someone.page.locator('main').inner_text()}")
        someone.close()
