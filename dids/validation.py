"""The number validator's rules, with no Django in them: the three request types and which
fields each returns (the table of Wavix's guide), reading a pasted list or a CSV of numbers
(bounded before it is parsed; every entry read by `portal.phone`, bad ones listed with their
line and reason, duplicates collapsed), and reading one Wavix result item.

Wavix's spec names the fields `valid`, `number_type` and `charge`; its guide's examples say
`is_valid`, `phone_type` and `cost`. Both are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from portal import csvfile, phone

TYPES = ("format", "analysis", "validation")
TYPE_LABELS = {
    "format": "Format (syntax, country and formats)",
    "analysis": "Analysis (adds type, carrier, ported, unallocated)",
    "validation": "Validation (adds risk, timezone, live reachability and roaming)",
}
# The guide's defaults: its example charges 0.015 for a `validation` lookup.
DEFAULT_PRICES = {
    "format": Decimal("0.002"),
    "analysis": Decimal("0.005"),
    "validation": Decimal("0.015"),
}

SYNC_LIMIT = 1_000  # Wavix: "use async: true if you're planning to validate more than 1,000"
MAX_NUMBERS = 10_000  # per job: what Wavix takes in one request
MAX_UPLOAD_BYTES = 1_000_000
MAX_TEXT_CHARS = 400_000  # a pasted list: 10,000 numbers written out at length
MAX_ROWS = MAX_NUMBERS

# Wavix's guide, "phone number details returned depending on the request type": each row is
# (label, the result's attribute, the types that return it). The result page lays a result
# out as this table.
FIELDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Phone number validity", "valid", TYPES),
    ("Local formatting", "national_format", TYPES),
    ("Phone number country", "country", TYPES),
    ("E.164 formatting", "e164_format", TYPES),
    ("MCC, MNC (mobile numbers)", "mcc_mnc", ("analysis", "validation")),
    ("Type (mobile, toll-free…)", "number_type", ("analysis", "validation")),
    ("Current carrier", "carrier", ("analysis", "validation")),
    ("Ported status", "ported", ("analysis", "validation")),
    ("Unallocated range", "unallocated", ("analysis", "validation")),
    ("Risky destination", "risky", ("validation",)),
    ("Timezone", "timezone", ("validation",)),
    ("Reachability (mobile numbers)", "reachable", ("validation",)),
    ("Roaming status (mobile numbers)", "roaming", ("validation",)),
)

ERROR_CODES = {
    "000": "",
    "013": "Wavix had an internal error on this number",
    "021": "the number's length or format is invalid",
    "041": "the lookup timed out",
    "042": "the lookup failed",
    "091": "the Wavix account has insufficient funds",
}

_SPLIT = re.compile(r"[,;\t]")
_HEADER_NAMES = {"number", "phone", "phone_number", "phone number", "numbers", "msisdn"}


class InputTooLarge(ValueError):
    """The list or file cannot be read (over its bound, not UTF-8 text, not CSV): nothing of
    it was parsed."""


@dataclass
class ParsedNumbers:
    """The numbers read from a list, in order and without duplicates, and the entries that are
    not numbers: (line, the entry, why)."""

    numbers: list[int] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    duplicates: int = 0


def parse_text(text: str, *, region: str | None = None) -> ParsedNumbers:
    """One number a line; commas, semicolons or tabs may separate several on a line."""
    if len(text) > MAX_TEXT_CHARS:
        raise InputTooLarge(
            f"The list has {len(text):,} characters; at most {MAX_TEXT_CHARS:,} are read "
            f"(about {MAX_NUMBERS:,} numbers)."
        )
    entries = (
        (line_no, entry.strip())
        for line_no, line in enumerate(text.splitlines(), 1)
        for entry in _SPLIT.split(line)
    )
    return _collect(((n, e) for n, e in entries if e), region)


def parse_csv(data: bytes, *, region: str | None = None) -> ParsedNumbers:
    """The first column, or the column named number/phone; a header row is skipped."""
    try:
        rows = csvfile.read_rows(data, max_bytes=MAX_UPLOAD_BYTES, max_rows=MAX_ROWS)
    except csvfile.CsvFileError as exc:
        raise InputTooLarge(str(exc)) from None
    column, start = 0, 0
    if rows:
        header = rows[0][1]
        named = csvfile.header_column(header, _HEADER_NAMES)
        if named is not None:
            column, start = named, 1
        elif header and header[0].strip() and not any(ch.isdigit() for ch in header[0]):
            start = 1  # a header of another name: its first column is taken
    entries = (
        (line_no, cells[column].strip() if column < len(cells) else "")
        for line_no, cells in rows[start:]
    )
    return _collect(((n, e) for n, e in entries if e), region)


def _collect(entries, region: str | None) -> ParsedNumbers:
    parsed, seen = ParsedNumbers(), set()
    for line_no, entry in entries:
        number, why = phone.reason(entry, region=region)
        if why is not None:
            shown = entry if len(entry) <= 40 else entry[:40] + "…"
            parsed.errors.append((line_no, shown, why))
        elif number in seen:
            parsed.duplicates += 1
        else:
            seen.add(number)
            parsed.numbers.append(number)
    return parsed


def _flag(item: dict, name: str) -> bool | None:
    value = item.get(name)
    return value if isinstance(value, bool) else None


def _text(item: dict, name: str, limit: int) -> str:
    value = item.get(name)
    return str(value)[:limit] if value not in (None, "") else ""


def charge_of(item: dict) -> Decimal:
    raw = item.get("charge", item.get("cost"))
    try:
        value = Decimal(str(raw)) if raw not in (None, "") else Decimal("0")
    except InvalidOperation:
        return Decimal("0")
    return value if value.is_finite() and value >= 0 else Decimal("0")


def item_number(item: dict) -> int | None:
    """The E.164 digits a result is about, or None when it names none we can store."""
    digits = re.sub(r"\D", "", str(item.get("phone_number") or item.get("e164_format") or ""))
    return int(digits) if digits and len(digits) <= phone.MAX_DIGITS else None


def read_item(item: dict) -> dict:
    """A Wavix result item as the fields of a stored result (the number aside)."""
    valid = item.get("valid", item.get("is_valid"))
    return {
        "valid": bool(valid) if isinstance(valid, bool) else False,
        "number_type": _text(item, "number_type", 20) or _text(item, "phone_type", 20),
        "carrier": _text(item, "carrier_name", 120),
        "ported": _flag(item, "ported"),
        "reachable": _flag(item, "reachable"),
        "roaming": _flag(item, "roaming"),
        "risky": _flag(item, "risky_destination"),
        "unallocated": _flag(item, "unallocated_range"),
        "timezone": _text(item, "timezone", 40),
        "country": _text(item, "country_code", 2).upper(),
        "national_format": _text(item, "national_format", 40),
        "e164_format": _text(item, "e164_format", 20),
        "mcc": _text(item, "mcc", 3),
        "mnc": _text(item, "mnc", 3),
        "cost": charge_of(item),
        "error_code": _text(item, "error_code", 3) or "000",
    }


def request_id_of(answer: dict) -> str:
    """The id of an asynchronous request: `request_id` in the spec, `request_uuid` in the
    guide."""
    value = answer.get("request_id") or answer.get("request_uuid") or ""
    return str(value)[:64]
