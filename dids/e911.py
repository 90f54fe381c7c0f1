"""E911 rules checked before anything is sent to Wavix: which numbers can have an emergency
address (US and Canadian, geographic or toll-free, as `portal.phone` reads the numbering plan),
and whether an address is complete and
well-formed (state or province code, ZIP 5 / ZIP+4, Canadian postal code). No Django here.

Every message names the field, the value and the rule, so a user can fix it at once.
"""

from __future__ import annotations

import re

from portal import phone

E911_COUNTRIES = frozenset({"US", "CA"})
# The countries a number may belong to (by libphonenumber's region): the US and Canada, and the
# US territories that share US 911 and country code 1. Other +1 countries (Jamaica, Bermuda,
# the Dominican Republic...) have no E911.
E911_NUMBER_REGIONS = E911_COUNTRIES | {"AS", "GU", "MP", "PR", "VI"}

_US = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY "
    # Territories served by US 911 and reached with country code 1.
    "AS GU MP PR VI"
)
_CA = "AB BC MB NB NL NS NT NU ON PE QC SK YT"
US_STATES = frozenset(_US.split())
CA_PROVINCES = frozenset(_CA.split())

ADDRESS_FIELDS = ("street_number", "street", "location", "city", "state", "zip_code")
# What must be entered before Wavix is asked: the street number and the ZIP may be left out,
# and Wavix then answers with candidates or a correction that has them (e.g. Broadway, New
# York, NY). An address that is registered for emergency calls has them all.
REQUIRED_TO_VALIDATE = ("name", "street", "city", "state")
REQUIRED_FIELDS = ("name", "street_number", "street", "city", "state", "zip_code")
LABELS = {
    "name": "Name",
    "street_number": "Street number",
    "street": "Street",
    "location": "Location",
    "city": "City",
    "state": "State or province",
    "zip_code": "ZIP or postal code",
    "zip_plus_four": "ZIP+4",
}
MAX_LENGTHS = {
    "name": 100,
    "street_number": 20,
    "street": 100,
    "location": 100,
    "city": 100,
    "state": 2,
    "zip_code": 10,
}

_ZIP = re.compile(r"^(\d{5})(?:[- ]?(\d{4}))?$")
# Canada Post: letter digit letter, space, digit letter digit; D F I O Q U never appear, and W Z
# never lead.
_POSTAL = re.compile(r"^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]) ?(\d[ABCEGHJ-NPRSTV-Z]\d)$")


def number_kind(number: int) -> str | None:
    """ "toll_free" or "geographic" (fixed line or mobile) for a valid North American (+1)
    number, else None (an unassigned area code or exchange, a service code such as 911)."""
    if not phone.is_nanp(number) or not phone.is_valid(number):
        return None
    if phone.is_toll_free(number):
        return "toll_free"
    return "geographic" if phone.is_geographic(number) else None


def number_refusal(number: int, country: str = "") -> str | None:
    """Why this number cannot have an E911 address, or None if it can. `country` is what the
    inventory says (ISO alpha-2); the numbering plan says the number's own country, since +1
    also covers Caribbean countries that have no E911 (+1 876 is Jamaica)."""
    if not phone.is_nanp(number):
        return (
            f"+{number} is not a US or Canadian number: E911 covers country code 1 "
            "(United States and Canada) only."
        )
    kind = number_kind(number)
    region = phone.region_of(number)
    if region and region not in E911_NUMBER_REGIONS:
        return (
            f"+{number} is a number of {region} ({phone.region_name(region)}), not a US or "
            "Canadian number: E911 covers the United States and Canada only."
        )
    if kind is None:
        shown = phone.number_type(number)
        if phone.is_valid(number) and shown:
            return (
                f"+{number} is a {shown.lower()} number: E911 covers geographic and toll-free "
                "numbers only."
            )
        return f"+{number} is not a valid North American number (1 + area code + 7 digits)."
    country = (country or "").upper()
    if kind == "geographic" and country and country not in E911_COUNTRIES:
        return f"+{number} is a number of {country}: E911 covers the United States and Canada only."
    return None


def foreign_nanp_prefixes() -> tuple[str, ...]:
    """The national prefixes (area codes) of the +1 countries that have no E911, for queries
    that mirror `number_refusal` in the database."""
    return tuple(
        sorted(
            prefix
            for region in phone.nanp_regions()
            if region not in E911_NUMBER_REGIONS
            for prefix in phone.nanp_prefixes(region)
        )
    )


