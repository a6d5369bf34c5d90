"""The consent texts (개인정보 보호법 §15 ②, §22, §23, §24-2) as versioned data: which purposes an
application to a program asks consent for, and the text of each version in force on a date.

Pure: reads ``data/consent_texts.yaml`` and the rules' parameter tree, no database, no web.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ilja.rules.parameters import default_tree

TEXTS_FILE = Path(__file__).resolve().parent / "data" / "consent_texts.yaml"
MAIN = "collection_use"
SENSITIVE = "sensitive"
UNIQUE_ID = "unique_id"
PURPOSES = (MAIN, SENSITIVE, UNIQUE_ID)


@dataclass(frozen=True)
class ConsentText:
    """One version of one purpose's text, as shown to the applicant."""

    purpose: str
    version: str
    effective: dt.date
    source: str
    required: bool
    label: dict[str, str]
    purpose_text: dict[str, str]
    items: dict[str, str]
    retention: dict[str, str]
    refusal: dict[str, str]

    def pick(self, field: str, lang: str) -> str:
        texts: dict[str, str] = getattr(self, field)
        return texts.get(lang) or texts["ko"]


class UnknownVersion(ValueError):
    """A consent names a purpose or version that does not exist (or is not in force)."""

    def __init__(self, purpose: str, version: str) -> None:
        super().__init__(f"No consent text {purpose!r} version {version!r} is in force.")
        self.purpose, self.version = purpose, version


@cache
def _data() -> dict[str, Any]:
    with TEXTS_FILE.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded["purposes"]


@cache
def versions(purpose: str) -> tuple[ConsentText, ...]:
    """Every version of ``purpose``'s text, oldest first."""
    spec = _data()[purpose]
    return tuple(sorted((ConsentText(
        purpose=purpose, version=str(v["version"]), effective=v["effective"], source=v["source"],
        required=bool(spec["required"]), label=spec["label"], purpose_text=v["purpose"],
        items=v["items"], retention=v["retention"], refusal=v["refusal"]) for v in spec["versions"]),
        key=lambda text: text.effective))


def current(purpose: str, on: dt.date) -> ConsentText:
    """The version of ``purpose`` in force on ``on`` (the latest that took effect by then)."""
    in_force = [text for text in versions(purpose) if text.effective <= on]
    if not in_force:
        raise UnknownVersion(purpose, "")
    return in_force[-1]


def by_version(purpose: str, version: str) -> ConsentText:
    """The text a stored consent was given to."""
    if purpose not in _data():
        raise UnknownVersion(purpose, version)
    for text in versions(purpose):
        if text.version == version:
            return text
    raise UnknownVersion(purpose, version)


def purposes_for(program: str, on: dt.date) -> list[ConsentText]:
    """The texts an application to ``program`` asks consent for on ``on``: the required collection
    and use, the optional sensitive data, and the RRN where the program may collect it."""
    wanted = []
    for purpose in PURPOSES:
        parameter = _data()[purpose].get("programs")
        if parameter:
            allowed = default_tree().value(parameter, on) or ()
            if program.split(".", 1)[0] not in set(allowed):
                continue
        wanted.append(current(purpose, on))
    return wanted


def sensitive_groups(on: dt.date) -> frozenset[str]:
    """The vulnerable groups that are sensitive data (used only with the separate consent)."""
    return frozenset(default_tree().value("common.personal_data.sensitive_vulnerable_groups", on) or ())


def without_sensitive(groups: list[str], on: dt.date) -> list[str]:
    """``groups`` with the sensitive ones left out (for a person who has not consented)."""
    hidden = sensitive_groups(on)
    return [group for group in groups if group not in hidden]
