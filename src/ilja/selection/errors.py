"""The selection's refusals: a stable code, the HTTP status, and messages in Korean and English
(the applications' error shape, ``ilja.applications.errors``)."""

from __future__ import annotations

from ilja.applications.errors import ApplicationError


class SelectionError(ApplicationError):
    code = "selection_error"
    status_code = 409


class NotDrawn(SelectionError):
    code = "not_drawn"

    def __init__(self, round_id: object):
        super().__init__(f"모집 공고 {round_id}은(는) 아직 선발(추첨)하지 않았습니다.",
                         f"Round {round_id} has not been drawn yet.", round_id=round_id)


class NothingToDraw(SelectionError):
    code = "nothing_to_draw"

    def __init__(self, round_id: object):
        super().__init__(f"모집 공고 {round_id}에 선발할 신청이 없습니다.",
                         f"Round {round_id} has no applications to select from.",
                         round_id=round_id)
