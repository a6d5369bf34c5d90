"""How values look on the pages: money, dates, parameter values with their units, sources.

Every word comes from the catalogues through the translator; only digits are formatted here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from ilja.i18n import Translator, as_decimal
from ilja.rules.engine import default_engine
from ilja.rules.sources import default_registry
from ilja.web.self_check import SIDO

SIDO_KEYS = {value: key for key, value in SIDO}


def number(value: Any) -> str:
    """Thousands separators for whole numbers; decimals as written (``4.345``)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    try:
        exact = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if exact == exact.to_integral_value():
        return f"{int(exact):,}"
    return str(value)


def money(t: Translator, value: Any) -> str:
    return t("units.KRW", n=number(value))


def date(value: dt.date | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def source_text(t: Translator, source: str) -> str:
    """The source as citizens read it: the cited document's title (English on the English pages)
    and section, never its key; no ``kind:`` prefix, as the kind is shown as a badge."""
    return default_registry().cite(source, t.lang)


def code(t: Translator, value: Any) -> str:
    """A code of the person format or a parameter (``unemployed``, ``서울특별시``) in words."""
    if not isinstance(value, str):
        return plain(t, value)
    if value in SIDO_KEYS:
        return t(f"sido.{SIDO_KEYS[value]}")
    program = default_engine().programs.get(value)
    if program is not None:
        return t.pick(program.label_ko, program.label_en)
    key = f"codes.{value}"
    return t(key) if t.has(key) else str(value)


def _unit_key(unit: str | None, name: str) -> str | None:
    if unit == "age" or (unit == "years" and "age" in name.rsplit(".", 1)[-1]):
        return "years_age"
    return unit


def plain(t: Translator, value: Any, unit: str | None = None, name: str = "") -> str:
    """A value inside a sentence: digits and words, without the unit."""
    if value is None:
        return t("values.none")
    if isinstance(value, bool):
        return t("values.yes") if value else t("values.no")
    if unit == "share":
        return t("units.share", n=number(Decimal(str(value)) * 100))
    if unit == "brackets":
        return with_unit(t, value, unit, name)
    if isinstance(value, list | tuple):
        return ", ".join(code(t, v) for v in value) if value else t("values.none")
    if isinstance(value, str):
        return code(t, value) if value else t("values.none")
    return number(value)


def with_unit(t: Translator, value: Any, unit: str | None, name: str = "") -> str:
    """A value with its unit: ``11,779원``, ``만 65세``, ``80%``, ``제한 없음``."""
    if value is None:
        return t("values.no_limit")
    if isinstance(value, bool):
        return t("values.on") if value else t("values.off")
    key = _unit_key(unit, name)
    if unit == "brackets":
        return "\n".join(t("values.bracket", threshold=number(row[0]), result=number(row[1]))
                         for row in value)
    if isinstance(value, Mapping):
        return "\n".join(f"{_map_key(t, k)} {with_unit(t, v, unit, name)}" for k, v in value.items())
    if isinstance(value, list | tuple | str) or unit == "share":
        return plain(t, value, unit, name)
    if key and t.has(f"units.{key}"):
        return t(f"units.{key}", n=number(value))
    return f"{number(value)} {unit}" if unit else number(value)


def _map_key(t: Translator, key: Any) -> str:
    if isinstance(key, int) or str(key).isdigit():
        return t("values.household_of", n=key)
    return code(t, key)


def datetime_seoul(value: dt.datetime | None) -> str:
    """A stored moment in Korea time (SQLite returns naive UTC)."""
    if value is None:
        return "—"

    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(ZoneInfo("Asia/Seoul")).strftime("%Y-%m-%d %H:%M")


# --- Jinja filters: how every page prints a year, a count, a month, money and a share ---------
# Registered in ``templating``; those that need words take the page's translator from the context.

_MONTH = re.compile(r"^(\d{4})-?(\d{2})(?:-\d{2})?$")


def month(t: Translator, value: Any) -> str:
    """A month in words: ``2025년 11월`` / ``November 2025``, from ``202511``, ``2025-11``, a
    date or a (year, month) pair; anything else as given."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        y, m = value.year, value.month
    elif isinstance(value, tuple):
        y, m = value
    elif match := _MONTH.match(str(value)):
        y, m = int(match[1]), int(match[2])
    else:
        return str(value)
    if not 1 <= m <= 12:
        return str(value)
    return t("format.month", year=y, month=m, name=t(f"format.month_names.{m}"))


def won(t: Translator, value: Any) -> str:
    """Money in whole won with its unit: ``2,461,811원`` / ``KRW 2,461,811``; none as a dash."""
    exact = as_decimal(value)
    if exact is None:
        return "—"
    return t("units.KRW", n=f"{int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)):,}")


_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def duration(t: Translator, value: Any) -> str:
    """An ISO 8601 period (``P5M20D``) in words: ``5개월 20일`` / ``5 months 20 days``."""
    match = _DURATION.match(str(value or ""))
    if not match or not any(match.groups()):
        return "" if value is None else str(value)
    units = ("years", "months", "weeks", "days")
    return " ".join(t(f"units.{unit}", n=int(n)) for unit, n in zip(units, match.groups(), strict=True) if n)


def role(t: Translator, value: Any) -> str:
    """An account role by its label (``감사``), the system and anonymous visitors included."""
    key = f"accounts.roles.{value}"
    return t(key) if t.has(key) else str(value or "—")
