"""The OpenAPI document describes the error bodies Ilja really sends.

FastAPI documents every 422 as its ``HTTPValidationError`` (items ``{loc, msg, type, input, ctx}``)
and no other error status. Ilja answers differently (``ilja.web.errors`` drops ``input``; the
domains refuse with their own bodies), so the document is rewritten once here, for every
operation under ``/api/``: the 422 response and each declared 4xx without a body get the shapes
below, a ``4XX`` entry covers the rest (401, 403, 404, 409, 413, 415, 429), and ``503`` says
the database was unavailable for a moment (``ilja.web.errors.database_unavailable``).

Every error body is ``{"detail": …}``, sometimes with a top-level ``code``; ``detail`` is one of
- a problem: ``{"code": "…", "msg": "…", "msg_ko": "…"}``, possibly with ``loc``, ``reason``,
  ``problems``, ``rows`` or ``violations`` — every refusal of a domain (``ilja.errors.IljaError``,
  answered by ``ilja.web.errors``, the only place that turns an error into a body);
- field errors: ``[{"loc": ["body", "on"], "msg": "…", "type": "…"}]`` (Pydantic's checks);
- a message: ``"Not authenticated"`` (with ``code`` for 401, the CSRF 403, a failed log-in, and the
  out-of-range / NUL 422 of ``ilja.web.security``), or Starlette's words for 404 and 405.
The schemas forbid other keys, so a new shape fails the API fuzz (``ilja.ops.fuzz_api``) until it
is described here.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from fastapi import FastAPI

REF = "#/components/schemas/"
TEXT = {"type": "string"}

SCHEMAS: dict[str, dict[str, Any]] = {
    "FieldError": {
        "title": "FieldError",
        "description": "What is wrong with one field, and where: never the value sent.",
        "type": "object",
        "required": ["loc", "msg"],
        "properties": {
            "loc": {"anyOf": [{"type": "array", "items": {"anyOf": [TEXT, {"type": "integer"}]}}, TEXT],
                    "description": 'Where: ["body", "on"], ["query", "limit"] or "postings[3].capacity".'},
            "msg": TEXT,
            "type": {**TEXT, "description": "A stable machine code."},
        },
        "additionalProperties": False,
    },
    "RowError": {
        "title": "RowError",
        "description": "One bad cell of an uploaded file (row 1 is the header).",
        "type": "object",
        "required": ["row", "column", "reason"],
        "properties": {"row": {"type": "integer"}, "column": TEXT, "code": TEXT, "reason": TEXT,
                       "msg_ko": {**TEXT, "description": "The reason in Korean (a result file)."}},
        "additionalProperties": False,
    },
    "Problem": {
        "title": "Problem",
        "description": "A refusal with a stable code and its messages in English and Korean.",
        "type": "object",
        "required": ["code"],
        "properties": {
            "code": TEXT,
            "loc": {"anyOf": [{"type": "array", "items": {"anyOf": [TEXT, {"type": "integer"}]}}, TEXT],
                    "description": 'Where: ["body", "month"] or ["body", "postings", "3", "seats"].'},
            "reason": {**TEXT, "description": "Which refusal of its kind (a check-in: wrong, expired, …)."},
            "msg": TEXT,
            "msg_ko": TEXT,
            "problems": {"type": "array", "items": {
                "type": "object", "required": ["field", "msg"],
                "properties": {"field": TEXT, "code": TEXT, "msg": TEXT, "msg_ko": TEXT},
                "additionalProperties": False}},
            "rows": {"type": "array", "items": {"$ref": REF + "RowError"}},
            "violations": {"type": "array", "items": TEXT, "description": "Password-policy codes."},
        },
        "additionalProperties": False,
    },
}


def _body(title: str, description: str, details: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "title": title,
        "description": description,
        "type": "object",
        "required": ["detail"],
        "properties": {
            "detail": {"anyOf": details},
            "code": {**TEXT, "description": "A stable machine code (401, 403, 429, out of range, NUL)."},
        },
        "additionalProperties": False,
    }


_DETAILS_422 = [
    TEXT,
    {"type": "array", "items": {"$ref": REF + "FieldError"}},
    {"$ref": REF + "Problem"},
]
SCHEMAS["ValidationErrorResponse"] = _body(
    "ValidationErrorResponse", "422: the input is not valid, or the domain refuses it.", _DETAILS_422)
SCHEMAS["ErrorResponse"] = _body(
    "ErrorResponse", "Any 4xx answer of the API, and 503 (try again).", _DETAILS_422)

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
FASTAPI_422 = REF + "HTTPValidationError"
FASTAPI_SCHEMAS = ("HTTPValidationError", "ValidationError")


def _json(name: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": REF + name}}}


def describe_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Rewrite ``document`` (FastAPI's) in place so its error responses are Ilja's; returns it."""
    for path, item in document.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in item.items():
            if method not in METHODS:  # a path item may also hold "parameters", "summary" …
                continue
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                if status == "422" and schema.get("$ref", FASTAPI_422) == FASTAPI_422:
                    if response.get("description") == "Validation Error":
                        response["description"] = "Invalid input, or a refusal of the domain"
                    response["content"] = _json("ValidationErrorResponse")
                elif status.startswith("4") and "content" not in response:
                    response["content"] = _json("ErrorResponse")
            responses.setdefault("4XX", {"description": "Refused (not logged in, not allowed, not "
                                                        "found, conflict …)",
                                         "content": _json("ErrorResponse")})
            responses.setdefault("503", {"description": "The database is unavailable for a "
                                                        "moment; nothing was saved: retry after "
                                                        "``Retry-After`` seconds",
                                         "content": _json("ErrorResponse")})
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(copy.deepcopy(SCHEMAS))
    for name in FASTAPI_SCHEMAS:  # HTTPValidationError first: it is what refers to ValidationError
        if f'"{REF}{name}"' not in json.dumps(document):
            schemas.pop(name, None)
    return document


def install(app: FastAPI) -> None:
    """Serve the rewritten document (``/api/v1/openapi.json``, ``/docs``), built once."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe_errors(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
