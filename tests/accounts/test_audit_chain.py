"""The tamper-evident audit log: canonical entries, hash chain, seals and retention."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilja.accounts.audit_chain import (
    GENESIS,
    AuditEntry,
    AuditEntryError,
    ChainedEntry,
    append,
    build_chain,
    canonical,
    entry_hash,
    retention_cutoff,
    seal_head,
    verify_chain,
)

KST = dt.timezone(dt.timedelta(hours=9))
START = dt.datetime(2025, 11, 11, 9, 0, tzinfo=dt.UTC)
SEAL_KEY = {"seal1": secrets.token_bytes(32)}


def entry(sequence: int, **changes) -> AuditEntry:
    values = {
        "sequence": sequence,
        "timestamp": START + dt.timedelta(seconds=sequence),
        "actor_id": 17,
        "actor_role": "job_coordinator",
        "source_address": "10.0.0.8",
        "action": "people.read_personal",
        "subject_person_id": 1000 + sequence,
        "object_type": "person",
        "object_id": 1000 + sequence,
        "reason": "상담 준비",
        "details": {"fields": ["phone", "address"]},
    }
    values.update(changes)
    return AuditEntry(**values)


def chain(n: int) -> list[ChainedEntry]:
    return build_chain(entry(i) for i in range(1, n + 1))


# --- entries --------------------------------------------------------------------------------


def test_canonical_form_is_sorted_compact_utf8() -> None:
    data = canonical(entry(1))
    assert data.startswith(b'{"action":"people.read_personal","actor_id":"17"')
    assert "상담 준비".encode() in data  # not \\u-escaped
    assert b", " not in data and b": " not in data
    decoded = json.loads(data)
    assert list(decoded) == sorted(decoded)
    assert decoded["timestamp"] == "2025-11-11T09:00:01.000000Z"


def test_same_moment_in_another_zone_gives_the_same_bytes() -> None:
    utc = entry(1)
    kst = entry(1, timestamp=utc.timestamp.astimezone(KST))
    assert canonical(kst) == canonical(utc)
    assert kst.timestamp.tzinfo is dt.UTC


def test_ids_are_text_so_a_database_round_trip_changes_nothing() -> None:
    assert canonical(entry(1, actor_id=17)) == canonical(entry(1, actor_id="17"))
    stored = json.loads(canonical(entry(1)))
    reloaded = entry(1, **{k: stored[k] for k in ("actor_id", "subject_person_id", "object_id")})
    assert canonical(reloaded) == canonical(entry(1))


def test_details_are_copied() -> None:
    details = {"fields": ["phone"]}
    first = entry(1, details=details)
    details["fields"].append("address")
    assert first.details == {"fields": ["phone"]}


@pytest.mark.parametrize(("changes", "code"), [
    ({"timestamp": dt.datetime(2025, 11, 11, 9, 0)}, "audit_timestamp"),
    ({"sequence": 0}, "audit_sequence"),
    ({"sequence": True}, "audit_sequence"),
    ({"action": ""}, "audit_action"),
    ({"action": "people.download", "reason": None}, "audit_reason_required"),
    ({"action": "selection.export", "reason": "  "}, "audit_reason_required"),
    ({"details": {"nan": float("nan")}}, "audit_details"),
    ({"details": {1: "x"}}, "audit_details"),
    ({"details": {"when": dt.date(2025, 1, 1)}}, "audit_details"),
    ({"details": {"rrn": "900101-1234568"}}, "audit_personal_data"),
    ({"details": {"rows": [{"note": "9001011234568 확인"}]}}, "audit_personal_data"),
    ({"reason": "주민번호 900101 - 1234568 문의"}, "audit_personal_data"),
])
def test_entries_that_must_not_be_written(changes: dict, code: str) -> None:
    with pytest.raises(AuditEntryError) as caught:
        entry(**{"sequence": 1, **changes})
    assert caught.value.code == code
    assert "1234568" not in str(caught.value)


def test_ordinary_long_numbers_are_not_mistaken_for_rrns() -> None:
    entry(1, details={"request_ms": 1732665623000, "order": "1732665623000"})


def test_a_hash_whose_hex_holds_an_rrn_like_run_of_digits_is_not_one() -> None:
    """A seed commitment is 64 hex characters; about one in a few hundred has 13 digits in a row
    that read as a date (a round opening once failed on this)."""
    commitment = "ab" + "9001011234568" + "cdef" * 12 + "9"
    entry(1, action="round.open", details={"commitment": commitment})


def test_a_download_with_its_reason_is_fine() -> None:
    assert entry(1, action="people.download", reason="월간 보고서 작성").reason


def test_subject_may_be_none_for_actions_on_no_person() -> None:
    assert entry(1, action="auth.login_failed", subject_person_id=None, actor_id=None,
                 object_type=None, object_id=None).subject_person_id is None


# --- the chain ------------------------------------------------------------------------------


def test_entry_hash_links_to_the_previous_hash() -> None:
    links = chain(3)
    assert links[0].entry_hash == entry_hash(GENESIS.entry_hash, links[0].entry)
    assert links[2].entry_hash == entry_hash(links[1].entry_hash, links[2].entry)
    assert len({link.entry_hash for link in links}) == 3


def test_intact_chain_verifies() -> None:
    links = chain(10)
    report = verify_chain(links)
    assert report.ok and report.checked == 10
    assert report.head == links[-1].anchor and report.first_bad_sequence is None


def test_append_refuses_a_forked_sequence() -> None:
    with pytest.raises(AuditEntryError):
        append(chain(2)[-1].anchor, entry(4))


def test_an_edited_entry_is_detected() -> None:
    links = chain(10)
    edited = dataclasses.replace(links[4].entry, reason="다른 사유")
    links[4] = ChainedEntry(edited, links[4].entry_hash)
    report = verify_chain(links)
    assert not report.ok
    assert (report.first_bad_sequence, report.problem) == (5, "hash_mismatch")
    assert report.checked == 4 and report.head == links[3].anchor


def test_an_edit_with_its_own_hash_recomputed_breaks_the_next_link() -> None:
    links = chain(10)
    edited = dataclasses.replace(links[4].entry, actor_id="99")
    links[4] = ChainedEntry(edited, entry_hash(links[3].entry_hash, edited))
    report = verify_chain(links)
    assert (report.first_bad_sequence, report.problem) == (6, "hash_mismatch")


def test_a_deleted_entry_is_detected() -> None:
    links = chain(10)
    del links[6]
    report = verify_chain(links)
    assert (report.first_bad_sequence, report.problem) == (7, "sequence_gap")


def test_a_deletion_hidden_by_renumbering_is_detected() -> None:
    links = chain(10)
    del links[6]
    links[6:] = [ChainedEntry(dataclasses.replace(link.entry, sequence=link.entry.sequence - 1),
                              link.entry_hash) for link in links[6:]]
    report = verify_chain(links)
    assert (report.first_bad_sequence, report.problem) == (7, "hash_mismatch")


def test_reordered_entries_are_detected() -> None:
    links = chain(10)
    links[3], links[4] = links[4], links[3]
    report = verify_chain(links)
    assert not report.ok and report.first_bad_sequence == 4
    assert report.problem == "sequence_gap"
    links = chain(10)
    links.insert(8, links[2])  # a duplicate moved later
    report = verify_chain(links)
    assert (report.first_bad_sequence, report.problem) == (3, "sequence_order")


def test_a_full_rewrite_passes_the_chain_but_not_the_seal() -> None:
    links = chain(10)
    seal = seal_head(links[-1].anchor, key_id="seal1", key=SEAL_KEY["seal1"])
    rewritten = build_chain([dataclasses.replace(link.entry, reason="조작")
                             if link.entry.sequence == 3 else link.entry for link in links])
    assert verify_chain(rewritten).ok  # why the seal exists
    report = verify_chain(rewritten, seals=[seal], seal_keys=SEAL_KEY)
    assert (report.first_bad_sequence, report.problem) == (10, "seal_mismatch")
    assert verify_chain(links, seals=[seal], seal_keys=SEAL_KEY).ok


def test_truncation_after_a_seal_is_detected() -> None:
    links = chain(10)
    seal = seal_head(links[-1].anchor, key_id="seal1", key=SEAL_KEY["seal1"])
    report = verify_chain(links[:7], seals=[seal], seal_keys=SEAL_KEY)
    assert (report.first_bad_sequence, report.problem) == (8, "truncated")


def test_a_forged_seal_is_rejected() -> None:
    links = chain(5)
    forged = seal_head(links[-1].anchor, key_id="seal1", key=secrets.token_bytes(32))
    report = verify_chain(links, seals=[forged], seal_keys=SEAL_KEY)
    assert (report.first_bad_sequence, report.problem) == (5, "seal_invalid")
    unknown = seal_head(links[-1].anchor, key_id="seal9", key=SEAL_KEY["seal1"])
    assert verify_chain(links, seals=[unknown], seal_keys=SEAL_KEY).problem == "seal_invalid"


def test_verification_from_an_anchor_after_pruning() -> None:
    links = chain(10)
    report = verify_chain(links[4:], anchor=links[3].anchor)
    assert report.ok and report.checked == 6
    assert verify_chain(links[4:]).problem == "sequence_gap"
    wrong_anchor = dataclasses.replace(links[3].anchor, entry_hash="ab" * 32)
    assert verify_chain(links[4:], anchor=wrong_anchor).problem == "hash_mismatch"


ids = st.none() | st.integers(0, 10**9) | st.text(min_size=1, max_size=12)
json_scalars = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=10)
details = st.dictionaries(st.text(max_size=8),
                          json_scalars | st.lists(json_scalars, max_size=3), max_size=4)
entry_fields = st.fixed_dictionaries({
    "seconds": st.integers(0, 10**8),
    "actor_id": ids,
    "actor_role": st.sampled_from(["citizen", "operator", "auditor", "program_manager"]),
    "source_address": st.none() | st.ip_addresses().map(str),
    "action": st.sampled_from(["people.read_personal", "people.read_rrn", "selection.run",
                               "application.submit_own"]),
    "subject_person_id": ids,
    "reason": st.none() | st.text(alphabet="가나다라 abc", max_size=12),
    "details": details,
})


def build(fields: list[dict]) -> list[ChainedEntry]:
    entries = []
    for i, f in enumerate(fields, start=1):
        values = dict(f)
        moment = START + dt.timedelta(seconds=values.pop("seconds"))
        entries.append(AuditEntry(sequence=i, timestamp=moment, **values))
    return build_chain(entries)


@given(st.lists(entry_fields, min_size=1, max_size=15))
@settings(max_examples=60, deadline=None)
def test_any_chain_of_random_entries_verifies(fields: list[dict]) -> None:
    links = build(fields)
    report = verify_chain(links)
    assert report.ok and report.checked == len(links)


@given(st.lists(entry_fields, min_size=2, max_size=12), st.data())
@settings(max_examples=60, deadline=None)
def test_any_single_edit_is_detected_at_its_entry(fields: list[dict], data: st.DataObject) -> None:
    links = build(fields)
    position = data.draw(st.integers(0, len(links) - 1))
    original = links[position].entry
    edited = dataclasses.replace(original, reason=(original.reason or "") + "!")
    links[position] = ChainedEntry(edited, links[position].entry_hash)
    report = verify_chain(links)
    assert not report.ok and report.first_bad_sequence == position + 1


# --- retention ------------------------------------------------------------------------------


def test_retention_cutoff_is_two_years_back() -> None:
    now = dt.datetime(2025, 11, 11, 3, 0, tzinfo=dt.UTC)
    assert retention_cutoff(now) == dt.datetime(2023, 11, 11, 3, 0, tzinfo=dt.UTC)
    assert retention_cutoff(now, years=5) == dt.datetime(2020, 11, 11, 3, 0, tzinfo=dt.UTC)


def test_retention_cutoff_on_a_leap_day_keeps_more_not_less() -> None:
    now = dt.datetime(2028, 2, 29, 12, 0, tzinfo=dt.UTC)
    assert retention_cutoff(now) == dt.datetime(2026, 2, 28, 12, 0, tzinfo=dt.UTC)


def test_retention_cutoff_is_in_utc() -> None:
    now = dt.datetime(2025, 1, 1, 8, 0, tzinfo=KST)
    assert retention_cutoff(now) == dt.datetime(2022, 12, 31, 23, 0, tzinfo=dt.UTC)


def test_retention_shorter_than_two_years_or_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        retention_cutoff(START, years=1)
    with pytest.raises(ValueError):
        retention_cutoff(dt.datetime(2025, 1, 1))


def test_an_entry_survives_its_canonical_form() -> None:
    original = entry(3, details={"fields": ["phone"], "count": 2, "ok": True})
    reloaded = AuditEntry.from_dict(json.loads(canonical(original)))
    assert reloaded == original
    assert canonical(reloaded) == canonical(original)
    with pytest.raises(AuditEntryError):
        AuditEntry.from_dict({**json.loads(canonical(original)), "v": 2})
