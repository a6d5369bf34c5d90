"""The OpenAPI document describes the error bodies the API really sends (``ilja.web.openapi``).

Real 422 answers — a bad body, bad JSON, a bad query parameter, domain refusals, a number too large
for the database, row errors of a timesheet, a NUL character on PostgreSQL — must match the schema
the document gives their operation, checked the way the API fuzz checks them (schemathesis); and
FastAPI's default body, which repeats the input, must not.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import httpx
import pytest

from ilja.ops.site import Site, open_site

pytestmark = pytest.mark.usefixtures("schemathesis_asgi")
REF = "#/components/schemas/"


@pytest.fixture
def site(database_url, tmp_path) -> Iterator[Site]:
    with open_site(database_url, tmp_path, migrate=False) as opened:
        yield opened


def _schema(app):
    import schemathesis

    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


def _check(schema, method: str, path: str, response: httpx.Response) -> None:
    """``response`` has a documented body for its status and matches it (raises otherwise)."""
    operation = schema[path][method]
    definition = operation.responses.find_by_status_code(response.status_code)
    assert definition is not None and definition.definition.get("content"), (
        f"{method} {path}: {response.status_code} is not documented")
    operation.validate_response(response)


def _timesheet_row_error(site: Site, client) -> tuple[str, httpx.Response]:
    from ilja.accounts import service as accounts
    from ilja.accounts.roles import Role
    from ilja.db import engine_for, transaction
    from ilja.publicjobs import service
    from tests.publicjobs.factories import MANAGER, add_person, add_project

    with transaction(engine_for(site.url)) as session:
        project = add_project(session, "attractive_jobs", host="host-1")
        placement = service.place(session, project_id=project, person_id=add_person(session),
                                  actor=MANAGER, start_on=dt.date(2025, 3, 1))
        host = accounts.create_user(session, login="host-1", password=site.password, role=Role.OPERATOR,
                                    display_name="host", site_code="host-1")
        token = accounts.issue_token(session, host, "test")[1]
    entry = {"placement_id": placement.id, "day": "2025-07-01", "kind": "worked", "milli_hours": 9000}
    return (f"/api/v1/publicjobs/projects/{project}/timesheets/2025-07",
            client.put(f"/api/v1/publicjobs/projects/{project}/timesheets/2025-07", json=[entry],
                       headers={"Authorization": f"Bearer {token}"}))


def test_real_422_bodies_match_the_documented_schema(site):
    client = site.client(raise_server_exceptions=False)
    manager, admin = site.bearer("program_manager"), site.bearer("admin")
    coordinator = site.bearer("job_coordinator")
    huge = 10**30
    answers = [
        ("POST", "/api/v1/eligibility", client.post("/api/v1/eligibility", json={"on": "x", "person": 3})),
        ("POST", "/api/v1/eligibility", client.post("/api/v1/eligibility", content=b"{",
                                                    headers={"content-type": "application/json"})),
        ("GET", "/api/v1/people", client.get("/api/v1/people?limit=abc", headers=manager)),
        ("POST", "/api/v1/users", client.post("/api/v1/users", headers=admin, json={
            "login": "weak", "password": "short", "display_name": "x", "role": "auditor"})),
        ("POST", "/api/v1/matching/runs", client.post("/api/v1/matching/runs", headers=coordinator,
                                                      json={"round_code": "no-such-round"})),
        ("GET", "/api/v1/people/{person_id}", client.get(f"/api/v1/people/{huge}", headers=manager)),
    ]
    path, response = _timesheet_row_error(site, client)
    answers.append(("PUT", "/api/v1/publicjobs/projects/{project_id}/timesheets/{month}", response))
    if site.url.startswith("postgresql"):  # SQLite stores U+0000; PostgreSQL text refuses it
        answers.append(("POST", "/api/v1/people/export", client.post(
            "/api/v1/people/export", headers=manager, json={"reason": "명단\x00제출"})))
    schema = _schema(site.app)
    shapes = set()
    for method, path, response in answers:
        assert response.status_code == 422, (method, path, response.status_code, response.text[:300])
        _check(schema, method, path, response)
        detail = response.json()["detail"]
        shapes.add(",".join(sorted(detail[0])) if isinstance(detail, list) else type(detail).__name__)
    assert shapes == {"str", "dict", "loc,msg,type"}  # a message, a domain's Problem, Pydantic's


def test_fastapi_default_422_body_does_not_match(app):
    """The documented schema is strict: the default body (which echoes ``input``) is refused."""
    from schemathesis.openapi.checks import JsonSchemaError

    schema = _schema(app)
    body = {"detail": [{"loc": ["query", "limit"], "msg": "Input should be a valid integer",
                        "type": "int_parsing", "input": "abc"}]}
    response = httpx.Response(422, json=body, request=httpx.Request("GET", "http://testserver/api/v1/people"))
    response.elapsed = dt.timedelta(0)
    with pytest.raises(JsonSchemaError, match="violates schema"):
        _check(schema, "GET", "/api/v1/people", response)


def test_every_api_operation_documents_its_error_bodies(app):
    document = app.openapi()
    assert "HTTPValidationError" not in json.dumps(document)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert responses["4XX"]["content"]["application/json"]["schema"] == {"$ref": REF + "ErrorResponse"}
            for status, response in responses.items():
                if status.startswith("4"):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema["$ref"] in (REF + "ErrorResponse", REF + "ValidationErrorResponse"), (
                        method, path, status)
            inputs = operation.get("parameters") or operation.get("requestBody")
            if inputs:
                assert responses["422"]["content"]["application/json"]["schema"] == {
                    "$ref": REF + "ValidationErrorResponse"}, (method, path)
