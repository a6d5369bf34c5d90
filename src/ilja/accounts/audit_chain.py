"""A tamper-evident, append-only audit log (접속기록), pure part: entries, hash chain, seals.

Why (안전성 확보조치 기준 §8 접속기록의 보관 및 점검): access records name the
account, time, source, whose data and what action; they are kept at least 2 years (unique
identifiers or 50,000+ people), reviewed monthly, record the reason for every download, and are
protected against tampering.

Each entry's hash is ``SHA-256(previous_hash ‖ canonical(entry))``, so editing, deleting or
reordering an entry breaks every later link. Someone who can rewrite the whole table could
recompute the chain, so the head is also *sealed* with an HMAC key the database does not hold
and the seal published outside it: a published head the table no longer reaches shows a
truncation, one whose hash the table no longer has shows a rewrite. The hash covers the
canonical text; the columns people read are checked against it (``shown``), so an edit to
them shows as well.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ilja import clock
from ilja.text import looks_like_rrn

FORMAT_VERSION = 1
GENESIS_HASH = "0" * 64
MIN_RETENTION_YEARS = 2
REASON_REQUIRED_ACTIONS = frozenset({"download", "export"})
"""Actions whose last segment is one of these need a reason (다운로드 사유, §8)."""


class AuditEntryError(ValueError):
    """An entry that must not be written; ``code`` is stable, the message holds no data."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _check_json(value: Any, where: str) -> None:
    if isinstance(value, str | bool | int) or value is None:
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AuditEntryError("audit_details", f"{where}: numbers must be finite.")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_json(item, f"{where}[{i}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise AuditEntryError("audit_details", f"{where}: keys must be text.")
            _check_json(item, f"{where}.{key}")
        return
    raise AuditEntryError("audit_details", f"{where}: {type(value).__name__} is not JSON data.")


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _plain(value: Any) -> Any:
    """A detached copy in plain JSON types, so later edits to the caller's dict change nothing."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _id(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class AuditEntry:
    """One access record: who (actor, role), when (UTC), from where, what, whose data and why.

    Ids are kept as text so the canonical form survives a database round trip. ``details``
    hold ids and field names, never personal data: an RRN-like number is refused outright.
    """

    sequence: int
    timestamp: dt.datetime
    actor_id: str | None
    actor_role: str
    source_address: str | None
    action: str
    subject_person_id: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    reason: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.sequence, bool) or not isinstance(self.sequence, int) \
                or self.sequence < 1:
            raise AuditEntryError("audit_sequence", "The sequence is a whole number from 1.")
        if self.timestamp.tzinfo is None or self.timestamp.utcoffset() is None:
            raise AuditEntryError("audit_timestamp", "The timestamp must carry a time zone.")
        if not self.action or not self.actor_role:
            raise AuditEntryError("audit_action", "Action and actor role are required.")
        _check_json(dict(self.details), "details")
        if self.action.rsplit(".", 1)[-1] in REASON_REQUIRED_ACTIONS and not (
                self.reason and self.reason.strip()):
            raise AuditEntryError("audit_reason_required",
                                  "A download or export needs a reason (다운로드 사유).")
        texts = [self.reason or "", *_strings(dict(self.details))]
        if any(looks_like_rrn(text) for text in texts):
            raise AuditEntryError("audit_personal_data",
                                  "Reason or details contain what looks like a resident "
                                  "registration number; log ids, not personal data.")
        object.__setattr__(self, "timestamp", self.timestamp.astimezone(dt.UTC))
        for name in ("actor_id", "subject_person_id", "object_id"):
            object.__setattr__(self, name, _id(getattr(self, name)))
        object.__setattr__(self, "details", _plain(self.details))

    def as_dict(self) -> dict[str, Any]:
        return {
            "v": FORMAT_VERSION,
            "sequence": self.sequence,
            "timestamp": _utc_text(self.timestamp),
            "actor_id": self.actor_id,
            "actor_role": str(self.actor_role),
            "source_address": self.source_address,
            "action": self.action,
            "subject_person_id": self.subject_person_id,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "reason": self.reason,
            "details": self.details,
        }


    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuditEntry:
        """Back from ``as_dict`` (or a stored canonical JSON), e.g. when a service reloads rows."""
        if data.get("v") != FORMAT_VERSION:
            raise AuditEntryError("audit_version", "Unknown audit entry format version.")
        fields = {k: v for k, v in data.items() if k != "v"}
        fields["timestamp"] = dt.datetime.fromisoformat(str(data["timestamp"]))
        return cls(**fields)

    @classmethod
    def from_intake(cls, sequence: int, fields: Mapping[str, Any]) -> AuditEntry:
        """An entry waiting in the intake, numbered for the chain, without the checks of a new
        entry: every intake row was made through this class, checked and normalised, when it was
        recorded (``audit.intake_rows``), and the intake's rows are never changed (a trigger
        refuses it). Checking them again was about a quarter of the sealer's work an entry."""
        entry = object.__new__(cls)
        object.__setattr__(entry, "sequence", sequence)
        for name in _FIELD_NAMES:
            if name != "sequence":
                object.__setattr__(entry, name, fields[name])
        object.__setattr__(entry, "details", fields["details"] or {})
        return entry

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> AuditEntry:
        """Back from a stored canonical record without the checks of a new entry: they ran when
        it was written, and the walk proves the record unchanged since (its hash, and a record
        rewritten with a recomputed chain by the published heads). The checks were most of a
        walk's time (about 1 ms an entry), which the audit report and page walk in full."""
        if data.get("v") != FORMAT_VERSION:
            raise AuditEntryError("audit_version", "Unknown audit entry format version.")
        entry = object.__new__(cls)
        for name in _FIELD_NAMES:
            value = data[name] if name in _REQUIRED_FIELDS else data.get(name)
            object.__setattr__(entry, name, value)
        object.__setattr__(entry, "timestamp", dt.datetime.fromisoformat(str(data["timestamp"])))
        object.__setattr__(entry, "details", data.get("details") or {})
        if type(entry.sequence) is not int or not isinstance(entry.details, dict):
            raise AuditEntryError("audit_sequence", "The stored record's fields have the wrong types.")
        return entry


