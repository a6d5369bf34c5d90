"""Pages of decisions and objections: the citizen's "내 결정·이의신청" (each decision with its
reasons, basis and how, where and by when to contest it; the answer to a prior notice; the
objection form) and the staff's objection queue with the report, and an objection's page
(assignment, decision with reasons)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.deps import (
    Applicant,
    DbSession,
    OwnApplicationReader,
    PeopleReader,
    PlacementManager,
    Principal,
    StatusChanger,
)
from ilja.accounts.models import User
from ilja.accounts.roles import Permission, Role
from ilja.accounts.scope import Scope
from ilja.config import get_settings
from ilja.decisions import service as decisions
from ilja.decisions.catalogue import CATALOGUE, DecisionKind
from ilja.decisions.models import Appeal, Decision
from ilja.people import stored_files
from ilja.people.keys import get_keyring
from ilja.publicjobs import decisions as publicjobs_decisions
from ilja.publicjobs import service as publicjobs
from ilja.rights import attachments
from ilja.rights import service as rights
from ilja.support.pages import person_names
from ilja.web.templating import private_page, render, translator

router = APIRouter(include_in_schema=False)
Found = TypeVar("Found")
DONE = ("appeal", "answered", "agreed")  # what the page confirms after a form was sent



def _page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return private_page(request, template, {"errors": [], "values": {}, **context}, status_code=status_code)


def _not_found(request: Request) -> HTMLResponse:
    return render(request, "not_found.html", {"what": translator(request)("rights.decision")}, status_code=404)


def reason_items(text: str) -> list[dict[str, Any]]:
    """A decision's reasons as nested items (``text``, and ``under`` it the items it explains):
    the reasons are lines, each indented under the line it explains (the verdict, a condition not
    met, the rule it used: ``rules.explain.decision_lines``), which a page shows as nested lists,
    not as one paragraph."""
    top: list[dict[str, Any]] = []
    open_: list[tuple[int, list[dict[str, Any]]]] = [(-1, top)]  # (indent, its items) down to here
    for line in text.splitlines():
        words = line.lstrip(" ")
        if not words.strip():
            continue
        indent = len(line) - len(words)
        while open_[-1][0] >= indent:
            open_.pop()
        item: dict[str, Any] = {"text": words.rstrip(), "under": []}
        open_[-1][1].append(item)
        open_.append((indent, item["under"]))
    return top


def decision_view(row: Decision, lang: str) -> dict[str, Any]:
    """A decision as a page shows it: its catalogue entry, reasons (``reason_items``), basis lines
    and contest routes with their deadlines."""
    entry = CATALOGUE[DecisionKind(row.kind)]
    deadline = {"objection": row.objection_by, "administrative_appeal": row.appeal_by}
    basis = [item.get(lang) or item.get("ko") or item.get("label_" + lang) or item.get("name", "")
             for item in row.basis or []]
    return {"row": row, "entry": entry, "label": entry.label.pick(lang), "basis_text": entry.basis.pick(lang),
            "basis": [b for b in basis if b],
            "reasons": reason_items(row.reasons_en if lang == "en" else row.reasons_ko),
            "routes": [{"name": r.name.pick(lang), "where": r.where.pick(lang), "by": deadline.get(r.code),
                        "code": r.code} for r in entry.routes]}


# ------------------------------------------------------------------ the citizen
@router.get("/my/decisions", response_class=HTMLResponse)
def my_decisions(request: Request, db: DbSession, principal: OwnApplicationReader) -> HTMLResponse:
    person_id = principal.user.person_id if principal.user else None
    lang = translator(request).lang
    rows = rights.decisions_of(db, person_id) if person_id is not None else []
    return _page(request, "rights/my_decisions.html", {
        "items": [decision_view(r, lang) for r in rows], "linked": person_id is not None, "active": "my"})


def _my_context(request: Request, db: Session, principal: Principal, row: Decision) -> dict[str, Any]:
    t = translator(request)
    appeals = rights.appeals_of_decision(db, row.id)
    return {"d": decision_view(row, t.lang), "appeals": appeals, "today": clock.today(),
            "answer": rights.answer_text(row, get_keyring()),
            "can_write": principal.can(Permission.APPLICATION_SUBMIT_OWN),
            "open_appeal": any(a.status in ("filed", "assigned") for a in appeals), "done": "", "active": "my"}


def _in_scope(get: Callable[[Session, int, Scope], Found], db: Session, principal: Principal,
              key: int) -> Found | None:
    """A decision or an appeal (``get``) if it is within the caller's scope, else None: the
    page answers 404 either way, so nobody learns what exists outside it."""
    try:
        return get(db, key, Scope.of(principal))
    except rights.NotFound:
        return None


@router.get("/my/decisions/{decision_id}", response_class=HTMLResponse)
def my_decision(request: Request, decision_id: int, db: DbSession, principal: OwnApplicationReader,
                done: str = "") -> HTMLResponse:
    row = _in_scope(rights.get_decision, db, principal, decision_id)
    if row is None:
        return _not_found(request)
    return _page(request, "rights/my_decision.html", {**_my_context(request, db, principal, row),
                                                      "done": done if done in DONE else ""})


def _refused(request: Request, db: Session, principal: Principal, row: Decision, error: rights.RightsError,
             values: dict[str, str]) -> HTMLResponse:
    t = translator(request)
    return _page(request, "rights/my_decision.html", {
        **_my_context(request, db, principal, row), "values": values,
        "errors": [(error.field or "text", error.message(t.lang))]}, status_code=error.status_code)


@router.post("/my/decisions/{decision_id}/appeal", response_model=None)
async def file_appeal(request: Request, decision_id: int, db: DbSession, principal: Applicant,
                      text: Annotated[str, Form(max_length=rights.TEXT_MAX + 100)] = "",
                      attachment: Annotated[UploadFile | None, File()] = None) -> Response:
    row = _in_scope(rights.get_decision, db, principal, decision_id)
    if row is None:
        return _not_found(request)
    content = await attachment.read(stored_files.ATTACHMENT_MAX_BYTES + 1) if attachment is not None else b""
    try:
        with db.begin_nested():
            rights.file_appeal(db, principal.actor, decision_id=row.id, text=text, attachment=content or None,
                               keyring=get_keyring(), store=get_settings().data_dir, scope=Scope.of(principal))
    except rights.RightsError as error:
        return _refused(request, db, principal, row, error, {"text": text})
    return RedirectResponse(f"/my/decisions/{row.id}?done=appeal", status_code=303)


@router.post("/my/decisions/{decision_id}/answer", response_model=None)
def answer(request: Request, decision_id: int, db: DbSession, principal: Applicant,
           answer: Annotated[str, Form(max_length=rights.TEXT_MAX + 100)] = "",
           agree: Annotated[str, Form(max_length=8)] = "") -> Response:
    """The answer to a prior notice: a comment for staff, or agreement (it takes effect now)."""
    row = _in_scope(rights.get_decision, db, principal, decision_id)
    if row is None:
        return _not_found(request)
    try:
        with db.begin_nested():
            if agree:
                rights.agree(db, principal.actor, decision_id=row.id, scope=Scope.of(principal))
            else:
                rights.answer(db, principal.actor, decision_id=row.id, text=answer, keyring=get_keyring(),
                              scope=Scope.of(principal))
    except rights.RightsError as error:
        error.field = "answer"
        return _refused(request, db, principal, row, error, {"answer": answer})
    return RedirectResponse(f"/my/decisions/{row.id}?done={'agreed' if agree else 'answered'}", status_code=303)


# ------------------------------------------------------------------ staff
@router.get("/rights/appeals", response_class=HTMLResponse)
def appeal_queue(request: Request, db: DbSession, principal: PeopleReader, all: int = 0) -> HTMLResponse:
    lang = translator(request).lang
    rows = rights.queue(db, Scope.of(principal), open_only=not all)
    answered = rights.answered_proposals(db, Scope.of(principal))
    return _page(request, "rights/queue.html", {
        "rows": [(a, decision_view(d, lang)) for a, d in rows], "today": clock.today(), "all": bool(all),
        "answered": [decision_view(d, lang) for d in answered],
        "names": person_names(db, principal, [a.person_id for a, _ in rows] + [d.person_id for d in answered]),
        "report": rights.report(db) if principal.can(Permission.REPORT_READ) else [],
        "kinds": {k.value: CATALOGUE[k].label.pick(lang) for k in DecisionKind}, "active": "rights"})


def _staff_context(request: Request, db: Session, principal: Principal, appeal: Appeal) -> dict[str, Any]:
    lang = translator(request).lang
    decision = rights.get_decision(db, appeal.decision_id)
    staff = db.scalars(select(User).where(User.role == Role.PROGRAM_MANAGER.value, User.active.is_(True))
                       .order_by(User.display_name)).all()
    return {"appeal": appeal, "d": decision_view(decision, lang), "text": rights.appeal_text(appeal, get_keyring()),
            "answer": rights.answer_text(decision, get_keyring()),
            "name": person_names(db, principal, [appeal.person_id]).get(appeal.person_id, ""),
            "assignee": db.get(User, appeal.assigned_user_id) if appeal.assigned_user_id else None,
            "staff": [(str(u.id), u.display_name) for u in staff], "today": clock.today(),
            "can_decide": principal.can(Permission.APPLICATION_STATUS), "active": "rights"}


def _staff_decision(request: Request, db: Session, principal: Principal, row: Decision) -> dict[str, Any]:
    return {"d": decision_view(row, translator(request).lang), "answer": rights.answer_text(row, get_keyring()),
            "name": person_names(db, principal, [row.person_id]).get(row.person_id, ""),
            "appeals": rights.appeals_of_decision(db, row.id), "today": clock.today(),
            "can_decide": principal.can(Permission.APPLICATION_STATUS), "active": "rights"}


@router.get("/rights/decisions/{decision_id}", response_class=HTMLResponse)
def decision_page(request: Request, decision_id: int, db: DbSession, principal: PeopleReader) -> HTMLResponse:
    """A decision as staff see it: with the person's answer to its prior notice, if any."""
    row = _in_scope(rights.get_decision, db, principal, decision_id)
    if row is None:
        return _not_found(request)
    return _page(request, "rights/decision.html", _staff_decision(request, db, principal, row))


