"""Phone numbers as the sandbox understands them: which country a number belongs to, whether it
is plausible, and what a number validator would say about it. A small numbering plan, enough
for realistic answers and deterministic tests; no Django in here."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = re.compile(r"^\+?[0-9]{6,15}$")
_SEPARATORS = re.compile(r"[\s().-]")

# Canadian area codes; every other NANP area code is treated as the United States'.
_CANADA = (
    "204 226 236 249 250 263 289 306 343 354 365 367 368 382 403 416 418 428 431 437 438 450 "
    "468 474 506 514 519 548 579 581 584 587 604 613 639 647 672 683 705 709 742 753 778 780 "
    "782 807 819 825 867 873 879 902 905"
)
CANADA_AREA_CODES = frozenset(_CANADA.split())
NANP_TOLL_FREE = frozenset({"800", "833", "844", "855", "866", "877", "888"})


@dataclass(frozen=True)
class Plan:
    iso: str
    prefix: str
    lengths: tuple[int, ...]  # total digits including the country code
    mobile_prefixes: tuple[str, ...]
    mobile_carrier: str
    fixed_carrier: str
    mcc: str
    mnc: str
    timezone: str


PLANS = (
    Plan("US", "1", (11,), (), "T-Mobile USA", "Level 3 Communications", "310", "260", ""),
    Plan("CA", "1", (11,), (), "Rogers Wireless", "Bell Canada", "302", "720", ""),
    Plan("GB", "44", (12,), ("447",), "Vodafone UK", "BT", "234", "15", "UTC+00:00"),
    Plan(
        "DE",
        "49",
        (11, 12, 13),
        ("4915", "4916", "4917"),
        "Telekom Deutschland",
        "Deutsche Telekom",
        "262",
        "01",
        "UTC+01:00",
    ),
    Plan("FR", "33", (11,), ("336", "337"), "Orange France", "Orange", "208", "01", "UTC+01:00"),
    Plan("ES", "34", (11,), ("346", "347"), "Movistar", "Telefonica", "214", "07", "UTC+01:00"),
    Plan("IT", "39", (11, 12), ("393",), "TIM", "Telecom Italia", "222", "01", "UTC+01:00"),
    Plan("NL", "31", (11,), ("316",), "KPN Mobile", "KPN", "204", "08", "UTC+01:00"),
    Plan("AU", "61", (11,), ("614",), "Telstra", "Telstra", "505", "01", "UTC+10:00"),
    Plan("AE", "971", (12,), ("9715",), "Etisalat", "Etisalat", "424", "02", "UTC+04:00"),
    Plan("IN", "91", (12,), ("916", "917", "918", "919"), "Jio", "BSNL", "405", "857", "UTC+05:30"),
)
_BY_ISO = {p.iso: p for p in PLANS}

# Eastern, Central, Mountain and Pacific NANP area codes the sandbox's own numbers use.
_NANP_TIMEZONES = {
    "UTC-05:00": {"212", "646", "718", "917", "416", "514", "313", "305", "617"},
    "UTC-06:00": {"312", "773", "214", "469", "713"},
    "UTC-07:00": {"303", "403", "602"},
    "UTC-08:00": {"213", "310", "415", "604", "206"},
}


def normalize(raw: str) -> str | None:
    """Digits of an E.164 number written with or without '+', spaces, dots or dashes."""
    cleaned = _SEPARATORS.sub("", raw or "")
    return cleaned.lstrip("+") if _DIGITS.match(cleaned) else None


def plan_of(digits: str) -> Plan | None:
    if digits.startswith("1") and len(digits) == 11:
        return _BY_ISO["CA" if digits[1:4] in CANADA_AREA_CODES else "US"]
    for plan in PLANS:
        if plan.prefix != "1" and digits.startswith(plan.prefix) and len(digits) in plan.lengths:
            return plan
    return None


def country_of(digits: str) -> str | None:
    plan = plan_of(digits)
    return plan.iso if plan else None


def is_us_or_ca(digits: str) -> bool:
    return country_of(digits) in ("US", "CA")


def national_format(digits: str, plan: Plan | None) -> str:
    if plan is None:
        return digits
    national = digits[len(plan.prefix) :]
    if plan.prefix == "1":
        return f"({national[:3]}) {national[3:6]}-{national[6:]}"
    return f"0{national[:2]} {national[2:6]} {national[6:]}".strip()


def number_type(digits: str, plan: Plan) -> str:
    if plan.prefix == "1":
        if digits[1:4] in NANP_TOLL_FREE:
            return "toll-free"
        # NANP numbers do not reveal mobile vs landline; a fixed rule keeps answers stable.
        return "mobile" if int(digits[-1]) % 2 else "landline"
    return "mobile" if digits.startswith(plan.mobile_prefixes) else "landline"


def timezone_of(digits: str, plan: Plan) -> str:
    if plan.prefix != "1":
        return plan.timezone
    area = digits[1:4]
    return next((tz for tz, codes in _NANP_TIMEZONES.items() if area in codes), "UTC-05:00")
