"""Every free-text field of the API's request bodies (people, support, public jobs, applications,
selection) is ``FreeText`` or ``MultilineText``: a new field that forgets fails here. Codes,
dates and choices are not free text and are listed by name."""

from __future__ import annotations

import typing

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel

from ilja.support.errors import Invalid, required_text
from ilja.text import FreeText, MultilineText
from ilja.web.app import create_app

DOMAINS = ("/api/v1/people", "/api/v1/support", "/api/v1/publicjobs", "/api/v1/rounds",
           "/api/v1/applications", "/api/v1/selection", "/api/v1/me")
# Not free text: codes and keys checked against what exists, patterned months, choices.
NOT_FREE_TEXT = {"program", "program_code", "track_code", "code", "vendor", "kind", "month",
                 "campus_code", "organisation_code", "parent_code", "rrn", "phone", "district",
                 "q", "format", "stage", "decision", "result", "status", "withdrawal", "role",
                 "preferences", "policy_options", "idempotency_key", "person_id", "unit", "id",
                 "sido", "nationality", "visa",
                 "collection_use", "sensitive", "unique_id"}  # consent texts' versions, checked against the texts
FREE_TEXT_TYPES = (FreeText, MultilineText)


def _is_free_text(field) -> bool:
    """Whether the field carries the validator of ``FreeText`` or ``MultilineText``."""
    wanted = {id(m) for t in FREE_TEXT_TYPES for m in typing.get_args(t)[1:]}
    return any(id(m) in wanted for m in field.metadata) or any(
        id(m) in wanted for arg in typing.get_args(field.annotation)
        for m in getattr(arg, "__metadata__", ()))


def _string_fields(model: type[BaseModel], prefix: str = ""):
    for name, field in model.model_fields.items():
        annotation = field.annotation
        args = typing.get_args(annotation) or (annotation,)
        if str in args:
            yield f"{prefix}{name}", name, field
        for arg in args:
            inner = typing.get_args(arg) or (arg,)
            for candidate in inner:
                if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                    yield from _string_fields(candidate, f"{prefix}{name}.")


def test_every_free_text_field_refuses_an_rrn_and_control_characters():
    missing = []
    checked = 0
    for context in iter_route_contexts(create_app().routes):
        route = context.original_route
        if not (isinstance(route, APIRoute) and context.path.startswith(DOMAINS)):
            continue
        for parameter in route.dependant.body_params:
            model = parameter.field_info.annotation
            if not (isinstance(model, type) and issubclass(model, BaseModel)):
                continue
            for where, name, field in _string_fields(model):
                if name in NOT_FREE_TEXT:
                    continue
                checked += 1
                if not _is_free_text(field):
                    missing.append(f"{context.path} {where}")
    assert not missing, missing
    assert checked >= 30


@pytest.mark.parametrize("value", ["상담 900101-1234567", "제목\x07"])
def test_a_form_posted_straight_to_a_support_service_is_checked_too(value):
    with pytest.raises(Invalid) as refused:
        required_text(value, "title")
    assert refused.value.field == "title" and "900101" not in str(refused.value.args)
    assert required_text("  여러 줄\n메모  ", "note") == "여러 줄\n메모"


def test_the_selection_export_page_reason_is_checked_before_anything_is_read(database_url):
    import io

    from ilja.accounts import audit
    from ilja.db import engine_for, transaction
    from ilja.selection.errors import SelectionError
    from ilja.selection.results import export_results

    manager = audit.Actor("1", "program_manager", "127.0.0.1")
    with transaction(engine_for(database_url)) as session, pytest.raises(SelectionError) as refused:
        export_results(session, 1, io.BytesIO(), reason="명단 확인 900101-1234567", actor=manager)
    assert "900101" not in str(refused.value.args)
