"""The privacy domain's one error: a stable code, the field it concerns, both messages (no
personal data in either) — the consents' error (``people.consents``), raised for a withdrawal or
a request to correct data."""

from __future__ import annotations

from ilja.people.consents import ConsentError


class PrivacyError(ConsentError):
    """A withdrawal or a correction request refused."""
