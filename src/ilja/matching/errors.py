"""Errors of the matching domain: one type per kind of failure (``ilja.errors.IljaError``), answered
by the global handlers."""

from __future__ import annotations

import re

from ilja.errors import IljaError, missing
from ilja.errors import NotFound as Missing


class MatchingInputError(IljaError, ValueError):
    """Bad matching input: where (``postings[3].capacity``; in the API's ``loc``
    ``["body", "postings", "3", "capacity"]``), a stable code and a message.

    The message names records by position or id, never by personal data. The pages that keep a
    form open show the field's label and ``matching.form_error.<code>`` instead.
    """

    status_code = 422

    def __init__(self, location: str, code: str, message: str):
        super().__init__("입력한 내용을 처리할 수 없습니다. 입력 양식에서 고친 뒤 다시 보내 주십시오.",
                         message, code=code,
                         loc=("body", *(part for part in re.split(r"[\[\].]", location) if part)))
        self.args = (f"{location}: {message} [{code}]",)
        self.location = location
        self.message = message


class NotFound(Missing, LookupError):
    def __init__(self, kind: str, key: object):
        super().__init__(*missing(kind, key))
        self.args = (f"{kind} {key} not found",)
        self.kind, self.key = kind, key


RUN_STATES_KO = {
    "run_not_proposed": "이 매칭 실행은 이미 확정되었거나 처리되었습니다.",
    "proposal_decided": "이 매칭 제안은 이미 결정되었습니다.",
    "candidate_busy": "이 구직자는 이미 채용 제안을 받고 있습니다.",
    "offer_decided": "이 채용 제안은 이미 결정되었습니다.",
}


class RunStateError(IljaError, ValueError):
    """The run or offer is not in a state that allows this step (e.g. confirmed twice)."""

    status_code = 409

    def __init__(self, code: str, message: str):
        super().__init__(RUN_STATES_KO.get(code, "지금 상태에서는 할 수 없는 작업입니다."), message,
                         code=code)
        self.message = message


class NoProfile(Missing):
    """The account has no candidate profile to show or edit."""

    code = "no_matching_profile"

    def __init__(self) -> None:
        super().__init__("이 계정에는 매칭 프로필이 없습니다.", "No matching profile for this account.")
