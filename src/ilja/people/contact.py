"""A person's own contact details as they type them on 내 정보 수정: phone, e-mail, detailed
address. Pure checks (no database, no web); each problem names the field by its label in Korean
and English and never repeats the value typed.

The 시·도 and 시·군·구 are not contact details here: they decide who may apply, so they change
with the registry's intake, not on the citizen's own page.
"""

from __future__ import annotations

import re
import unicodedata

from ilja.people.records import Problem, normalise_phone

CONTACT_FIELDS = ("phone", "email", "address_detail")
MAX_EMAIL = 254  # RFC 5321's limit on a forward path
MAX_ADDRESS = 200  # persons.address_detail
# One @, something before it, a domain with a dot after it, no spaces: enough to catch a typo
# without refusing a real address (the mail itself is the only full check).
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")


def _text(value: str | None) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


def check_contact(*, phone: str | None, email: str | None,
                  address_detail: str | None) -> tuple[dict[str, str | None], list[Problem]]:
    """The values to store (``None`` for a field left empty) and the problems, in form order."""
    values: dict[str, str | None] = {}
    problems: list[Problem] = []
    text = _text(phone)
    try:
        values["phone"] = normalise_phone(text) if text else None
    except ValueError:
        problems.append(Problem(
            "phone", "phone_invalid",
            "Phone: write a Korean number of 9 to 11 digits starting with 0, e.g. 010-1234-5678.",
            "연락처: 0으로 시작하는 9~11자리 전화번호로 적어 주세요. 예) 010-1234-5678"))
    text = _text(email)
    if text and (len(text) > MAX_EMAIL or not _EMAIL.fullmatch(text)):
        problems.append(Problem(
            "email", "email_invalid",
            "E-mail: write an address such as name@example.com.",
            "이메일: name@example.com 과 같은 주소로 적어 주세요."))
    else:
        local, _, domain = text.rpartition("@")
        values["email"] = f"{local}@{domain.lower()}" if text else None
    text = unicodedata.normalize("NFC", address_detail or "").strip()
    if len(text) > MAX_ADDRESS:
        problems.append(Problem(
            "address_detail", "address_too_long",
            f"Street address: at most {MAX_ADDRESS} characters.",
            f"상세 주소: {MAX_ADDRESS}자 이내로 적어 주세요."))
    else:
        values["address_detail"] = text or None
    return values, problems