@router.post("/rights/decisions/{decision_id}/{action}", response_model=None)
def settle(request: Request, decision_id: int, action: str, db: DbSession, principal: StatusChanger,
           reason: Annotated[str, Form(max_length=rights.TEXT_MAX + 100)] = "") -> Response:
    """Confirm a proposed decision (it takes effect) or withdraw it (nothing is taken away)."""
    row = _in_scope(rights.get_decision, db, principal, decision_id)
    if row is None or action not in ("confirm", "withdraw"):
        return _not_found(request)
    try:
        with db.begin_nested():
            if action == "confirm":
                rights.confirm(db, principal.actor, decision_id=row.id, scope=Scope.of(principal))
            else:
                rights.withdraw(db, principal.actor, decision_id=row.id, reason=reason, scope=Scope.of(principal))
    except rights.RightsError as error:
        return _page(request, "rights/decision.html", {
            **_staff_decision(request, db, principal, row), "values": {"reason": reason},
            "errors": [(error.field or "reason", error.message(translator(request).lang))]},
            status_code=error.status_code)
    return RedirectResponse(f"/rights/decisions/{row.id}", status_code=303)




def _placement(db: Session, principal: Principal, placement_id: int) -> Any:
    try:
        return publicjobs.get_placement(db, placement_id, Scope.of(principal))
    except publicjobs.NotFound:
        return None