_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(AuditEntry))
_REQUIRED_FIELDS = frozenset({"sequence", "timestamp", "actor_id", "actor_role", "source_address",
                              "action"})


def canonical(entry: AuditEntry) -> bytes:
    """Sorted-keys, compact JSON in UTF-8: the same entry always gives the same bytes."""
    return json.dumps(entry.as_dict(), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False).encode("utf-8")


def entry_hash(previous_hash: str, entry: AuditEntry, text: bytes | None = None) -> str:
    """``text``: the entry's ``canonical`` bytes, if the caller made them already (the sealer
    stores them too, so they are serialised once)."""
    return hashlib.sha256(bytes.fromhex(previous_hash) + (canonical(entry) if text is None else text)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainAnchor:
    """Where a chain (or its retained part) starts: the last sequence and hash before it."""

    sequence: int
    entry_hash: str


GENESIS = ChainAnchor(0, GENESIS_HASH)


@dataclass(frozen=True, slots=True)
class ChainedEntry:
    """A stored entry: what its hash covers, the hash, and optionally what its row shows
    (``shown``: the columns people read, by field name, and ``previous_hash``)."""

    entry: AuditEntry
    entry_hash: str
    shown: Mapping[str, Any] | None = None

    @property
    def anchor(self) -> ChainAnchor:
        """The anchor to verify from once everything up to this entry has been pruned."""
        return ChainAnchor(self.entry.sequence, self.entry_hash)


def append(head: ChainAnchor, entry: AuditEntry) -> ChainedEntry:
    """Link ``entry`` after ``head``; the writer holds a lock so sequences never fork."""
    if entry.sequence != head.sequence + 1:
        raise AuditEntryError("audit_sequence",
                              f"Expected sequence {head.sequence + 1}, got {entry.sequence}.")
    return ChainedEntry(entry, entry_hash(head.entry_hash, entry))


def build_chain(entries: Iterable[AuditEntry], anchor: ChainAnchor = GENESIS
                ) -> list[ChainedEntry]:
    chain: list[ChainedEntry] = []
    head = anchor
    for entry in entries:
        chain.append(append(head, entry))
        head = chain[-1].anchor
    return chain


# --- seals ----------------------------------------------------------------------------------


SEAL_VERSION = 2


@dataclass(frozen=True, slots=True)
class Seal:
    """An HMAC of the chain head at ``sequence`` and the time it was sealed, by a key the
    database does not hold (``sealed_at`` is UTC text, as the HMAC covers it)."""

    sequence: int
    entry_hash: str
    sealed_at: str
    key_id: str
    mac: str

    def as_dict(self) -> dict[str, Any]:
        return {"sequence": self.sequence, "entry_hash": self.entry_hash,
                "sealed_at": self.sealed_at, "key_id": self.key_id, "mac": self.mac}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Seal:
        """Back from ``as_dict`` (a published-heads line); ValueError if it is not one."""
        try:
            seal = cls(int(data["sequence"]), str(data["entry_hash"]), str(data["sealed_at"]),
                       str(data["key_id"]), str(data["mac"]))
            dt.datetime.fromisoformat(seal.sealed_at)
        except (KeyError, TypeError, ValueError):
            raise ValueError("not a published audit head") from None
        return seal

    @property
    def time(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.sealed_at)


def _seal_mac(key: bytes, sequence: int, head_hash: str, sealed_at: str) -> str:
    message = f"ilja:audit-seal|v{SEAL_VERSION}|{sequence}|{head_hash}|{sealed_at}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def seal_head(head: ChainAnchor, *, key_id: str, key: bytes, at: dt.datetime | None = None
              ) -> Seal:
    sealed_at = _utc_text(at or clock.now())
    return Seal(head.sequence, head.entry_hash, sealed_at, key_id,
                _seal_mac(key, head.sequence, head.entry_hash, sealed_at))


