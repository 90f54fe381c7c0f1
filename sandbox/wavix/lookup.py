"""What Wavix's number validator answers about one number, at a depth (format, analysis,
validation): deeper checks add fields, as Wavix's guide tabulates. The numbering facts come
from `phonenumbers` (libphonenumber: validity, country, formats, type, carrier, timezone);
what only a live network knows is made up deterministically from the digits, so the same
number always gets the same answer and a demo list shows variety:

- the number modulo 23 is 0: a risky destination; 1 (a mobile): roaming; 2: in an unallocated
  range (and so not valid past the format check); 3 (a mobile): unreachable;
- a mobile ending in 0000 is unreachable (the sandbox's undeliverable test recipients);
- a number ending in 7 was ported.

North American numbers do not tell a mobile from a landline (libphonenumber says "fixed line
or mobile"); an odd last digit makes it a mobile, as the sandbox's messaging assumes. No
Django in here.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType, carrier, timezone

from .numbering import PLANS, plan_of

DEPTHS = ("format", "analysis", "validation")
CHARGES = {"format": "0.002", "analysis": "0.005", "validation": "0.015"}
_STANDARD_TIME = datetime(2026, 1, 15, 12, 0)  # offsets in standard time: stable answers

_TYPES = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.TOLL_FREE: "toll-free",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PREMIUM_RATE: "premium",
    PhoneNumberType.SHARED_COST: "shared-cost",
}
_MCC_MNC = {p.iso: (p.mcc, p.mnc) for p in PLANS}


def _parse(digits: str):
    try:
        parsed = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    return parsed


def _kind(parsed, digits: str) -> str:
    found = phonenumbers.number_type(parsed)
    if found == PhoneNumberType.FIXED_LINE_OR_MOBILE:
        return "mobile" if int(digits[-1]) % 2 else "landline"
    return _TYPES.get(found, "landline")


@lru_cache(maxsize=512)
def _offset(zone: str) -> str:
    delta = ZoneInfo(zone).utcoffset(_STANDARD_TIME)
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _timezone(parsed) -> str | None:
    zones = [z for z in timezone.time_zones_for_number(parsed) if z != "Etc/Unknown"]
    # A number of many zones (a toll-free one) has no place, so no timezone.
    return _offset(zones[0]) if 0 < len(zones) <= 4 else None


def _carrier(parsed, digits: str, kind: str) -> str:
    name = carrier.name_for_number(parsed, "en")
    if name:
        return name
    plan = plan_of(digits)
    if plan is None:
        return "Unknown carrier"
    return plan.mobile_carrier if kind == "mobile" else plan.fixed_carrier


def validate(raw: str, depth: str) -> dict:
    """The result item for one number at a depth, in the spec's field names."""
    digits = re.sub(r"\D", "", raw or "")
    parsed = _parse(digits) if 6 <= len(digits) <= 15 else None
    valid = parsed is not None and phonenumbers.is_valid_number(parsed)
    region = phonenumbers.region_code_for_number(parsed) if valid else None
    result = {
        "phone_number": digits or str(raw)[:20],
        "valid": valid,
        "country_code": region,
        "e164_format": f"+{digits}",
        "national_format": (
            phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL) if valid else digits
        ),
        "charge": CHARGES[depth] if valid else "0.0",
        "error_code": "000" if valid else "021",
    }
    if not valid or depth == "format":
        return result
    number = int(digits)
    kind = _kind(parsed, digits)
    mobile = kind == "mobile"
    mcc, mnc = _MCC_MNC.get(region, ("001", "01"))
    unallocated = number % 23 == 2
    result.update(
        valid=not unallocated,
        number_type=kind,
        carrier_name=_carrier(parsed, digits, kind),
        mcc=mcc if mobile else None,
        mnc=mnc if mobile else None,
        ported=digits.endswith("7"),
        unallocated_range=unallocated,
    )
    if depth == "validation":
        reachable = not (digits.endswith("0000") or number % 23 == 3)
        result.update(
            risky_destination=number % 23 == 0,
            timezone=_timezone(parsed),
            reachable=reachable if mobile else None,
            roaming=(number % 23 == 1) if mobile else None,
        )
    return result