def country_of_state(state: str) -> str | None:
    state = (state or "").strip().upper()
    if state in US_STATES:
        return "US"
    if state in CA_PROVINCES:
        return "CA"
    return None


def normalize_address(data: dict) -> dict:
    """Trimmed values, the state upper-cased, a ZIP+4 split into `zip_code` and
    `zip_plus_four` (nine digits, as Wavix writes it), a postal code as "A1A 1A1"."""
    out = {f: " ".join(str(data.get(f) or "").split()) for f in ("name", *ADDRESS_FIELDS)}
    out["zip_plus_four"] = re.sub(r"\D", "", str(data.get("zip_plus_four") or ""))
    out["state"] = out["state"].upper()
    code = out["zip_code"].upper()
    country = country_of_state(out["state"])
    if country == "US" and (m := _ZIP.match(code)):
        out["zip_code"] = m.group(1)
        if m.group(2):
            out["zip_plus_four"] = m.group(1) + m.group(2)
    elif country == "CA" and (m := _POSTAL.match(code)):
        out["zip_code"] = f"{m.group(1)} {m.group(2)}"
        out["zip_plus_four"] = ""
    else:
        out["zip_code"] = code
    return out


def address_errors(data: dict, *, complete: bool = True) -> dict[str, str]:
    """Field name -> what is wrong with it, for a normalized address (empty if valid). Every
    field is checked, whatever the others hold, so all problems are reported at once.
    `complete=False` checks an address about to be validated by Wavix, which may lack the
    street number and the ZIP."""
    errors: dict[str, str] = {}
    for name in REQUIRED_FIELDS if complete else REQUIRED_TO_VALIDATE:
        if not data.get(name):
            errors[name] = f"{LABELS[name]} is required for an emergency address."
    for name, limit in MAX_LENGTHS.items():
        value = data.get(name) or ""
        if name not in errors and len(value) > limit:
            errors[name] = f"{LABELS[name]} “{value[:20]}…” is longer than {limit} characters."
    state = data.get("state") or ""
    country = country_of_state(state)
    if state and "state" not in errors and country is None:
        errors["state"] = (
            f"“{state}” is not a US state or Canadian province code: use two letters, "
            "e.g. IL or ON."
        )
    code = data.get("zip_code") or ""
    if code and "zip_code" not in errors and country is None:
        # No valid state to tell the country: the code must be one or the other.
        if not (_ZIP.match(code) or _POSTAL.match(code)):
            errors["zip_code"] = (
                f"“{code}” is neither a US ZIP code (62701 or 62701-1504) nor a Canadian "
                "postal code (M5H 2N2)."
            )
    elif code and "zip_code" not in errors:
        if country == "US" and not _ZIP.match(code):
            errors["zip_code"] = (
                f"“{code}” is not a US ZIP code: use 5 digits (62701) or ZIP+4 (62701-1504)."
            )
        elif country == "CA" and not _POSTAL.match(code):
            errors["zip_code"] = (
                f"“{code}” is not a Canadian postal code: use the form A1A 1A1 (e.g. M5H 2N2)."
            )
    plus = data.get("zip_plus_four") or ""
    if plus and (country != "US" or not re.fullmatch(r"\d{9}", plus)):
        errors["zip_plus_four"] = (
            f"“{plus}” is not a ZIP+4: nine digits, for US addresses only (e.g. 627011504)."
        )
    return errors


def one_line(address: dict) -> str:
    """The address as people write it: 100 Main St, Suite 200, Springfield, IL 62701-1504."""
    street = " ".join(filter(None, [address.get("street_number"), address.get("street")]))
    plus = address.get("zip_plus_four") or ""
    code = f"{plus[:5]}-{plus[5:]}" if len(plus) == 9 else address.get("zip_code", "")
    region = " ".join(filter(None, [address.get("state"), code]))
    return ", ".join(filter(None, [street, address.get("location"), address.get("city"), region]))


def changed_fields(submitted: dict, suggested: dict) -> list[str]:
    """The address fields Wavix's suggestion changes (compared as people would: case and
    spacing aside)."""

    def key(value) -> str:
        return " ".join(str(value or "").upper().split())

    return [f for f in ADDRESS_FIELDS if key(submitted.get(f)) != key(suggested.get(f))]
