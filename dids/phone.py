"""Phone numbers as people type them, in one place: the pool editor and import, "who owns",
number searches and filters, trunk caller IDs and E911 numbers all read numbers here.

Numbers are stored as E.164 digits (country code first, no `+`). People write them with a
`+`, spaces, brackets, dots and dashes (`+1 (312) 555-0150`, `+44 (0)20 7183 8750`); the
`phonenumbers` library reads those forms, knows the country codes and how long a number may be
in each, and names a number's type. A number must be written with its country code: a national
form such as `(312) 555-0150` is refused with that rule, never guessed.

Plain digits take a fast path (a pool import reads a million of them): the length rules are
the library's metadata, looked up once per country code and length.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType, ValidationResult

from .ranges import Pool, PoolSyntaxError, SegmentError

MAX_DIGITS = 15  # E.164
MIN_DIGITS = 8  # the shortest numbers in use (country code included) have 8 digits
MAX_TYPED = 40  # characters of one typed number, checked before any parsing

_PLAIN = re.compile(r"\+?[0-9]+")
_TYPED = re.compile(r"\+?[0-9 \u00a0().\-/]+")
_SEPARATORS = re.compile(r"[ \u00a0().\-/]")

TYPE_NAMES = {
    PhoneNumberType.FIXED_LINE: "Geographic",
    PhoneNumberType.MOBILE: "Mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "Geographic or mobile",
    PhoneNumberType.TOLL_FREE: "Toll-free",
    PhoneNumberType.PREMIUM_RATE: "Premium rate",
    PhoneNumberType.SHARED_COST: "Shared cost",
    PhoneNumberType.VOIP: "VoIP",
    PhoneNumberType.PERSONAL_NUMBER: "Personal",
    PhoneNumberType.PAGER: "Pager",
    PhoneNumberType.UAN: "Corporate (UAN)",
    PhoneNumberType.VOICEMAIL: "Voicemail",
}


class NumberError(ValueError):
    """A typed number that is not one, with the rule it breaks (the value named in it)."""


def parse(text: str, *, min_digits: int = MIN_DIGITS) -> int:
    """The E.164 digits of a number as typed, as an int; NumberError names the rule broken."""
    number, rule = check(text, min_digits=min_digits)
    if rule:
        raise NumberError(rule)
    return number


def check(text: str, *, min_digits: int = MIN_DIGITS) -> tuple[int | None, str | None]:
    """(number, None) or (None, the rule broken, naming the value): the shape `dids.ranges`
    asks of a reader of range ends."""
    raw = text.strip() if isinstance(text, str) else str(text).strip()
    if raw.isascii() and raw.isdigit():
        # The fast path (an import reads a million of these): the rules depend only on the
        # first digits and the length.
        why = _digits_rule(raw[:3], len(raw), min_digits)
        if why is None:
            return int(raw), None
        return None, f"“{raw}” {why}"
    number, why = reason(raw, min_digits=min_digits)
    if why is None:
        return number, None
    if not raw:
        return None, why
    shown = raw if len(raw) <= MAX_TYPED else raw[:MAX_TYPED] + "…"
    return None, f"“{shown}” {why}"


def reason(text: str, *, min_digits: int = MIN_DIGITS) -> tuple[int | None, str | None]:
    """(number, None), or (None, why the text is not a number, without the text: "has 3
    digits; a phone number has at least 8"), for callers that word their own message."""
    raw = str(text).strip()
    if not raw:
        return None, "a number is missing"
    if len(raw) > MAX_TYPED:
        return None, f"is longer than {MAX_TYPED} characters"
    if _PLAIN.fullmatch(raw):
        digits = raw.lstrip("+")
    elif _TYPED.fullmatch(raw):
        if raw.startswith("("):
            return None, "has no country code: write it first, e.g. +1 (312) 555-0150"
        digits = _typed_digits(raw)
        if not digits:
            return None, "is not a phone number"
    else:
        return None, (
            "has characters other than digits (spaces, brackets, dots and dashes may separate them)"
        )
    return _check_digits(digits, min_digits)


def _typed_digits(raw: str) -> str:
    """The digits of a formatted number, read by phonenumbers (which drops a national prefix
    written in brackets, as in +44 (0)20…)."""
    try:
        parsed = phonenumbers.parse("+" + raw.lstrip("+").lstrip(), None)
    except phonenumbers.NumberParseException:
        return _SEPARATORS.sub("", raw).lstrip("+")
    return f"{parsed.country_code}{phonenumbers.national_significant_number(parsed)}"


def _check_digits(digits: str, min_digits: int) -> tuple[int | None, str | None]:
    why = _digits_rule(digits[:3], len(digits), min_digits)
    return (None, why) if why else (int(digits), None)


@lru_cache(maxsize=8192)
def _digits_rule(lead: str, length: int, min_digits: int) -> str | None:
    """Why E.164 digits starting with `lead` (their first three) and `length` long cannot be
    a number, or None: the same answer for every number of that shape."""
    if lead.startswith("0"):
        return "starts with 0 (E.164 numbers start with the country code)"
    if length > MAX_DIGITS:
        return f"has {length} digits; E.164 allows at most {MAX_DIGITS}"
    if length < min_digits:
        return f"has {length} digits; a phone number has at least {min_digits}"
    code = country_code(lead)
    if code is None:
        return "does not start with a country code"
    return _length_rule(code, length - len(code))


_COUNTRY_CODES = frozenset(str(c) for c in phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


def country_code(digits: str) -> str | None:
    """The country calling code the digits start with (codes are prefix-free)."""
    for size in (1, 2, 3):
        if len(digits) >= size and digits[:size] in _COUNTRY_CODES:
            return digits[:size]
    return None


@lru_cache(maxsize=4096)
def _length_rule(code: str, national_length: int) -> str | None:
    """Why a number of this country code and national length cannot exist (None if it can):
    the length alone decides, so one lookup serves every number of that shape."""
    if national_length == 0:
        return f"has only the country code +{code}"
    probe = phonenumbers.PhoneNumber(
        country_code=int(code), national_number=int("9" * national_length)
    )
    reason = phonenumbers.is_possible_number_with_reason(probe)
    if reason in (ValidationResult.IS_POSSIBLE, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        return None
    lengths = _national_lengths(int(code))
    regions = phonenumbers.region_codes_for_country_code(int(code))
    shown = ", ".join(regions[:2]) + (" and others" if len(regions) > 2 else "")
    where = f"+{code} ({shown})" if shown else f"+{code}"
    allowed = ", ".join(str(n) for n in lengths) if lengths else "other lengths"
    return f"has {national_length} digits after the country code; numbers of {where} have {allowed}"


def _national_lengths(code: int) -> list[int]:
    region = phonenumbers.region_code_for_country_code(code)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(code, region)
    if metadata is None or metadata.general_desc is None:
        return []
    return sorted(metadata.general_desc.possible_length)


def search_digits(text: str) -> str | None:
    """The digits of a number, or of the start of one, typed in a search box ("+1 (312) 555"),
    or None if the text is not one (then it is a text search)."""
    raw = str(text).strip()
    if not raw or len(raw) > MAX_TYPED or not _TYPED.fullmatch(raw):
        return None
    digits = _SEPARATORS.sub("", raw).lstrip("+")
    if not digits or len(digits) > MAX_DIGITS:
        return None
    return digits


# Showing numbers --------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _parsed(number: int) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(f"+{number}", None)
    except phonenumbers.NumberParseException:
        return None


def number_type(number: int) -> str:
    """What kind of number this is by its numbering plan ("Geographic", "Mobile",
    "Toll-free"...), or "" if the plan does not say."""
    parsed = _parsed(int(number))
    if parsed is None:
        return ""
    return TYPE_NAMES.get(phonenumbers.number_type(parsed), "")


def display(number: int) -> str:
    """The number in international format, "+1 212-736-0000"."""
    parsed = _parsed(int(number))
    if parsed is None:
        return f"+{number}"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# Pools ------------------------------------------------------------------------------------


def parse_pool(text: str, *, max_range: int | None = None, max_segments: int | None = None) -> Pool:
    """A pool as people type it: each range end read by `check`, every range at most
    `max_range` numbers. Raises PoolSyntaxError with every problem."""
    kwargs = {"max_segments": max_segments} if max_segments else {}
    return Pool.parse(text, number=check, max_range=max_range, **kwargs)


__all__ = [
    "MAX_DIGITS",
    "MIN_DIGITS",
    "NumberError",
    "PoolSyntaxError",
    "SegmentError",
    "check",
    "country_code",
    "display",
    "number_type",
    "parse",
    "parse_pool",
    "reason",
    "search_digits",
]
