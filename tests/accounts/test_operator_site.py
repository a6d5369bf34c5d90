"""An operator works for one known site (issue 17 §1): an operator account without a site, or
with a site code no site has, is refused — in the service, the API (422 with the field) and the
administrator's page (422 in the page's language, naming the field by its label) — and no other
role can be changed into such an operator. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ilja.accounts import audit, service
from ilja.accounts.models import User
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from tests.conftest import configured
from tests.web.html_check import check_page

PASSWORD = "Tr0ub4dor&3x"


@pytest.fixture
def site(database_url, tmp_path):
    from ilja.web.app import create_app

    with transaction(engine_for(database_url)) as session:
        admin = service.create_user(session, login="admin", password=PASSWORD, role=Role.ADMIN, display_name="관리자")
        token = service.issue_token(session, admin, "test")[1]
    with configured(database_url, tmp_path), TestClient(create_app()) as client:
        yield database_url, client, {"Authorization": f"Bearer {token}"}


def _operators(url: str) -> int:
    with transaction(engine_for(url)) as session:
        return session.scalar(select(func.count()).select_from(User).where(User.role == "operator"))


@pytest.mark.parametrize("site_code", [None, "", "no.such.site"])
def test_the_service_refuses_an_operator_without_a_known_site(site, site_code):
    url, _, _ = site
    with transaction(engine_for(url)) as session, pytest.raises(service.AccountError) as refused:
        service.create_user(session, login="op", password=PASSWORD, role=Role.OPERATOR, display_name="운영",
                            site_code=site_code)
    assert refused.value.status == 422 and refused.value.code in ("site_required", "site_unknown")
    assert refused.value.message_ko.startswith("기관 코드:") and refused.value.message_en.startswith("Site code:")
    assert _operators(url) == 0


def test_a_site_of_the_plan_or_one_that_hosts_records_is_known(site):
    url, _, _ = site
    with transaction(engine_for(url)) as session:
        service.create_user(session, login="mapo", password=PASSWORD, role=Role.OPERATOR, display_name="마포",
                            site_code="campus.mapo")
    assert _operators(url) == 1


def test_no_other_account_becomes_an_operator_without_a_site(site):
    url, _, _ = site
    with transaction(engine_for(url)) as session:
        user = service.create_user(session, login="coord", password=PASSWORD, role=Role.JOB_COORDINATOR,
                                   display_name="잡코디")
        with pytest.raises(service.AccountError, match="Site code"):
            service.change_role(session, user.id, Role.OPERATOR, audit.SYSTEM_ACTOR)
    assert _operators(url) == 0


def test_the_api_and_the_page_refuse_it_in_the_callers_language(site):
    url, client, admin = site
    body = {"login": "op", "password": PASSWORD, "role": "operator", "display_name": "운영"}
    for site_code in (None, "no.such.site"):
        response = client.post("/api/v1/users", headers=admin, json={**body, "site_code": site_code})
        assert response.status_code == 422, response.text
        assert response.json()["detail"]["msg"].startswith("Site code:")
    for lang, words in (("ko", "기관 코드:"), ("en", "Site code:")):
        page = client.post("/users", headers=admin, params={"lang": lang}, data={**body, "site_code": "no.such.site"})
        assert page.status_code == 422
        assert words in check_page(page.text).text
    assert _operators(url) == 0
    made = client.post("/api/v1/users", headers=admin, json={**body, "site_code": "campus.mapo"})
    assert made.status_code == 201 and made.json()["site_code"] == "campus.mapo"
