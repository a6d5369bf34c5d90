"""The matching API: run, review, confirm, decide an offer, list hires; errors as 404/409/422."""

from __future__ import annotations

from sqlalchemy import update

from ilja import clock
from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.matching.models import Candidate
from tests.matching.test_pages import site  # noqa: F401 - the fixture

PASSWORD = "Tr0ub4dor&3x"
TODAY = clock.today().isoformat()


def _bearer(url: str) -> dict[str, str]:
    with transaction(engine_for(url)) as session:
        user = accounts.create_user(session, login="jobco-api", password=PASSWORD,
                                    role=Role.JOB_COORDINATOR, display_name="API")
        session.execute(update(Candidate).values(coordinator_user_id=user.id))  # their caseload (scope)
        return {"Authorization": f"Bearer {accounts.issue_token(session, user, 'test')[1]}"}


def test_api_flow(site):  # noqa: F811
    headers = _bearer(site.url)
    assert site.post("/api/v1/matching/runs", json={"round_code": "nope"},
                     headers=headers).status_code == 422
    made = site.post("/api/v1/matching/runs", json={"round_code": "2026-1"}, headers=headers)
    assert made.status_code == 201, made.text
    run = made.json()
    assert run["matched"] == 2 and run["blocking_pairs"] == 0
    assert run["alternative"]["method"] == "max_fit"
    assert site.get(f"/api/v1/matching/runs/{run['id']}", headers=headers).json()["id"] == run["id"]
    fits = site.get(f"/api/v1/matching/candidates/{site.data['dev'].id}/fit", headers=headers)
    assert fits.json()[0]["posting"]["code"] == "P-BE"
    offers = site.post(f"/api/v1/matching/runs/{run['id']}/confirm", json={},
                       headers=headers).json()["offers"]
    assert site.post(f"/api/v1/matching/runs/{run['id']}/confirm", json={},
                     headers=headers).status_code == 409
    decided = site.post(f"/api/v1/matching/offers/{offers[0]}/decision",
                        json={"decision": "hired", "on": TODAY}, headers=headers)
    assert decided.json()["outcome_id"] is not None
    hires = site.get("/api/v1/matching/outcomes", headers=headers).json()
    assert [h["hired_on"] for h in hires] == [TODAY]
    assert site.get("/api/v1/matching/runs/999", headers=headers).status_code == 404
    assert site.get("/api/v1/matching/me", headers=headers).status_code == 403
