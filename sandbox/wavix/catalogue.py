"""Wavix's reference data as the sandbox models it: the countries, regions and cities numbers
are sold in, their prices, messaging prices and the sender-ID rules. Plain data, no Django.

Number blocks are chosen away from the portal's demo pools (Acme 16468097065-16468097080 and
13125550100-13125550199, Globex 12125550000-12126549999 and 14155550123): `stock` is what is
for sale, `held` is where `sandbox_seed` puts purchased numbers that are in no pool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class CitySpec:
    name: str
    area_code: int
    stock: int  # first number of the block for sale
    held: int  # first number of the block of purchased numbers outside every demo pool
    held_capacity: int
    region: str = ""


@dataclass(frozen=True)
class Fees:
    activation: Decimal
    monthly: Decimal
    per_min: Decimal
    channels: int
    sms_price: Decimal


@dataclass(frozen=True)
class CountrySpec:
    id: int
    name: str
    short_name: str
    fees: Fees
    regions: dict[str, str] = field(default_factory=dict)  # code -> name
    cities: tuple[CitySpec, ...] = ()

    @property
    def sms_capable(self) -> bool:
        # Inbound SMS can be enabled on US and Canadian numbers only.
        return self.short_name in ("US", "CA")


US_FEES = Fees(Decimal("1.00"), Decimal("1.00"), Decimal("0.0045"), 24, Decimal("0.0035"))
CA_FEES = Fees(Decimal("1.00"), Decimal("1.25"), Decimal("0.0050"), 24, Decimal("0.0035"))
GB_FEES = Fees(Decimal("1.50"), Decimal("1.50"), Decimal("0.0085"), 4, Decimal("0"))
DE_FEES = Fees(Decimal("2.00"), Decimal("2.00"), Decimal("0.0095"), 4, Decimal("0"))

COUNTRIES = (
    CountrySpec(
        8652,
        "United States",
        "US",
        US_FEES,
        regions={
            "CA": "California",
            "IL": "Illinois",
            "MI": "Michigan",
            "NY": "New York",
            "TX": "Texas",
        },
        cities=(
            CitySpec("NEW YORK, NY", 212736, 12127360000, 12129400000, 100_000, "NY"),
            CitySpec("CHICAGO, IL", 312784, 13127840000, 13129400000, 100_000, "IL"),
            CitySpec("LOS ANGELES, CA", 213517, 12135170000, 12139400000, 100_000, "CA"),
            CitySpec("SAN FRANCISCO, CA", 415732, 14157320000, 14159400000, 100_000, "CA"),
            CitySpec("DALLAS, TX", 214743, 12147430000, 12149400000, 100_000, "TX"),
            CitySpec("DETROIT, MI", 313782, 13137820000, 13139400000, 100_000, "MI"),
        ),
    ),
    CountrySpec(
        8653,
        "Canada",
        "CA",
        CA_FEES,
        regions={"BC": "British Columbia", "ON": "Ontario", "QC": "Quebec"},
        cities=(
            CitySpec("TORONTO, ON", 416365, 14163650000, 14169400000, 100_000, "ON"),
            CitySpec("MONTREAL, QC", 514392, 15143920000, 15149400000, 100_000, "QC"),
            CitySpec("VANCOUVER, BC", 604682, 16046820000, 16049400000, 100_000, "BC"),
        ),
    ),
    CountrySpec(
        8726,
        "United Kingdom",
        "GB",
        GB_FEES,
        cities=(
            CitySpec("London", 20, 442071830000, 442079460000, 10_000),
            CitySpec("Manchester", 161, 441612340000, 441619460000, 10_000),
        ),
    ),
    CountrySpec(
        8669,
        "Germany",
        "DE",
        DE_FEES,
        cities=(
            CitySpec("Berlin", 30, 493022100000, 493094600000, 10_000),
            CitySpec("Munich", 89, 498921000000, 498994600000, 10_000),
        ),
    ),
)

# Document types a number may require (the spec's DocumentTypeID).
DOC_TYPES = (
    {"id": 1, "name": "identity", "title": "Proof of identity"},
    {"id": 2, "name": "address", "title": "Proof of address"},
    {"id": 3, "name": "business", "title": "Proof of business registration"},
)


def required_docs(short_name: str, index: int) -> list[int]:
    """Germany asks for identity and address on every number, the UK for an address on some;
    US and Canadian numbers need nothing."""
    if short_name == "DE":
        return [1, 2]
    if short_name == "GB" and index % 3 == 0:
        return [2]
    return []


# --- Messaging ----------------------------------------------------------------------------

SMS_PRICE = {
    "US": Decimal("0.0079"),
    "CA": Decimal("0.0079"),
    "GB": Decimal("0.0450"),
    "DE": Decimal("0.0790"),
}
SMS_PRICE_ELSEWHERE = Decimal("0.0500")
MMS_PRICE = Decimal("0.0200")
# US carriers add a per-segment 10DLC fee; elsewhere there is none.
CARRIER_FEE = {"US": Decimal("0.0030")}
OPERATOR_CODES = {
    "US": ("310", "260"),
    "CA": ("302", "720"),
    "GB": ("234", "15"),
    "DE": ("262", "01"),
}

# Where a sender ID can be registered through the API (self-service) rather than through a
# review in Wavix's web app. Alphanumeric senders are not allowed at all to US/CA numbers.
ALPHANUMERIC_NOT_ALLOWED = frozenset({"US", "CA"})
# Any sender needs paperwork (a letter of authorisation, a local entity) in these; a name
# (alphanumeric) needs it also in the second set, where numbers are listed at once.
REGISTRATION_REQUIRED = frozenset({"AE", "CN", "ID", "IN", "PH", "SA", "TR", "VN"})
ALPHANUMERIC_REGISTRATION_REQUIRED = frozenset({"BE", "DE", "EG", "FR", "KW", "QA"})


def self_service(country: str, sender_type: str) -> bool:
    if country in REGISTRATION_REQUIRED:
        return False
    if sender_type == "alphanumeric" and country in ALPHANUMERIC_REGISTRATION_REQUIRED:
        return False
    return not (sender_type == "alphanumeric" and country in ALPHANUMERIC_NOT_ALLOWED)