def _end_context(db: Session, principal: Principal, placement: Any) -> dict[str, Any]:
    return {"placement": placement,
            "name": person_names(db, principal, [placement.person_id]).get(placement.person_id, ""),
            "pending": decisions.proposed(db, f"placement:{placement.id}", DecisionKind.PLACEMENT_ENDED),
            "active": "rights"}


@router.get("/rights/placements/{placement_id}/end", response_class=HTMLResponse)
def end_placement_form(request: Request, placement_id: int, db: DbSession, principal: PlacementManager) -> HTMLResponse:
    """Ending a placement is proposed first: the participant is told why and may answer (§21)."""
    placement = _placement(db, principal, placement_id)
    if placement is None:
        return _not_found(request)
    return _page(request, "rights/end_placement.html", _end_context(db, principal, placement))


@router.post("/rights/placements/{placement_id}/end", response_model=None)
def end_placement(request: Request, placement_id: int, db: DbSession, principal: PlacementManager,
                  end_on: Annotated[str, Form(max_length=10)] = "",
                  reason: Annotated[str, Form(max_length=rights.TEXT_MAX + 100)] = "") -> Response:
    placement = _placement(db, principal, placement_id)
    if placement is None:
        return _not_found(request)
    t = translator(request)
    errors = []
    try:
        day = dt.date.fromisoformat(end_on)
    except ValueError:
        day = None
        errors.append(("end_on", t("rights.end.bad_date")))
    if day is not None and not (placement.start_on <= day <= placement.end_on):
        errors.append(("end_on", t("rights.end.outside")))
    if not reason.strip():
        errors.append(("reason", t("rights.end.no_reason")))
    if placement.status != "active" or _end_context(db, principal, placement)["pending"] is not None:
        errors.append(("end_on", t("rights.end.not_active")))
    if errors or day is None:
        return _page(request, "rights/end_placement.html", {
            **_end_context(db, principal, placement), "errors": errors,
            "values": {"end_on": end_on, "reason": reason}}, status_code=422)
    publicjobs_decisions.propose_end(db, principal.actor, placement=placement, end_on=day, reason=reason.strip())
    return RedirectResponse(f"/rights/placements/{placement.id}/end", status_code=303)


