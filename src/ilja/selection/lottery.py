"""The verifiable lottery that breaks ties in a selection (동점자 추첨).

Issue 3 §4: a commitment to the seed is published before the draw and the seed revealed after;
each applicant gets one lottery number for the whole round (single tie-breaking).

Byte encoding (``ilja-lottery-v1``), so anyone can recompute a number without Ilja::

    lottery_number = int.from_bytes(SHA-256(seed ‖ 0x00 ‖ UTF-8(applicant_id)), "big")
    commitment     = SHA-256(seed).hexdigest()

``seed`` is the raw bytes (shown as hex in records), at least 16 bytes; the seed and its
commitment are ``ilja.seeds``' (``new_seed`` draws 32 from the operating system). A number
depends only on the seed and the applicant's own id, so
adding or removing an applicant never shifts anyone else's number. A smaller number wins a tie.

The commitment only protects applicants if it is published before the list of applicants is
final (e.g. with the notice or when applications open): an operator who already knew the list
could otherwise try seeds until one favoured someone.

One-line check for an auditor, outside Ilja::

    python3 -c "import hashlib,sys; s=bytes.fromhex(sys.argv[1]); \\
    print(int.from_bytes(hashlib.sha256(s+b'\\0'+sys.argv[2].encode()).digest(),'big'))" SEED_HEX ID
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np

from ilja.seeds import SeedError, check_seed
from ilja.selection.model import SelectionInputError

LOTTERY_SCHEME = "ilja-lottery-v1: sha256(seed || 0x00 || utf8(applicant_id)), big-endian integer"
_SEPARATOR = b"\x00"


def _check_seed(seed: bytes) -> bytes:
    try:
        return check_seed(seed)
    except SeedError as error:
        raise SelectionInputError("seed", error.code, str(error)) from error


def lottery_digests(seed: bytes, applicant_ids: Iterable[str]) -> bytes:
    """The 32-byte digests of many applicants, concatenated in the order given (each a copy of
    the hash of the seed and separator, fed the id: the same digest, about 10 % less CPU than
    hashing the concatenation, bench/matching)."""
    seeded = hashlib.sha256(_check_seed(seed) + _SEPARATOR).copy
    digests = []
    for applicant_id in applicant_ids:
        digest = seeded()
        digest.update(applicant_id.encode("utf-8"))
        digests.append(digest.digest())
    return b"".join(digests)


def lottery_number(seed: bytes, applicant_id: str) -> int:
    """The applicant's lottery number for the round: a 256-bit integer."""
    return int.from_bytes(lottery_digests(seed, [applicant_id]), "big")


def lottery_numbers(seed: bytes, applicant_ids: Iterable[str]) -> list[int]:
    """``lottery_number`` for many applicants, in the order given."""
    digests = lottery_digests(seed, applicant_ids)
    return [int.from_bytes(digests[i:i + 32], "big") for i in range(0, len(digests), 32)]


def shown(number: int) -> str:
    """A lottery number as pages and exports show it: its first 16 hex digits (64 bits, which
    order as the whole number does unless two applicants share them)."""
    return f"{number:064x}"[:16]


def lottery_keys(seed: bytes, applicant_ids: Sequence[str]) -> np.ndarray:
    """The lottery numbers as an (n, 4) uint64 array, most significant word first.

    Sorting by the four columns left to right orders exactly as the 256-bit integers do, which
    is what the allocation's lexsort needs without Python integers.
    """
    digests = lottery_digests(seed, applicant_ids)
    return np.frombuffer(digests, dtype=">u8").reshape(-1, 4).astype(np.uint64)


def keys_from_numbers(numbers: Sequence[int]) -> np.ndarray:
    """(n, 4) uint64 words from lottery numbers given as integers (e.g. read back from storage)."""
    raw = b"".join(int(x).to_bytes(32, "big") for x in numbers)
    return np.frombuffer(raw, dtype=">u8").reshape(-1, 4).astype(np.uint64)