def seal_is_authentic(seal: Seal, keys: Mapping[str, bytes]) -> bool:
    key = keys.get(seal.key_id)
    return key is not None and hmac.compare_digest(
        seal.mac, _seal_mac(key, seal.sequence, seal.entry_hash, seal.sealed_at))


def shown_differences(link: ChainedEntry, previous_hash: str) -> list[str]:
    """The fields whose shown value differs from what the hash covers (compared as JSON, so
    ``true`` and ``1`` differ), and ``previous_hash`` if the row names another predecessor."""
    if link.shown is None:
        return []
    covered = link.entry.as_dict()
    shown = dict(link.shown)
    differing = [name for name in covered if name != "v" and name in shown
                 and not _same(_shown_value(name, shown[name]), covered[name])]
    if "previous_hash" in shown and shown["previous_hash"] != previous_hash:
        differing.append("previous_hash")
    return differing


def _same(shown: Any, covered: Any) -> bool:
    """Equal as JSON (so ``true`` and ``1`` differ); texts and missing values, most of a row,
    compare directly."""
    if type(shown) is type(covered) and (shown is None or type(shown) is str):
        return shown == covered
    return _json(shown) == _json(covered)


def _shown_value(name: str, value: Any) -> Any:
    if name == "timestamp" and isinstance(value, dt.datetime):
        return _utc_text(value if value.tzinfo else value.replace(tzinfo=dt.UTC))
    if name == "details" and value is None:
        return {}
    return value


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# --- verification ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The result of a walk: ``ok``, or the first broken link and what broke it."""

    ok: bool
    checked: int
    head: ChainAnchor
    first_bad_sequence: int | None = None
    problem: str | None = None
    message: str = ""


def verify_chain(links: Iterable[ChainedEntry], *, anchor: ChainAnchor = GENESIS,
                 seals: Iterable[Seal] = (), seal_keys: Mapping[str, bytes] | None = None
                 ) -> ChainReport:
    """Walk the chain in stored order and report the first broken link.

    Problems: ``sequence_gap`` (an entry deleted, or moved later), ``sequence_order`` (moved
    earlier or duplicated), ``hash_mismatch`` (edited, or renumbered to hide the above),
    ``shown_mismatch`` (a column people read was edited, not what the hash covers),
    ``seal_invalid`` (a seal not made with a known key), ``seal_mismatch`` (the table was
    rewritten after sealing) and ``truncated`` (entries after a seal are gone).
    """
    head, checked = anchor, 0
    by_sequence: dict[int, Seal] = {}
    for seal in sorted(seals, key=lambda s: s.sequence):
        if not seal_is_authentic(seal, seal_keys or {}):
            return ChainReport(False, 0, anchor, seal.sequence, "seal_invalid",
                               f"The seal at sequence {seal.sequence} is not authentic.")
        if seal.sequence > anchor.sequence:
            by_sequence[seal.sequence] = seal

    def broken(sequence: int, problem: str, message: str) -> ChainReport:
        return ChainReport(False, checked, head, sequence, problem, message)

    for link in links:
        expected, got = head.sequence + 1, link.entry.sequence
        if got > expected:
            return broken(expected, "sequence_gap",
                          f"Entry {expected} is missing (next stored entry is {got}).")
        if got < expected:
            return broken(got, "sequence_order", f"Entry {got} appears after entry "
                          f"{head.sequence}: out of order or duplicated.")
        if not hmac.compare_digest(entry_hash(head.entry_hash, link.entry), link.entry_hash):
            return broken(got, "hash_mismatch",
                          f"Entry {got} does not match its hash: edited, or a link before it "
                          "was changed.")
        differing = shown_differences(link, head.entry_hash)
        if differing:
            return broken(got, "shown_mismatch",
                          f"Entry {got} shows {', '.join(differing)} other than its hashed "
                          "record: edited.")
        sealed = by_sequence.get(got)
        if sealed is not None and not hmac.compare_digest(sealed.entry_hash, link.entry_hash):
            return broken(got, "seal_mismatch",
                          f"Rewritten: entry {got} differs from the head sealed at "
                          f"{sealed.sealed_at}.")
        head, checked = link.anchor, checked + 1
    if by_sequence and max(by_sequence) > head.sequence:
        last = by_sequence[max(by_sequence)]
        return broken(head.sequence + 1, "truncated",
                      f"Truncated: entries after {head.sequence} are missing; the head sealed "
                      f"at {last.sealed_at} covers {last.sequence}.")
    return ChainReport(True, checked, head)


def retention_cutoff(now: dt.datetime, years: int = MIN_RETENTION_YEARS) -> dt.datetime:
    """Entries at or after the cutoff must be kept; earlier ones may be pruned.

    At least 2 years (§8: unique identifiers or 50,000+ people), so fewer years is refused.
    29 February maps to 28 February, which keeps slightly more, never less.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must carry a time zone")
    if years < MIN_RETENTION_YEARS:
        raise ValueError(f"access records are kept at least {MIN_RETENTION_YEARS} years")
    now = now.astimezone(dt.UTC)
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)
