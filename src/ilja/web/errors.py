"""Error responses that never echo personal data back.

FastAPI's default 422 body repeats each bad value (``input``); for a person that may be a birth
date or an ID number. Ilja keeps the location, the message and the machine code, and drops the
input (Pydantic's error shape: loc, msg, type).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


def _safe(error: dict) -> dict:
    return {"loc": list(error.get("loc", ())), "msg": error.get("msg", ""), "type": error.get("type", "")}


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": [_safe(e) for e in exc.errors()]})


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
