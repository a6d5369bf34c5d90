"""Pages of the messages: the citizen's "내 알림" (inbox, one message, their choices) and staff's
list of messages with each channel's delivery status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja.accounts.deps import DbSession, OwnProfileEditor, OwnProfileReader, PeopleReader
from ilja.accounts.scope import Scope
from ilja.messages import outbox, service
from ilja.messages.models import MessageStatus
from ilja.people.models import Person
from ilja.support.pages import person_names
from ilja.web.templating import private_page, render, translator

router = APIRouter(include_in_schema=False)


def _page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return private_page(request, template, {"errors": [], "saved": False, **context}, status_code=status_code)


def _not_found(request: Request) -> HTMLResponse:
    return render(request, "not_found.html", {"what": translator(request)("messages.what")}, status_code=404)


@router.get("/me/messages", response_class=HTMLResponse)
def my_messages(request: Request, db: DbSession, principal: OwnProfileReader) -> HTMLResponse:
    person_id = principal.user.person_id
    messages = service.inbox(db, person_id) if person_id is not None else []
    return _page(request, "messages/inbox.html", {"messages": messages, "linked": person_id is not None,
                                                  "unread": sum(m.read_at is None for m in messages)})


def _settings_context(db: DbSession, person_id: int | None) -> dict[str, Any]:
    if person_id is None:
        return {"linked": False}

    person = db.get(Person, person_id)
    pref = outbox.preference(db, person_id)
    return {"linked": True, "pref": pref, "has_email": bool(person and person.email),
            "has_phone": bool(person and person.phone), "topics": service.optional_topics(db, person_id),
            "opted_out": set(pref.opted_out or []), "all": outbox.OPT_OUT_ALL}


@router.get("/me/messages/settings", response_class=HTMLResponse)
def my_settings(request: Request, db: DbSession, principal: OwnProfileReader, saved: int = 0) -> HTMLResponse:
    return _page(request, "messages/settings.html", {**_settings_context(db, principal.user.person_id),
                                                     "saved": bool(saved)})


@router.post("/me/messages/settings", response_model=None)
async def save_settings(request: Request, db: DbSession, principal: OwnProfileEditor) -> Response:
    form = await request.form()
    person_id = principal.user.person_id
    if person_id is None:
        return _page(request, "messages/settings.html", {"linked": False}, status_code=422)
    opted = [str(v)[:64] for v in form.getlist("opted_out")][:100]
    try:
        with db.begin_nested():
            service.save_preference(db, person_id, language=str(form.get("language", ""))[:2],
                                    email=form.get("email") == "on",
                                    phone_channel=str(form.get("phone_channel", ""))[:16], opted_out=opted,
                                    actor=principal.actor)
    except service.PreferenceError as error:
        return _page(request, "messages/settings.html",
                     {**_settings_context(db, person_id), "errors": [error.message(translator(request).lang)]},
                     status_code=422)
    return RedirectResponse("/me/messages/settings?saved=1", status_code=303)


@router.get("/me/messages/{message_id}", response_class=HTMLResponse)
def my_message(request: Request, message_id: int, db: DbSession, principal: OwnProfileReader) -> HTMLResponse:
    message = service.open_message(db, Scope.of(principal), message_id, reader_person_id=principal.user.person_id)
    if message is None:
        return _not_found(request)
    return _page(request, "messages/message.html", {"message": message})


@router.get("/messages", response_class=HTMLResponse)
def sent(request: Request, db: DbSession, principal: PeopleReader, person_id: int | None = None,
         status: str | None = None) -> HTMLResponse:
    chosen = status if status in {s.value for s in MessageStatus} else None
    rows = service.sent(db, Scope.of(principal), person_id=person_id, status=chosen)
    return _page(request, "messages/sent.html", {
        "rows": rows, "status": chosen or "", "person_id": person_id,
        "statuses": [s.value for s in MessageStatus],
        "names": person_names(db, principal, (r.message.person_id for r in rows))})


@router.get("/messages/{message_id}", response_class=HTMLResponse)
def sent_one(request: Request, message_id: int, db: DbSession, principal: PeopleReader) -> HTMLResponse:
    message = service.open_message(db, Scope.of(principal), message_id)
    if message is None:
        return _not_found(request)
    listed = service.Listed(message, outbox.deliveries(db, [message.id])[message.id])
    return _page(request, "messages/sent_one.html", {
        "row": listed, "names": person_names(db, principal, [message.person_id])})
