"""What accounts needs from the people's registry, which sits above it: a registered person's
name (the name a linked citizen's account goes by, and whether a person to link exists) and the
audit seals' keys, kept in the people's keyring.

Accounts names what it needs; ``ilja.access.load()`` installs the registry's answers
(``people.registry.registered_name``, ``people.keys.seal_keys``) at every entry point, with the
access rules. Until then each raises ``NotInstalled`` rather than guess: no account would be
linked to a person nobody checked, and ``audit.verify`` reports a missing seal key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy.orm import Session

PersonName = Callable[[Session, int], str | None]
SealKeys = Callable[[], tuple[str, Mapping[str, bytes]]]

_person_names: list[PersonName] = []
_seal_keys: list[SealKeys] = []


class NotInstalled(LookupError):
    """Asked before ``ilja.access.load()`` installed the answer: an entry point that forgot it."""

    def __init__(self, what: str) -> None:
        super().__init__(f"Nothing is installed to give {what}: the entry point must call "
                         "ilja.access.load() first.")


def install(*, person_name: PersonName, seal_keys: SealKeys) -> None:
    """Install the registry's answers (a second call replaces the first)."""
    _person_names[:] = [person_name]
    _seal_keys[:] = [seal_keys]


def person_name(session: Session, person_id: int) -> str | None:
    """The registry's name of person ``person_id``; None when no person has that id."""
    if not _person_names:
        raise NotInstalled("a registered person's name")
    return _person_names[0](session, person_id)


def seal_keys() -> tuple[str, Mapping[str, bytes]]:
    """The active audit seal key's id and every seal key (``audit.SealKeyMissing`` when none)."""
    if not _seal_keys:
        raise NotInstalled("the audit seal keys")
    return _seal_keys[0]()
