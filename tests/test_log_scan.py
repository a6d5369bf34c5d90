"""No personal data in a log line or an error body when a write fails in the database.

Every write route of the API is called (as each role, until one may) with personal values in
every text field, while the session's first write of text (a flush, or a Core insert or update)
fails the way PostgreSQL fails: a real unique violation whose ``DETAIL`` quotes the pending rows'
text back (``Key (v)=(김누설 010-…)``). All log output and every error body are then scanned for
the values, as typed and URL-encoded (issue 17 §4). The routes that reached a failing write are
counted, so a change that stops exercising them shows.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction

NAME, PHONE, ADDRESS, NOTE = "김누설", "010-7345-2231", "누설로 77", "상담 메모 누설"
STORED_NAME, STORED_PHONE = "박저장", "010-5151-6262"
SUBMITTED = (NAME, PHONE, ADDRESS, NOTE)
MARKERS = (*SUBMITTED, STORED_NAME, STORED_PHONE, PHONE.replace("-", ""),
           STORED_PHONE.replace("-", ""))
PDF = b"%PDF-1.4\n% receipt\n%%EOF"
PASSWORD = "Tr0ub4dor&3x-log"
WRITES = ("post", "put", "patch", "delete")


def _leaks(text_: str) -> list[str]:
    return [m for m in MARKERS if m in text_ or quote(m) in text_]


def _resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


CODE_FIELDS = ("code", "_id", "kind", "status", "program", "district", "association", "vendor",
               "format", "stage", "role", "result", "decision", "unit", "channel", "preferences")


def _text_for(name: str, schema: dict) -> str:
    """Personal values where a person types text: a name, a phone, an address, else a note, cut
    to length. A code field gets an unknown code: its refusal may name the code it did not know."""
    lowered = name.lower()
    if lowered.endswith(CODE_FIELDS):
        return "zz-unknown"[: schema.get("maxLength", 10)]
    value = (PHONE if "phone" in lowered else ADDRESS if "address" in lowered or "place" in lowered
             else NAME if "name" in lowered else NOTE)
    return value[: schema.get("maxLength", len(value))]


def _example(schema: dict, spec: dict, name: str = "") -> Any:
    """A value for ``schema`` that carries personal text wherever a string goes."""
    schema = _resolve(schema, spec)
    if "anyOf" in schema or "oneOf" in schema:
        options = [_resolve(s, spec) for s in schema.get("anyOf", schema.get("oneOf", []))]
        usable = [s for s in options if s.get("type") != "null"] or options
        return _example(usable[0], spec, name)
    if "allOf" in schema:
        return _example(schema["allOf"][0], spec, name)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {key: _example(value, spec, key) for key, value in schema.get("properties", {}).items()}
    if kind == "array":
        return [_example(schema.get("items", {}), spec, name)
                for _ in range(max(1, schema.get("minItems", 1)))]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return "2025-03-03"
        if fmt == "date-time":
            return "2025-03-03T09:00:00+09:00"
        if fmt == "binary":
            return PDF
        if "pattern" in schema:
            return "2025-03" if "\\d{4}-" in schema["pattern"] or "{3}-" in schema["pattern"] else "x"
        return _text_for(name, schema)
    return NOTE


def _request(spec: dict, path: str, method: str, operation: dict) -> dict[str, Any]:
    url = path
    params: dict[str, Any] = {}
    for parameter in operation.get("parameters", []):
        value = _example(parameter.get("schema", {}), spec, parameter["name"])
        if parameter["in"] == "path":
            url = url.replace("{" + parameter["name"] + "}", quote(str(value if isinstance(value, int) else 1)))
        elif parameter["in"] == "query":
            params[parameter["name"]] = value
    request: dict[str, Any] = {"method": method.upper(), "url": url, "params": params}
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        request["json"] = _example(content["application/json"]["schema"], spec)
    elif "multipart/form-data" in content:
        fields = _example(content["multipart/form-data"]["schema"], spec)
        request["files"] = {k: ("receipt.pdf", v) for k, v in fields.items() if isinstance(v, bytes)}
        request["data"] = {k: v for k, v in fields.items() if not isinstance(v, bytes)}
    return request


@pytest.fixture
def app_and_tokens(database_url, tmp_path, monkeypatch):
    from ilja.config import get_settings
    from ilja.people import registry
    from ilja.people.keys import get_keyring, reset_keyring
    from ilja.web.app import create_app
    from tests.people.conftest import MANAGER, record

    for variable in ("ILJA_DATA_KEY_FILE", "ILJA_DATA_KEYS", "ILJA_INDEX_KEYS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ILJA_ENVIRONMENT", "test")
    get_settings.cache_clear()
    reset_keyring()
    tokens: dict[Role, str] = {}
    with transaction(engine_for(database_url)) as session:
        person = registry.register_person(
            session, record(name=STORED_NAME, phone=STORED_PHONE), actor=MANAGER,
            program="companion_jobs", keyring=get_keyring()).person.id
        for role in Role:
            user = accounts.create_user(session, login=f"log-{role.value}", password=PASSWORD, role=role,
                                        display_name="log scan", person_id=person if role is Role.CITIZEN else None,
                                        site_code="campus.mapo" if role is Role.OPERATOR else None)
            tokens[role] = accounts.issue_token(session, user, "test")[1]
        session.execute(text("CREATE TABLE leak_probe (v TEXT UNIQUE)"))
    app = create_app()
    with TestClient(app, raise_server_exceptions=False) as client:
        yield app, client, tokens
    with transaction(engine_for(database_url)) as session:
        session.execute(text("DROP TABLE leak_probe"))
    reset_keyring()
    get_settings.cache_clear()


def _fail_like_postgresql(session: Session, values: list[str], reached: list[str], current: list[str]) -> None:
    """A real unique violation whose DETAIL quotes the submitted and the stored personal values."""
    reached.append(current[0])
    row = " ".join([*SUBMITTED, STORED_NAME, STORED_PHONE, *values])[:1000]
    connection = session.connection()
    connection.execute(text("INSERT INTO leak_probe (v) VALUES (:v)"), {"v": row})
    connection.execute(text("INSERT INTO leak_probe (v) VALUES (:v)"), {"v": row})  # DETAIL: Key (v)=(…)
    raise AssertionError("the second insert must fail")  # pragma: no cover


def _failing_writes(monkeypatch, reached: list[str], current: list[str]) -> None:
    """Fail the first write that carries text: an ORM flush, or a Core INSERT/UPDATE (the
    submission and the sign-ups write without the unit of work)."""
    real_flush, real_execute = Session.flush, Session.execute

    def flush(self: Session, objects=None) -> None:
        values = [v for row in (*self.new, *self.dirty) for v in vars(row).values() if isinstance(v, str)]
        if not values:
            return real_flush(self, objects)
        _fail_like_postgresql(self, values, reached, current)

    def execute(self: Session, statement, params=None, *args, **kwargs):
        if getattr(statement, "is_dml", False) and not getattr(statement, "is_delete", False):
            rows = params if isinstance(params, list) else [params or {}]
            values = [v for row in rows for v in row.values() if isinstance(v, str)]
            if values:
                _fail_like_postgresql(self, values, reached, current)
        return real_execute(self, statement, params, *args, **kwargs)

    monkeypatch.setattr(Session, "flush", flush)
    monkeypatch.setattr(Session, "execute", execute)


def test_failed_writes_leave_no_personal_data_in_logs_or_error_bodies(app_and_tokens, caplog, monkeypatch):
    app, client, tokens = app_and_tokens
    spec = app.openapi()
    reached: list[str] = []
    current = [""]
    caplog.set_level(logging.DEBUG)
    _failing_writes(monkeypatch, reached, current)
    routes = [(path, method, operation) for path, item in spec["paths"].items()
              for method, operation in item.items() if method in WRITES]
    leaks: list[tuple[str, int, list[str]]] = []
    statuses: list[tuple[str, str, int]] = []
    for path, method, operation in routes:
        current[0] = f"{method.upper()} {path}"
        for role in (Role.PROGRAM_MANAGER, Role.ADMIN, Role.OPERATOR, Role.JOB_COORDINATOR, Role.CITIZEN):
            request = _request(spec, path, method, operation)
            response = client.request(**request, headers={"Authorization": f"Bearer {tokens[role]}"})
            if response.status_code >= 400 and (found := _leaks(response.text)):
                leaks.append((current[0], response.status_code, found))
            statuses.append((current[0], role.value, response.status_code))
            if response.status_code not in (401, 403):
                break
    logged = caplog.text + "\n".join(str(r.exc_info) for r in caplog.records if r.exc_info)
    assert not leaks, leaks
    assert not _leaks(logged), [line for line in logged.splitlines() if _leaks(line)][:10]
    exercised = sorted(set(reached))
    answers = Counter(status for _, _, status in statuses)
    print(f"\nlog scan: {len(routes)} write routes, {len(exercised)} reached a failing write, "
          f"answers {dict(sorted(answers.items()))}, {len(caplog.records)} log records, 0 leaks")
    assert len(exercised) >= 10, exercised
