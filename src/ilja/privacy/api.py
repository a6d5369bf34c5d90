"""Privacy API under ``/api/v1``: the consent texts in force for a program (public, so an app can
show them before applying), and the citizen's own download (개인정보 보호법 §35)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.deps import DbSession, Principal, public, requires
from ilja.accounts.roles import Permission
from ilja.errors import AccountNotLinked
from ilja.people.consent_texts import purposes_for
from ilja.privacy import export
from ilja.privacy.schemas import ConsentTextOut

router = APIRouter(tags=["privacy"])


@router.get("/privacy/consent-texts", response_model=list[ConsentTextOut], dependencies=[Depends(public())])
def consent_texts(program: Annotated[str, Query(max_length=64, examples=["companion_jobs"])]) -> list[ConsentTextOut]:
    """The texts an application to ``program`` asks consent for today; send each one's
    ``version`` in the application's ``consent``."""
    return [ConsentTextOut(purpose=text.purpose, version=text.version, effective=text.effective,
                           required=text.required, label=text.label, purpose_text=text.purpose_text,
                           items=text.items, retention=text.retention, refusal=text.refusal)
            for text in purposes_for(program, clock.today())]


@router.get("/me/data", response_model=dict[str, Any])
def my_data(session: DbSession,
            principal: Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))]) -> dict[str, Any]:
    """Everything Ilja holds on the caller, every domain's records (the same as the page's JSON)."""
    person_id = principal.user.person_id if principal.user else None
    if person_id is None:
        raise AccountNotLinked()
    audit.record(session, principal.actor, "person.download_own", subject_person_id=person_id,
                 object_type="person", object_id=person_id, details={"format": "json"})
    return export.collect(session, person_id)
