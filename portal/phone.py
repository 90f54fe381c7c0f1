"""Phone numbers, in one place for every app: reading what people type (the pool editor and
import, "who owns", number searches and filters, trunk caller IDs, E911 numbers), the region
and the type of a number, and how a number is stored and shown. No Django here.

Numbers are stored as E.164 digits (country code first, no `+`). People write them with a
`+`, spaces, brackets, dots and dashes (`+1 (312) 555-0150`, `+44 (0)20 7183 8750`); the
`phonenumbers` library (libphonenumber's metadata) reads those forms, knows the country codes
and how long a number may be in each, which country a number belongs to (`+1 876` is Jamaica,
not the United States: country code 1 is shared by the North American numbering plan) and
its type (toll-free, mobile, geographic...). A number must be written with its country code: a
national form such as `(312) 555-0150` is refused with that rule, never guessed, unless the
caller names the region the text is written in.

Plain digits take a fast path (a pool import reads a million of them): the length rules are
the library's metadata, looked up once per country code and length.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType, ValidationResult

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


def parse(text: str, *, min_digits: int = MIN_DIGITS, region: str | None = None) -> int:
    """The E.164 digits of a number as typed, as an int; NumberError names the rule broken.
    With a `region` ("US", "GB"), a number written in that country's national form
    ("(312) 555-0150", "020 7183 8750") is read too."""
    number, rule = check(text, min_digits=min_digits, region=region)
    if rule:
        raise NumberError(rule)
    return number


def check(
    text: str, *, min_digits: int = MIN_DIGITS, region: str | None = None
) -> tuple[int | None, str | None]:
    """(number, None) or (None, the rule broken, naming the value): the shape `dids.ranges`
    asks of a reader of range ends."""
    raw = text.strip() if isinstance(text, str) else str(text).strip()
    if region is None and raw.isascii() and raw.isdigit():
        # The fast path (an import reads a million of these): the rules depend only on the
        # first digits and the length.
        why = _digits_rule(raw[:3], len(raw), min_digits)
        if why is None:
            return int(raw), None
        return None, f"“{raw}” {why}"
    number, why = reason(raw, min_digits=min_digits, region=region)
    if why is None:
        return number, None
    if not raw:
        return None, why
    shown = raw if len(raw) <= MAX_TYPED else raw[:MAX_TYPED] + "…"
    return None, f"“{shown}” {why}"


def reason(
    text: str, *, min_digits: int = MIN_DIGITS, region: str | None = None
) -> tuple[int | None, str | None]:
    """(number, None), or (None, why the text is not a number, without the text: "has 3
    digits; a phone number has at least 8"), for callers that word their own message."""
    raw = str(text).strip()
    if not raw:
        return None, "a number is missing"
    if len(raw) > MAX_TYPED:
        return None, f"is longer than {MAX_TYPED} characters"
    if region is not None and not raw.startswith("+") and _TYPED.fullmatch(raw):
        return _national(raw, region, min_digits)
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


def _national(raw: str, region: str, min_digits: int) -> tuple[int | None, str | None]:
    """A number written as it is dialled in `region`, national prefix and all."""
    try:
        parsed = phonenumbers.parse(raw, region.upper())
    except phonenumbers.NumberParseException:
        return None, f"is not a phone number of {region.upper()}"
    digits = f"{parsed.country_code}{phonenumbers.national_significant_number(parsed)}"
    return _check_digits(digits, min_digits)


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


# What a number is ------------------------------------------------------------------------

NANP_CODE = 1  # the North American numbering plan: the US, Canada and most of the Caribbean


def _digits_of(number: int | str) -> str:
    return str(number).strip().removeprefix("+")


@lru_cache(maxsize=8192)
def _parsed_digits(digits: str) -> phonenumbers.PhoneNumber | None:
    if not (digits.isascii() and digits.isdigit()):
        return None
    try:
        return phonenumbers.parse(f"+{digits}", None)
    except phonenumbers.NumberParseException:
        return None


def _parsed(number: int | str) -> phonenumbers.PhoneNumber | None:
    return _parsed_digits(_digits_of(number))


def is_valid(number: int | str) -> bool:
    """Whether the numbering plan of the number's country has this number (a real area code
    and exchange, the right length), not only a possible length."""
    parsed = _parsed(number)
    return parsed is not None and phonenumbers.is_valid_number(parsed)


def is_nanp(number: int | str) -> bool:
    """Whether the number is in the North American numbering plan (country code 1)."""
    parsed = _parsed(number)
    return parsed is not None and parsed.country_code == NANP_CODE


def region_of(number: int | str) -> str | None:
    """The country (ISO 3166 alpha-2) a number belongs to: "US", "CA", "JM" for +1 876...,
    "GB" for +44; None if the numbering plan does not place it (an unassigned area code)."""
    parsed = _parsed(number)
    if parsed is None:
        return None
    region = phonenumbers.region_code_for_number(parsed)
    return None if region in (None, phonenumbers.UNKNOWN_REGION) else region


def region_name(region: str) -> str:
    """The English name of a country code ("JM" -> "Jamaica"), or the code if unknown."""
    # The geocoder's data is large (half a second to load), so it is imported on first use.
    from phonenumbers import geocoder

    example = phonenumbers.example_number(region.upper())
    name = geocoder.country_name_for_number(example, "en") if example else ""
    return name or region.upper()


def type_of(number: int | str) -> PhoneNumberType:
    """libphonenumber's type of the number (`PhoneNumberType.TOLL_FREE`, `.MOBILE`,
    `.FIXED_LINE`...); `UNKNOWN` for a number its country's plan does not have."""
    parsed = _parsed(number)
    if parsed is None:
        return PhoneNumberType.UNKNOWN
    return phonenumbers.number_type(parsed)


GEOGRAPHIC_TYPES = frozenset(
    {PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


def is_toll_free(number: int | str) -> bool:
    return type_of(number) == PhoneNumberType.TOLL_FREE


def is_geographic(number: int | str) -> bool:
    """A fixed-line or mobile number (NANP plans do not tell the two apart)."""
    return type_of(number) in GEOGRAPHIC_TYPES


def number_type(number: int | str) -> str:
    """What kind of number this is by its numbering plan ("Geographic", "Mobile",
    "Toll-free"...), or "" if the plan does not say."""
    return TYPE_NAMES.get(type_of(number), "")


def nanp_prefixes(region: str) -> tuple[str, ...]:
    """The shortest national prefixes (area codes, or an area code and a digit) of a NANP
    country other than the US and Canada, from libphonenumber's metadata: ("658", "876") for
    JM. Empty for the US and Canada, whose numbers are the rest of the plan."""
    return _nanp_prefixes(region.upper())


@lru_cache(maxsize=64)
def _nanp_prefixes(region: str) -> tuple[str, ...]:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.country_code != NANP_CODE or not metadata.leading_digits:
        return ()
    pattern = re.compile(f"(?:{metadata.leading_digits})")
    found: list[str] = []
    for size in (1, 2, 3, 4):
        for value in range(10**size):
            prefix = str(value).zfill(size)
            if not any(prefix.startswith(p) for p in found) and pattern.fullmatch(prefix):
                found.append(prefix)
    return tuple(sorted(found))


@lru_cache(maxsize=1)
def nanp_toll_free_prefixes() -> tuple[str, ...]:
    """The NANP toll-free area codes ("800", "833"... "888"), from the plan's metadata."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("US")
    pattern = re.compile(f"(?:{metadata.toll_free.national_number_pattern})")
    # An area code is toll-free if the plan's toll-free pattern takes a number in it.
    return tuple(f"{npa}" for npa in range(200, 1000) if pattern.fullmatch(f"{npa}2345678"))


def nanp_spans(prefixes: tuple[str, ...]) -> list[tuple[int, int]]:
    """The E.164 numbers (first, last) of +1 numbers whose national number starts with each
    prefix: "876" gives (18760000000, 18769999999)."""
    spans = []
    for prefix in prefixes:
        rest = 10 - len(prefix)
        low = int(f"{NANP_CODE}{prefix}{'0' * rest}")
        spans.append((low, low + 10**rest - 1))
    return spans


def nanp_regions() -> tuple[str, ...]:
    """Every country of the North American numbering plan ("US", "AG", "AI"... "CA"...)."""
    return tuple(phonenumbers.region_codes_for_country_code(NANP_CODE))


# Storing and showing numbers --------------------------------------------------------------


def storage_form(value: object) -> str:
    """The number as stored and exported: E.164 digits without the `+` ("+16468097065" and
    16468097065 both give "16468097065"); anything else (a SIP user, "anonymous") as it is."""
    text = "" if value is None else str(value).strip()
    digits = text.removeprefix("+")
    return digits if digits.isascii() and digits.isdigit() else text


def from_storage(value: object) -> int | None:
    """The number a stored or provider-sent value writes as E.164 digits (an optional `+`,
    ASCII digits only, at most 15: "²" is a digit to `str.isdigit`, not to a carrier), or None
    ("anonymous", a SIP user, an empty value)."""
    text = "" if value is None else str(value).strip().removeprefix("+")
    if text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS:
        return int(text)
    return None


def number_digits(text: str) -> str | None:
    """The digits of a number written as E.164 digits with an optional `+` and spaces
    ("+1 646 809 7065"), or None if the text is not one."""
    digits = str(text).strip().lstrip("+").replace(" ", "")
    return digits if digits.isascii() and digits.isdigit() else None


def e164(value: object) -> str:
    """The number as the portal shows it in lists and messages: its E.164 digits with a `+`
    ("+16468097065"); anything else (an anonymous caller, a SIP address) as it is."""
    text = "" if value is None else str(value).strip()
    digits = text.removeprefix("+")
    return "+" + digits if digits.isascii() and digits.isdigit() else text


def display(number: int | str) -> str:
    """The number in international format, "+1 212-736-0000"."""
    parsed = _parsed(number)
    if parsed is None:
        return f"+{_digits_of(number)}"
    return phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)


def display_national(number: int | str) -> str:
    """The number as dialled inside its country, "(212) 736-0000", "020 7183 8750"."""
    parsed = _parsed(number)
    if parsed is None:
        return f"+{_digits_of(number)}"
    return phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL)


__all__ = [
    "GEOGRAPHIC_TYPES",
    "MAX_DIGITS",
    "MAX_TYPED",
    "MIN_DIGITS",
    "NANP_CODE",
    "NumberError",
    "PhoneNumberType",
    "check",
    "country_code",
    "display",
    "display_national",
    "e164",
    "from_storage",
    "is_geographic",
    "is_nanp",
    "is_toll_free",
    "is_valid",
    "nanp_prefixes",
    "nanp_regions",
    "nanp_spans",
    "nanp_toll_free_prefixes",
    "number_digits",
    "number_type",
    "parse",
    "reason",
    "region_name",
    "region_of",
    "search_digits",
    "storage_form",
    "type_of",
]
