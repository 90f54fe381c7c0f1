"""E911: emergency addresses validated against a small, fixed street guide, so each of Wavix's
four outcomes has an address that produces it:

- full match (1): a known street with its ZIP, e.g. 100 Main St, Springfield, IL 62701;
- address corrected (2): a known street with a wrong ZIP (62710 for Main St, Springfield);
- candidates (3): a street too long to place without a number and unit, e.g. Broadway,
  New York, NY with no street_number or no location;
- no match (4): any street the guide does not know.

The integers follow the order of the seed document's list (its example answers status 2 with
a corrected ZIP). `zip_plus_four` is the nine-digit ZIP+4, as in that example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction

from .. import numbering
from ..errors import ApiError
from ..models import SandboxAccount, SandboxE911Record, SandboxNumber
from ..params import Invalid, Params

FULL_MATCH, CORRECTED, CANDIDATES, NO_MATCH = 1, 2, 3, 4
ADDRESS_FIELDS = (
    "street_number",
    "street",
    "location",
    "city",
    "state",
    "zip_code",
    "zip_plus_four",
)


@dataclass(frozen=True)
class Street:
    street: str
    city: str
    state: str
    zip_code: str
    plus_four: str = ""
    # A street that spans many ZIP codes: without a number and a unit it cannot be placed.
    places: tuple[tuple[str, str, str], ...] = ()  # (street_number, zip_code, plus_four)


GUIDE = (
    Street("Main St", "Springfield", "IL", "62701", "1504"),
    Street("Main St", "Buffalo", "NY", "14202", "3101"),
    Street("W Adams St", "Chicago", "IL", "60661", "5402"),
    Street("Michigan Ave", "Chicago", "IL", "60603", "1234"),
    Street("Market St", "San Francisco", "CA", "94103", "1310"),
    Street("Queen St W", "Toronto", "ON", "M5H 2N2"),
    Street(
        "Broadway",
        "New York",
        "NY",
        "10004",
        places=(("1", "10004", "1005"), ("233", "10279", "0001"), ("1501", "10036", "5601")),
    ),
)
_SUFFIXES = {
    "STREET": "ST",
    "AVENUE": "AVE",
    "ROAD": "RD",
    "BOULEVARD": "BLVD",
    "WEST": "W",
    "EAST": "E",
    "NORTH": "N",
    "SOUTH": "S",
    "DRIVE": "DR",
}


def _key(text: str) -> str:
    words = re.sub(r"[.,]", " ", text).upper().split()
    return " ".join(_SUFFIXES.get(w, w) for w in words)


_BY_KEY = {(_key(s.street), _key(s.city), s.state): s for s in GUIDE}


@dataclass
class Validation:
    status: int
    corrected: dict
    candidates: list[dict] = field(default_factory=list)


def read_address(params: Params, *, association: bool) -> dict:
    address = params.obj("address", required=True)
    values = {}
    # Validation takes an address without a street number or ZIP (it answers candidates or
    # a correction that has them); an association needs both.
    may_be_blank = () if association else ("street_number", "zip_code")
    for name in ADDRESS_FIELDS:
        required = name not in ("location", "zip_plus_four")
        values[name] = address.str(
            name,
            required=required,
            blank=not required or name in may_be_blank,
            max_length=100,
            default="",
        )
    if not re.fullmatch(r"[A-Za-z]{2}", values["state"]):
        raise Invalid(
            "address.state", "must be a two-letter state or province code", values["state"]
        )
    values["state"] = values["state"].upper()
    if association and not values["zip_plus_four"] and not values["zip_code"][:1].isalpha():
        raise Invalid("address.zip_plus_four", "is required for US addresses")
    return values


def e911_number(account: SandboxAccount, phone_number: str) -> SandboxNumber:
    digits = numbering.normalize(phone_number)
    number = SandboxNumber.objects.filter(account=account, number=digits).first()
    if number is None:
        raise ApiError(404, f"Phone number {phone_number} not found on the account")
    if not numbering.is_us_or_ca(number.number):
        raise Invalid(
            "phone_number", "E911 is available for US and Canadian numbers only", phone_number
        )
    return number


def _standard(street: Street, address: dict, number: str, zip_code: str, plus: str) -> dict:
    return {
        "street_number": number,
        "street": street.street,
        "location": address["location"],
        "city": street.city,
        "state": street.state,
        "zip_code": zip_code,
        "zip_plus_four": f"{zip_code}{plus}" if plus else "",
    }


def address_validate(address: dict) -> Validation:
    street = _BY_KEY.get((_key(address["street"]), _key(address["city"]), address["state"]))
    if street is None:
        return Validation(NO_MATCH, dict(address))
    number, zip_code, plus = address["street_number"], street.zip_code, street.plus_four
    if street.places:
        place = next((p for p in street.places if p[0] == number), None)
        if place is None or not address["location"]:
            candidates = [_standard(street, address, *p) for p in street.places]
            return Validation(CANDIDATES, dict(address), candidates)
        zip_code, plus = place[1], place[2]
    corrected = _standard(street, address, number, zip_code, plus)
    matches = address["zip_code"].replace(" ", "") == zip_code.replace(" ", "")
    return Validation(FULL_MATCH if matches else CORRECTED, corrected)


def e911_associate(
    *, account: SandboxAccount, phone_number: str, name: str, address: dict
) -> SandboxE911Record:
    """Registers the address for the number; only an address that validates as it is (the
    full match, or the corrected address Wavix suggested) is accepted."""
    number = e911_number(account, phone_number)
    result = address_validate(address)
    if result.status != FULL_MATCH:
        raise ApiError(
            422,
            f"Address could not be validated (status {result.status}): validate it first and "
            "submit the corrected address",
        )
    values = {**result.corrected, "name": name}
    if address["zip_plus_four"]:
        values["zip_plus_four"] = address["zip_plus_four"]
    with transaction.atomic():
        record, _ = SandboxE911Record.objects.update_or_create(
            account=account, phone_number=number.number, defaults=values
        )
    return record


def e911_delete(*, account: SandboxAccount, phone_number: str) -> None:
    digits = numbering.normalize(phone_number) or phone_number
    deleted, _ = SandboxE911Record.objects.filter(account=account, phone_number=digits).delete()
    if not deleted:
        raise ApiError(404, f"No E911 record for {phone_number}")
