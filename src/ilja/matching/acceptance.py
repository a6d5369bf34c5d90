"""How employers and trainees answered the matching (issue 23 §6): per posting and per employer,
the proposals confirmed and vetoed, the offers made, hired, declined and still open, the
interviews passed, failed and missed, and the acceptance rate — hires over decided offers.

Counts only, no person: what a coordinator and a program manager read to see which postings and
employers the matching serves well (a posting whose offers are all declined is a wrong posting or
a wrong filter).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja.matching.models import Interview, Offer, Organisation, Posting, Proposal


@dataclass
class Acceptance:
    name: str
    detail: str  # the posting's organisation, or the employer's kind
    proposals: Counter[str] = field(default_factory=Counter)  # confirmed | vetoed | …
    offers: Counter[str] = field(default_factory=Counter)  # offered | hired | declined
    interviews: Counter[str] = field(default_factory=Counter)  # passed | failed | no_show
    decline_reasons: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        """Hires over decided offers (None before any offer is decided)."""
        decided = self.offers["hired"] + self.offers["declined"]
        return self.offers["hired"] / decided if decided else None


def acceptance(session: Session) -> tuple[list[Acceptance], list[Acceptance]]:
    """Rows by posting and by employer (organisation), each in name order."""
    organisations = {o.id: o for o in session.scalars(select(Organisation))}
    postings = {p.id: p for p in session.scalars(select(Posting))}
    by_posting = {pid: Acceptance(p.title, organisations[p.organisation_id].name)
                  for pid, p in postings.items()}
    by_employer = {oid: Acceptance(o.name, o.kind) for oid, o in organisations.items()}

    def both(posting_id: int) -> tuple[Acceptance, Acceptance]:
        return (by_posting[posting_id],
                by_employer[postings[posting_id].organisation_id])

    for posting_id, status in session.execute(select(Proposal.posting_id, Proposal.status)):
        for row in both(posting_id):
            row.proposals[status] += 1
    for offer in session.scalars(select(Offer)):
        for row in both(offer.posting_id):
            row.offers[offer.status] += 1
            if offer.status == "declined" and offer.decline_reason:
                row.decline_reasons.append(offer.decline_reason)
    for organisation_id, result in session.execute(select(Interview.organisation_id,
                                                          Interview.result)):
        if result:
            by_employer[organisation_id].interviews[result] += 1

    def active(rows: dict[int, Acceptance]) -> list[Acceptance]:
        return sorted((r for r in rows.values() if r.proposals or r.offers or r.interviews),
                      key=lambda r: (r.name, r.detail))

    return active(by_posting), active(by_employer)
