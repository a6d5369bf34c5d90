"""Resident registration numbers: validation, masking, encryption, blind index, key rotation."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import secrets
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilja.people.rrn import (
    CHECK_DIGIT_WARNING,
    CheckDigit,
    InvalidRrn,
    KeyConfigError,
    KeyRing,
    KeySet,
    RotationError,
    Rrn,
    TokenError,
    add_active_key,
    blind_index,
    blind_index_candidates,
    decrypt_rrn,
    decrypt_value,
    encrypt_rrn,
    encrypt_value,
    expected_check_digit,
    generate_key_file,
    index_key_id,
    load_keyring,
    mask,
    parse_rrn,
    reencrypt,
    rotate_blind_index,
    rotate_records,
    token_key_id,
)

TODAY = dt.date(2025, 11, 11)


def with_check_digit(first12: str) -> str:
    """A 13-digit number whose check digit is right for the pre-2020 scheme."""
    return first12 + str(expected_check_digit(first12 + "0"))


def with_wrong_check_digit(first12: str) -> str:
    return first12 + str((expected_check_digit(first12 + "0") + 1) % 10)


def key_set(prefix: str, n: int = 1) -> KeySet:
    keys = {f"{prefix}{i}": secrets.token_bytes(32) for i in range(1, n + 1)}
    return KeySet(f"{prefix}{n}", keys)


@pytest.fixture
def keyring() -> KeyRing:
    return KeyRing(key_set("enc"), key_set("idx"), key_set("seal"))


OLD_STYLE = with_check_digit("900101123456")  # born 1990-01-01, male


# --- format, date and century ---------------------------------------------------------------


@pytest.mark.parametrize("text", [
    f"{OLD_STYLE[:6]}-{OLD_STYLE[6:]}",
    OLD_STYLE,
    f"  {OLD_STYLE}\n",
    "".join(chr(ord(c) + 0xFEE0) for c in OLD_STYLE),  # full-width digits from a Korean IME
])
def test_accepts_hyphenated_or_13_digits(text: str) -> None:
    assert parse_rrn(text, today=TODAY).digits == OLD_STYLE


@pytest.mark.parametrize("text", [
    "", "90010-11234567", "9001011234", "900101-123456", "900101--1234567", "900101 1234567",
    "9001011234567890", "90o101-1234567", "900101-123456a", "٩٠٠١٠١١٢٣٤٥٦٧",
])
def test_rejects_bad_format(text: str) -> None:
    with pytest.raises(InvalidRrn) as caught:
        parse_rrn(text, today=TODAY)
    assert caught.value.code == "rrn_format"


def test_rejects_non_text() -> None:
    with pytest.raises(InvalidRrn) as caught:
        parse_rrn(9001011234568)
    assert caught.value.code == "rrn_type"


@pytest.mark.parametrize(("gender", "year"), [
    ("9", 1899), ("0", 1899), ("1", 1999), ("2", 1999), ("3", 2099), ("4", 2099),
    ("5", 1999), ("6", 1999), ("7", 2099), ("8", 2099),
])
def test_century_from_the_seventh_digit(gender: str, year: int) -> None:
    number = parse_rrn(with_check_digit(f"991231{gender}23456"), today=dt.date(2100, 1, 1))
    assert number.birth_date == dt.date(year, 12, 31)
    assert number.foreign_resident is (gender in "5678")
    assert number.sex == ("male" if int(gender) % 2 else "female")


@pytest.mark.parametrize(("front", "gender"), [
    ("900230", "1"),  # 30 February
    ("901301", "1"),  # month 13
    ("900100", "2"),  # day 0
    ("000229", "1"),  # 1900 was not a leap year
    ("010229", "3"),  # nor 2001
])
def test_rejects_impossible_birth_dates(front: str, gender: str) -> None:
    with pytest.raises(InvalidRrn) as caught:
        parse_rrn(with_check_digit(f"{front}{gender}23456"), today=TODAY)
    assert caught.value.code == "rrn_birth_date"


def test_accepts_leap_day_of_2000() -> None:
    number = parse_rrn(with_check_digit("000229323456"), today=TODAY)
    assert number.birth_date == dt.date(2000, 2, 29)


def test_rejects_a_birth_date_in_the_future() -> None:
    with pytest.raises(InvalidRrn) as caught:
        parse_rrn(with_check_digit("301231323456"), today=TODAY)  # 2030-12-31
    assert caught.value.code == "rrn_birth_date_future"


@pytest.mark.parametrize("text", [
    with_check_digit("900230123456"), "900101-12345", with_check_digit("301231323456"),
])
def test_errors_never_contain_the_number(text: str) -> None:
    with pytest.raises(InvalidRrn) as caught:
        parse_rrn(text, today=TODAY)
    error = caught.value
    shown = f"{error} {error.message_ko} {error.as_dict()} {error!r}"
    assert text[:6] not in shown and text[-7:] not in shown
    assert error.as_dict()["type"] == error.code


# --- check digit ----------------------------------------------------------------------------


def test_old_style_number_with_right_check_digit_has_no_warning() -> None:
    number = parse_rrn(OLD_STYLE, today=TODAY)
    assert number.check_digit is CheckDigit.VALID
    assert number.warnings == ()


def test_old_style_number_with_wrong_check_digit_is_accepted_with_a_warning() -> None:
    number = parse_rrn(with_wrong_check_digit("900101123456"), today=TODAY)
    assert number.check_digit is CheckDigit.INVALID
    assert number.warnings == (CHECK_DIGIT_WARNING,)
    assert number.warnings[0].code == "rrn_check_digit"


def test_numbers_born_since_2020_10_05_have_no_check_digit() -> None:
    for front in ("201005", "210315", "250101"):
        number = parse_rrn(with_wrong_check_digit(f"{front}412345"), today=TODAY)
        assert number.check_digit is CheckDigit.NOT_APPLICABLE
        assert number.warnings == ()


def test_the_day_before_the_change_is_still_checked() -> None:
    number = parse_rrn(with_wrong_check_digit("201004412345"), today=TODAY)
    assert number.check_digit is CheckDigit.INVALID


def test_foreign_resident_check_digit_uses_the_13_variant() -> None:
    first12 = "850505512345"
    total = sum(int(d) * w for d, w in zip(first12, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5),
                                           strict=True))
    number = parse_rrn(first12 + str((13 - total % 11) % 10), today=TODAY)
    assert number.foreign_resident
    assert number.check_digit is CheckDigit.VALID


# --- masking --------------------------------------------------------------------------------


def test_mask_shows_birth_date_and_seventh_digit_only() -> None:
    number = parse_rrn(OLD_STYLE, today=TODAY)
    assert mask(number) == "900101-1******"
    assert mask(OLD_STYLE) == "900101-1******"
    assert str(number) == "900101-1******"
    assert f"{number}" == "900101-1******"
    assert OLD_STYLE[7:] not in repr(number)
    assert number.formatted == f"{OLD_STYLE[:6]}-{OLD_STYLE[6:]}"


def test_mask_refuses_an_invalid_number() -> None:
    with pytest.raises(InvalidRrn):
        mask("not a number")


# --- encryption -----------------------------------------------------------------------------


def test_encrypt_decrypt_round_trip(keyring: KeyRing) -> None:
    token = encrypt_rrn(OLD_STYLE, keyring)
    assert re.fullmatch(r"v1:enc1:[A-Za-z0-9_-]+", token)
    assert OLD_STYLE not in token
    assert decrypt_rrn(token, keyring).digits == OLD_STYLE
    assert token_key_id(token) == "enc1"


def test_each_encryption_uses_a_fresh_nonce(keyring: KeyRing) -> None:
    assert encrypt_rrn(OLD_STYLE, keyring) != encrypt_rrn(OLD_STYLE, keyring)


def test_tampered_ciphertext_fails(keyring: KeyRing) -> None:
    version, key_id, payload = encrypt_rrn(OLD_STYLE, keyring).split(":")
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    for position in (0, 12, len(raw) - 1):  # nonce, ciphertext, tag
        changed = bytearray(raw)
        changed[position] ^= 0x01
        token = f"{version}:{key_id}:{base64.urlsafe_b64encode(bytes(changed)).decode()}"
        with pytest.raises(TokenError) as caught:
            decrypt_rrn(token, keyring)
        assert caught.value.code == "token_authentication"


def test_wrong_associated_data_fails(keyring: KeyRing) -> None:
    token = encrypt_rrn(OLD_STYLE, keyring, context="person:1")
    assert decrypt_rrn(token, keyring, context="person:1").digits == OLD_STYLE
    for purpose, context in (("rrn", "person:2"), ("rrn", None), ("phone", "person:1")):
        with pytest.raises(TokenError) as caught:
            decrypt_value(token, keyring, purpose=purpose, context=context)
        assert caught.value.code == "token_authentication"


def test_a_token_moved_to_another_key_id_fails(keyring: KeyRing) -> None:
    other = KeyRing(KeySet("enc1", {"enc1": keyring.encryption.active_key,
                                    "enc2": secrets.token_bytes(32)}),
                    keyring.blind_index)
    token = encrypt_rrn(OLD_STYLE, other).replace("v1:enc1:", "v1:enc2:")
    with pytest.raises(TokenError) as caught:
        decrypt_rrn(token, other)
    assert caught.value.code == "token_authentication"


@pytest.mark.parametrize("token", [
    "", "v1:enc1", "v2:enc1:AAAA", "v1:enc1:AAAA", "v1:bad key:" + "A" * 40, "plain text",
])
def test_malformed_tokens_are_refused(keyring: KeyRing, token: str) -> None:
    with pytest.raises(TokenError) as caught:
        decrypt_rrn(token, keyring)
    assert caught.value.code == "token_format"


def test_unknown_key_is_named(keyring: KeyRing) -> None:
    other = KeyRing(key_set("old"), key_set("idx"))
    with pytest.raises(TokenError) as caught:
        decrypt_rrn(encrypt_rrn(OLD_STYLE, other), keyring)
    assert caught.value.code == "token_unknown_key"
    assert caught.value.context == {"key_id": "old1"}


def rrns() -> st.SearchStrategy[str]:
    def build(birth: dt.date, gender_even: bool, serial: int) -> str:
        century_digit = {1800: 9, 1900: 1, 2000: 3}[birth.year // 100 * 100]
        gender = (century_digit + 1) % 10 if gender_even else century_digit
        return with_check_digit(f"{birth:%y%m%d}{gender}{serial:05d}")

    return st.builds(build, st.dates(dt.date(1850, 1, 1), TODAY), st.booleans(),
                     st.integers(0, 99_999))


@given(number=rrns(), context=st.none() | st.text(max_size=20))
@settings(max_examples=60, deadline=None)
def test_decrypt_after_encrypt_is_identity(number: str, context: str | None) -> None:
    ring = KeyRing(KeySet("e", {"e": b"\x01" * 32}), KeySet("i", {"i": b"\x02" * 32}))
    parsed = parse_rrn(number, today=TODAY)
    assert decrypt_rrn(encrypt_rrn(parsed, ring, context=context), ring,
                       context=context) == parsed


def test_generic_values_round_trip(keyring: KeyRing) -> None:
    token = encrypt_value(b"010-1234-5678", keyring, purpose="phone")
    assert decrypt_value(token, keyring, purpose="phone") == b"010-1234-5678"


# --- blind index ----------------------------------------------------------------------------


def test_blind_index_is_stable_and_normalised(keyring: KeyRing) -> None:
    hyphenated = f"{OLD_STYLE[:6]}-{OLD_STYLE[6:]}"
    index = blind_index(OLD_STYLE, keyring)
    assert index == blind_index(hyphenated, keyring) == blind_index(parse_rrn(OLD_STYLE), keyring)
    assert re.fullmatch(r"h1:idx1:[0-9a-f]{64}", index)
    assert index_key_id(index) == "idx1"


def test_blind_index_depends_on_key_and_number(keyring: KeyRing) -> None:
    other_key = KeyRing(keyring.encryption, key_set("idx"))
    assert blind_index(OLD_STYLE, keyring) != blind_index(OLD_STYLE, other_key)
    assert blind_index(OLD_STYLE, keyring) != blind_index(
        with_check_digit("900101123457"), keyring)


def test_blind_index_is_not_a_plain_hash(keyring: KeyRing) -> None:
    import hashlib

    digest = blind_index(OLD_STYLE, keyring).rsplit(":", 1)[1]
    assert digest != hashlib.sha256(OLD_STYLE.encode()).hexdigest()


def test_candidates_cover_every_loaded_index_key() -> None:
    ring = KeyRing(key_set("enc"), key_set("idx", 2))
    candidates = blind_index_candidates(OLD_STYLE, ring)
    assert [index_key_id(c) for c in candidates] == ["idx2", "idx1"]


# --- keys -----------------------------------------------------------------------------------


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def test_keys_from_environment_list_form() -> None:
    k1, k2, i1 = (secrets.token_bytes(32) for _ in range(3))
    ring = KeyRing.from_env({
        "ILJA_DATA_KEYS": f"k1:{b64(k1)}, k2:{b64(k2)}",
        "ILJA_ACTIVE_DATA_KEY": "k2",
        "ILJA_INDEX_KEYS": f"i1:{b64(i1)}",
    })
    assert ring.encryption.active == "k2"
    assert ring.encryption.key("k1") == k1
    assert ring.blind_index.active == "i1"
    assert ring.audit_seal is None


def test_keys_from_environment_json_form() -> None:
    k1, i1, s1 = (secrets.token_bytes(32) for _ in range(3))
    ring = KeyRing.from_env({
        "ILJA_DATA_KEYS": json.dumps({"k1": b64(k1)}),
        "ILJA_INDEX_KEYS": json.dumps({"i1": b64(i1)}),
        "ILJA_AUDIT_SEAL_KEYS": json.dumps({"s1": b64(s1)}),
    })
    assert ring.encryption.active_key == k1
    assert ring.audit_seal is not None and ring.audit_seal.active == "s1"


@pytest.mark.parametrize(("environ", "code"), [
    ({}, "keys_missing"),
    ({"ILJA_DATA_KEYS": "k1:{k}"}, "keys_missing"),
    ({"ILJA_DATA_KEYS": "k1:{k},k2:{k2}", "ILJA_INDEX_KEYS": "i1:{i}"}, "keys_ambiguous"),
    ({"ILJA_DATA_KEYS": "k1:{k}", "ILJA_DATA_KEY_FILE": "/x", "ILJA_INDEX_KEYS": "i1:{i}"},
     "keys_ambiguous"),
    ({"ILJA_INDEX_KEYS": "i1:{i}", "ILJA_DATA_KEY_FILE": "/x"}, "keys_ambiguous"),
    ({"ILJA_DATA_KEYS": "k1:not-base64!", "ILJA_INDEX_KEYS": "i1:{i}"}, "keys_malformed"),
    ({"ILJA_DATA_KEYS": "k1:{short}", "ILJA_INDEX_KEYS": "i1:{i}"}, "key_length"),
    ({"ILJA_DATA_KEYS": "k1:{k}", "ILJA_INDEX_KEYS": "i1:{k}"}, "keys_shared"),
    ({"ILJA_DATA_KEYS": "k1:{k}", "ILJA_ACTIVE_DATA_KEY": "k9", "ILJA_INDEX_KEYS": "i1:{i}"},
     "key_active_unknown"),
    ({"ILJA_DATA_KEYS": "k:1:{k}", "ILJA_INDEX_KEYS": "i1:{i}"}, "keys_malformed"),
])
def test_bad_key_configuration_is_refused(environ: dict[str, str], code: str) -> None:
    values = {"k": b64(secrets.token_bytes(32)), "k2": b64(secrets.token_bytes(32)),
              "i": b64(secrets.token_bytes(32)), "short": b64(b"x" * 16)}
    with pytest.raises(KeyConfigError) as caught:
        KeyRing.from_env({name: value.format(**values) for name, value in environ.items()})
    assert caught.value.code == code
    for secret in values.values():
        assert secret not in str(caught.value)


def test_key_material_never_appears_in_repr(keyring: KeyRing) -> None:
    shown = repr(keyring)
    for key in keyring.encryption.keys.values():
        assert b64(key) not in shown and repr(key) not in shown


def test_generated_key_file_is_private_and_loads(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "data-keys.json"
    created = generate_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = KeyRing.from_env({"ILJA_DATA_KEY_FILE": str(path)})
    assert loaded == created
    assert loaded.audit_seal is not None
    document = json.loads(path.read_text())
    assert document["format"] == "ilja-data-keys"
    assert set(document) >= {"encryption", "blind_index", "audit_seal"}
    assert loaded.encryption.active.startswith("enc-")


def test_generate_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "data-keys.json"
    generate_key_file(path)
    before = path.read_bytes()
    with pytest.raises(KeyConfigError) as caught:
        generate_key_file(path)
    assert caught.value.code == "key_file_exists"
    assert path.read_bytes() == before


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_group_or_world_readable_key_file_is_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "data-keys.json"
    generate_key_file(path)
    path.chmod(mode)
    with pytest.raises(KeyConfigError) as caught:
        KeyRing.from_file(path)
    assert caught.value.code == "key_file_permissions"
    assert "chmod 600" in str(caught.value)
    assert str(path) in str(caught.value)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_read_only_owner_file_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "data-keys.json"
    generate_key_file(path)
    path.chmod(0o400)
    assert KeyRing.from_file(path).encryption.active


def test_missing_or_foreign_key_file(tmp_path: Path) -> None:
    with pytest.raises(KeyConfigError) as caught:
        KeyRing.from_file(tmp_path / "absent.json")
    assert caught.value.code == "key_file_missing"
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}')
    other.chmod(0o600)
    with pytest.raises(KeyConfigError) as caught:
        KeyRing.from_file(other)
    assert caught.value.code == "keys_malformed"


def test_dev_key_is_generated_once_into_var(tmp_path: Path) -> None:
    dev_file = tmp_path / "var" / "data-keys.json"
    first = load_keyring({}, dev_key_file=dev_file, environment="development")
    assert dev_file.exists()
    assert load_keyring({}, dev_key_file=dev_file, environment="development") == first


def test_production_never_falls_back_to_a_dev_key(tmp_path: Path) -> None:
    dev_file = tmp_path / "var" / "data-keys.json"
    with pytest.raises(KeyConfigError) as caught:
        load_keyring({}, dev_key_file=dev_file, environment="production")
    assert caught.value.code == "keys_missing"
    assert not dev_file.exists()


def test_add_active_key_keeps_the_old_ones(tmp_path: Path) -> None:
    path = tmp_path / "data-keys.json"
    original = generate_key_file(path)
    updated = add_active_key(path, "encryption")
    assert updated.encryption.active != original.encryption.active
    assert set(updated.encryption.keys) == {original.encryption.active, updated.encryption.active}
    assert updated.blind_index == original.blind_index
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert KeyRing.from_file(path) == updated
    assert [p.name for p in tmp_path.iterdir()] == ["data-keys.json"]


# --- rotation -------------------------------------------------------------------------------


def numbers(count: int) -> list[str]:
    return [with_check_digit(f"{80 + i % 20:02d}{1 + i % 12:02d}{1 + i % 28:02d}1{i:05d}")
            for i in range(count)]


def rotated_keyring(old: KeyRing, *, index_too: bool = True) -> KeyRing:
    fresh = secrets.token_bytes(32)
    encryption = KeySet("enc-new", {**old.encryption.keys, "enc-new": fresh})
    blind = (KeySet("idx-new", {**old.blind_index.keys, "idx-new": secrets.token_bytes(32)})
             if index_too else old.blind_index)
    return KeyRing(encryption, blind)


def test_rotation_keeps_every_record_decryptable(keyring: KeyRing) -> None:
    plain = numbers(40)
    records = [(i, encrypt_rrn(n, keyring), blind_index(n, keyring)) for i, n in enumerate(plain)]
    records.append((99, None, None))  # a person without an RRN
    new = rotated_keyring(keyring)
    results = list(rotate_records(records, new))
    assert [r.record_id for r in results] == [r[0] for r in records]
    only_new = KeyRing(KeySet("enc-new", {"enc-new": new.encryption.key("enc-new")}),
                       KeySet("idx-new", {"idx-new": new.blind_index.key("idx-new")}))
    for number, result in zip(plain, results, strict=False):
        assert result.changed
        assert token_key_id(result.token) == "enc-new"
        assert decrypt_rrn(result.token, only_new).digits == number
        assert result.index == blind_index(number, only_new)
    assert results[-1].token is None and not results[-1].changed


def test_rotation_is_rerunnable(keyring: KeyRing) -> None:
    new = rotated_keyring(keyring)
    records = [(i, encrypt_rrn(n, keyring), blind_index(n, keyring))
               for i, n in enumerate(numbers(5))]
    first = [(r.record_id, r.token, r.index) for r in rotate_records(records, new)]
    second = list(rotate_records(first, new))
    assert not any(r.changed for r in second)
    assert [(r.record_id, r.token, r.index) for r in second] == first


def test_reencrypt_moves_only_old_tokens(keyring: KeyRing) -> None:
    new = rotated_keyring(keyring)
    old_token = encrypt_rrn(OLD_STYLE, keyring)
    moved = reencrypt(old_token, new)
    assert token_key_id(moved) == "enc-new"
    assert reencrypt(moved, new) == moved
    assert decrypt_rrn(moved, new).digits == OLD_STYLE


def test_rotating_only_the_index_key(keyring: KeyRing) -> None:
    new = KeyRing(keyring.encryption,
                  KeySet("idx-new", {**keyring.blind_index.keys,
                                     "idx-new": secrets.token_bytes(32)}))
    token = encrypt_rrn(OLD_STYLE, keyring)
    [result] = rotate_records([(1, token, blind_index(OLD_STYLE, keyring))], new)
    assert result.token == token
    assert result.index == blind_index(OLD_STYLE, new) and result.changed
    assert rotate_blind_index(result.index, parse_rrn(OLD_STYLE), new) == result.index


def test_rotation_refuses_a_tampered_record_by_id(keyring: KeyRing) -> None:
    plain = numbers(3)
    records = [(i, encrypt_rrn(n, keyring), blind_index(n, keyring)) for i, n in enumerate(plain)]
    records[1] = (1, records[1][1][:-4] + "AAAA", records[1][2])
    with pytest.raises(RotationError) as caught:
        list(rotate_records(records, rotated_keyring(keyring)))
    assert caught.value.context["record_id"] == 1
    assert caught.value.code == "token_authentication"
    assert all(n[6:] not in str(caught.value) for n in plain)


def test_rotation_refuses_a_swapped_blind_index(keyring: KeyRing) -> None:
    a, b = numbers(2)
    records = [(1, encrypt_rrn(a, keyring), blind_index(b, keyring))]
    with pytest.raises(RotationError) as caught:
        list(rotate_records(records, rotated_keyring(keyring)))
    assert caught.value.code == "rotation_index_mismatch"


def test_rotation_can_bind_tokens_to_their_record(keyring: KeyRing) -> None:
    token = encrypt_rrn(OLD_STYLE, keyring, context="7")
    new = rotated_keyring(keyring)
    [result] = rotate_records([(7, token, None)], new, bind_to_record_id=True)
    assert decrypt_rrn(result.token, new, context="7").digits == OLD_STYLE
    with pytest.raises(RotationError):
        list(rotate_records([(8, token, None)], new, bind_to_record_id=True))


def test_rrn_equality_and_hash_use_the_number() -> None:
    a = parse_rrn(OLD_STYLE, today=TODAY)
    b = parse_rrn(f"{OLD_STYLE[:6]}-{OLD_STYLE[6:]}", today=TODAY)
    assert a == b and hash(a) == hash(b)
    assert isinstance(a, Rrn)
