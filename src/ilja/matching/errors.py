"""Errors of the matching domain: one type per kind of failure, turned into messages at the edge."""

from __future__ import annotations


class MatchingInputError(ValueError):
    """Bad matching input: where (``postings[3].capacity``), a stable code and a message.

    The message names records by position or id, never by personal data.
    """

    def __init__(self, location: str, code: str, message: str):
        super().__init__(f"{location}: {message} [{code}]")
        self.location = location
        self.code = code
        self.message = message
