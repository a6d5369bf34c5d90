"""Certification support through the app: the trainee claims with a receipt on the web, the
operator sees pass rates, the manager sets the budget, approves and pays; the API agrees."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from ilja import clock
from ilja.db import engine_for, transaction
from ilja.support import certification_service as cert
from tests.conftest import app_database
from tests.support.factories import OPERATOR, PDF, trainees
from tests.support.site import Site, make_users
from tests.web.html_check import check_page


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from ilja.people.rrn import generate_key_file
    from ilja.web.app import create_app

    tmp = tmp_path_factory.mktemp("support-web")
    with app_database(tmp) as url:
        keyring = generate_key_file(tmp / "keys" / "data-keys.json")
        persons, _ = trainees(url, keyring, n=2)
        with transaction(engine_for(url)) as session:
            cert.add_certification(session, code="AZ-AI102", vendor="microsoft", name="Azure AI Engineer",
                                   fee_won=165_000, actor=OPERATOR)
        tokens = make_users(url, persons[0])
        with TestClient(create_app()) as client:
            yield Site(client, url, tokens)


def test_the_trainee_claims_a_fee_on_the_web_and_the_manager_pays_it(site):
    token = site.log_in("citizen")
    page = site.client.get("/support/me/certifications")
    assert page.status_code == 200 and check_page(page.text).problems == []
    assert "Azure AI Engineer" in page.text
    form = {"csrf_token": token, "certification_id": "1",
            "exam_on": (clock.today() - dt.timedelta(days=5)).isoformat(), "fee_paid_won": "165000",
            "result": "passed"}
    bad = site.client.post("/support/me/certifications", data=form,
                           files={"receipt": ("r.exe", b"MZ\x90 nope", "application/pdf")})
    assert bad.status_code == 422 and check_page(bad.text).problems == []
    assert "PDF, PNG, JPEG" in bad.text
    done = site.client.post("/support/me/certifications", data=form,
                            files={"receipt": ("영수증.pdf", PDF, "application/pdf")}, follow_redirects=False)
    assert done.status_code == 303
    mine = site.api("citizen", "GET", "/support/me/attempts").json()
    assert [(a["certification"], a["claim"]["status"], a["claim"]["amount_entitled_won"]) for a in mine] == [
        ("AZ-AI102", "submitted", 165_000)]

    token = site.log_in("program_manager")
    page = site.client.get("/support/claims")
    assert page.status_code == 200 and check_page(page.text).problems == []
    claim_id = mine[0]["claim"]["id"]
    refused = site.client.post(f"/support/claims/{claim_id}/decision",
                               data={"csrf_token": token, "decision": "approve"})
    assert refused.status_code == 404 and "budget" in refused.text  # no budget set yet
    assert site.client.post("/support/budgets", data={"csrf_token": token, "kind": "certification_fee",
                                                      "year": str(clock.today().year), "amount_won": "1000000",
                                                      "source": "2026 예산"}, follow_redirects=False).status_code == 303
    approved = site.client.post(f"/support/claims/{claim_id}/decision",
                                data={"csrf_token": token, "decision": "approve"}, follow_redirects=False)
    assert approved.status_code == 303
    paid = site.client.post(f"/support/claims/{claim_id}/payment",
                            data={"csrf_token": token, "paid_on": "2026-01-05", "payment_ref": "TX-9"},
                            follow_redirects=False)
    assert paid.status_code == 303
    receipt = site.client.get(f"/support/claims/{claim_id}/receipt")
    assert receipt.content == PDF and receipt.headers["content-type"] == "application/pdf"
    budgets = site.api("auditor", "GET", "/support/budgets").json()
    assert ([(b["year"], b["committed_won"], b["paid_won"]) for b in budgets]
            == [(clock.today().year, 165_000, 165_000)])


def test_the_operator_sees_pass_rates_by_campus_and_course_and_sets_results(site):
    token = site.log_in("operator")
    page = site.client.get("/support/certifications", params={"year": clock.today().year})
    assert page.status_code == 200 and check_page(page.text).problems == []
    assert re.search(r'id="rates-campus".*campus\.mapo.*100\.0%', page.text, re.S)
    attempt_id = site.api("operator", "GET", "/support/persons/1/attempts").json()
    assert site.api("operator", "GET", "/support/pass-rates", params={"by": "course"}).json()[0]["key"] == "MAPO-AI"
    if attempt_id:
        response = site.client.post(f"/support/attempts/{attempt_id[0]['id']}/result",
                                    data={"csrf_token": token, "result": "failed"}, follow_redirects=False)
        assert response.status_code == 303
    english = site.client.get("/support/certifications", params={"lang": "en"})
    assert "Certification pass rates" in english.text
    site.client.get("/support/certifications", params={"lang": "ko"})


def test_roles_outside_the_service_are_refused(site):
    assert site.api("citizen", "GET", "/support/claims").status_code == 403
    assert site.api("job_coordinator", "POST", "/support/claims/1/decision",
                    json={"approve": True}).status_code == 403
    assert site.api("program_manager", "POST", "/support/claims/999/decision",
                    json={"approve": True}).status_code == 404