@router.get("/rights/appeals/{appeal_id}", response_class=HTMLResponse)
def appeal_page(request: Request, appeal_id: int, db: DbSession, principal: PeopleReader) -> HTMLResponse:
    appeal = _in_scope(rights.get_appeal, db, principal, appeal_id)
    if appeal is None:
        return _not_found(request)
    return _page(request, "rights/appeal.html", _staff_context(request, db, principal, appeal))


@router.get("/rights/appeals/{appeal_id}/attachment", response_model=None)
def appeal_attachment(request: Request, appeal_id: int, db: DbSession, principal: PeopleReader) -> Response:
    appeal = _in_scope(rights.get_appeal, db, principal, appeal_id)
    if appeal is None:
        return _not_found(request)
    if appeal.attachment_sha256 is None or appeal.attachment_type is None:  # nothing attached
        return RedirectResponse(f"/rights/appeals/{appeal.id}", status_code=303)
    content = attachments.load(get_settings().data_dir, appeal.attachment_sha256, appeal.attachment_type,
                               get_keyring())
    audit.record(db, principal.actor, "rights.appeal.attachment.read", subject_person_id=appeal.person_id,
                 object_type="appeal", object_id=appeal.id, reason="이의신청 검토")
    return Response(content, media_type=appeal.attachment_type,
                    headers={"Cache-Control": "no-store", "Content-Disposition": "inline"})


@router.post("/rights/appeals/{appeal_id}/assign", response_model=None)
def assign(request: Request, appeal_id: int, db: DbSession, principal: StatusChanger,
           user_id: Annotated[str, Form(max_length=12)] = "") -> Response:
    appeal = _in_scope(rights.get_appeal, db, principal, appeal_id)
    if appeal is None:
        return _not_found(request)
    try:
        with db.begin_nested():
            rights.assign(db, principal.actor, appeal_id=appeal.id, user_id=int(user_id) if user_id.isdigit() else 0,
                          scope=Scope.of(principal))
    except rights.RightsError as error:
        return _page(request, "rights/appeal.html", {
            **_staff_context(request, db, principal, appeal),
            "errors": [("user_id", error.message(translator(request).lang))]}, status_code=error.status_code)
    return RedirectResponse(f"/rights/appeals/{appeal.id}", status_code=303)


@router.post("/rights/appeals/{appeal_id}/decide", response_model=None)
def decide(request: Request, appeal_id: int, db: DbSession, principal: StatusChanger,
           outcome: Annotated[str, Form(max_length=12)] = "",
           reasons: Annotated[str, Form(max_length=rights.TEXT_MAX + 100)] = "") -> Response:
    appeal = _in_scope(rights.get_appeal, db, principal, appeal_id)
    if appeal is None:
        return _not_found(request)
    t = translator(request)
    try:
        if outcome not in ("upheld", "dismissed"):
            raise rights.RightsError("결정(인용 또는 기각)을 고르십시오.", "Choose upheld or dismissed.",
                                     "outcome-upheld")
        with db.begin_nested():
            rights.decide_appeal(db, principal.actor, appeal_id=appeal.id, upheld=outcome == "upheld",
                                 reasons=reasons, scope=Scope.of(principal))
    except rights.RightsError as error:
        return _page(request, "rights/appeal.html", {
            **_staff_context(request, db, principal, appeal), "values": {"outcome": outcome, "reasons": reasons},
            "errors": [(error.field or "reasons", error.message(t.lang))]}, status_code=error.status_code)
    return RedirectResponse(f"/rights/appeals/{appeal.id}", status_code=303)
