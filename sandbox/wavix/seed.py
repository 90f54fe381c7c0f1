"""Realistic sandbox state: Wavix's catalogue, and for an account its purchased numbers (a
good share inside the portal's demo pools, the rest outside any pool), a SIP trunk, some days
of CDRs and a sender ID. Idempotent, deterministic, and bulk-inserted so 100,000 purchased
numbers take seconds.

Public entry points: `seed_catalogue`, `seed_account` (the whole account, idempotent) and
`seed_cdrs` (more calls of given numbers and trunk, e.g. for the portal's demo trunks)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, models, transaction
from django.utils import timezone

from . import catalogue
from .catalogue import CitySpec, CountrySpec
from .models import (
    SandboxAccount,
    SandboxCdr,
    SandboxCity,
    SandboxCountry,
    SandboxDestination,
    SandboxNumber,
    SandboxRegion,
    SandboxSenderId,
    SandboxStockNumber,
    SandboxTrunk,
)
from .services.trunks import trunk_save

STOCK_PER_CITY = 40
DEFAULT_PURCHASED = 300
CDR_DAYS = 7
CDRS_PER_DAY = 40
BATCH = 5000
LABELS = ("Reception", "Sales line", "Support", "Billing", "Warehouse", "After hours", "Fax")

# Purchased numbers inside the portal's demo pools: Acme's 16468097065-66 and 70-80 (New
# York) and 13125550100-159 (Chicago), and 150 of Globex's 12125550000-12126549999, in blocks
# of ten spread over the range.
_ACME_NY = [16468097065, 16468097066, *range(16468097070, 16468097081)]
_ACME_CHICAGO = list(range(13125550100, 13125550160))
_GLOBEX_NY = [12125550000 + block * 65_000 + i for block in range(15) for i in range(10)]


@dataclass
class SeedReport:
    stock: int = 0
    purchased: int = 0
    in_pools: int = 0
    destinations: int = 0
    cdrs: int = 0


def _cities() -> dict[str, SandboxCity]:
    return {c.name: c for c in SandboxCity.objects.select_related("country")}


def seed_catalogue() -> int:
    """Countries, regions, cities and numbers for sale; returns how many numbers were added."""
    with transaction.atomic():
        for spec in catalogue.COUNTRIES:
            country, _ = SandboxCountry.objects.update_or_create(
                id=spec.id,
                defaults={
                    "name": spec.name,
                    "short_name": spec.short_name,
                    "has_provinces_or_states": bool(spec.regions),
                },
            )
            regions = {
                code: SandboxRegion.objects.get_or_create(
                    country=country, code=code, defaults={"name": name}
                )[0]
                for code, name in spec.regions.items()
            }
            for city in spec.cities:
                SandboxCity.objects.get_or_create(
                    country=country,
                    name=city.name,
                    defaults={"region": regions.get(city.region), "area_code": city.area_code},
                )
        return _seed_stock(_cities())


def _seed_stock(cities: dict[str, SandboxCity]) -> int:
    wanted = []
    for spec in catalogue.COUNTRIES:
        for city in spec.cities:
            for i in range(STOCK_PER_CITY):
                wanted.append(_stock_number(spec, city, cities[city.name], i))
    taken = set(
        SandboxNumber.objects.filter(number__in=[s.number for s in wanted]).values_list(
            "number", flat=True
        )
    )
    existing = SandboxStockNumber.objects.count()
    SandboxStockNumber.objects.bulk_create(
        [s for s in wanted if s.number not in taken], ignore_conflicts=True, batch_size=BATCH
    )
    return SandboxStockNumber.objects.count() - existing


def _stock_number(spec: CountrySpec, city: CitySpec, row: SandboxCity, i: int):
    number = city.stock + i * 7  # sparse, like a real inventory
    return SandboxStockNumber(
        id=number,
        number=str(number),
        city=row,
        activation_fee=spec.fees.activation,
        monthly_fee=spec.fees.monthly,
        per_min=spec.fees.per_min,
        channels=spec.fees.channels,
        sms_enabled=spec.sms_capable and i % 3 != 2,
        sms_price=spec.fees.sms_price if spec.sms_capable else Decimal(0),
        require_docs=catalogue.required_docs(spec.short_name, i),
        cnam=spec.short_name == "US" and i % 2 == 0,
        free_min=0,
        domestic_cli=True,
    )


def purchased_plan(count: int) -> list[tuple[int, str]]:
    """(number, city name) for `count` purchased numbers: three quarters (at most the 223
    there are) inside the demo pools, the rest in each city's block outside any pool."""
    pools = [
        n
        for n in itertools.chain.from_iterable(
            itertools.zip_longest(_ACME_NY, _ACME_CHICAGO, _GLOBEX_NY)
        )
        if n is not None
    ]
    city_of = {n: "CHICAGO, IL" for n in _ACME_CHICAGO}
    in_pools = pools[: min(len(pools), round(count * 0.75))]
    plan = [(n, city_of.get(n, "NEW YORK, NY")) for n in in_pools]
    cities = [c for spec in catalogue.COUNTRIES for c in spec.cities]
    outside = count - len(plan)
    per_city = -(-outside // len(cities))
    if any(per_city > c.held_capacity for c in cities):
        raise ValueError(f"{count} purchased numbers do not fit the sandbox's number blocks")
    for i in range(outside):
        city = cities[i % len(cities)]
        plan.append((city.held + i // len(cities), city.name))
    return plan


_COUNTRY_OF_CITY = {c.name: s for s in catalogue.COUNTRIES for c in s.cities}


def _purchased(account, i: int, number: int, city: SandboxCity, now) -> SandboxNumber:
    spec = _COUNTRY_OF_CITY[city.name]
    waiting = bool(catalogue.required_docs(spec.short_name, i)) and i % 5 == 0
    return SandboxNumber(
        account=account,
        number=str(number),
        city=city,
        activation_fee=spec.fees.activation,
        monthly_fee=spec.fees.monthly,
        per_min=spec.fees.per_min,
        sms_price=spec.fees.sms_price,
        channels=spec.fees.channels,
        # Numbers whose documents are still under review stay inactive.
        status=SandboxNumber.Status.INACTIVE if waiting else SandboxNumber.Status.ACTIVE,
        require_docs=[str(d) for d in catalogue.required_docs(spec.short_name, i)]
        if waiting
        else [],
        sms_enabled=spec.sms_capable and i % 3 != 2,
        label=None if i % 3 == 0 else LABELS[i % len(LABELS)],
        cnam=spec.short_name == "US",
        seconds=(i * 37) % 5000,
        added=now - dt.timedelta(days=i % 365, minutes=i % 1440),
        paid_until=(now + dt.timedelta(days=1 + i % 28)).date(),
    )


def _seed_numbers(account: SandboxAccount, count: int) -> list[SandboxNumber]:
    cities = _cities()
    have = set(account.numbers.values_list("number", flat=True))
    now = timezone.now()
    new = [
        _purchased(account, i, number, cities[city], now)
        for i, (number, city) in enumerate(purchased_plan(count))
        if str(number) not in have
    ]
    # A number someone returned to stock is taken off sale again as it is re-purchased. The
    # stock is small (hundreds), so it is compared here rather than in a huge IN list.
    in_stock = set(SandboxStockNumber.objects.values_list("number", flat=True))
    SandboxStockNumber.objects.filter(number__in=in_stock & {n.number for n in new}).delete()
    bulk_insert(SandboxNumber, new)
    if new and new[0].pk is None:
        ids = dict(account.numbers.values_list("number", "pk"))
        for n in new:
            n.pk = ids[n.number]
    return new


def bulk_insert(model: type[models.Model], rows: list[models.Model]) -> None:
    """Inserts many new rows. On PostgreSQL through COPY, about ten times faster than the
    INSERTs of bulk_create for the 100,000 numbers benchmarks ask for; ids are not set."""
    if connection.vendor != "postgresql" or not rows:
        model.objects.bulk_create(rows, batch_size=BATCH)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [
                    json.dumps(getattr(row, f.attname))
                    if f.attname in json_fields
                    else getattr(row, f.attname)
                    for f in fields
                ]
            )


def _seed_destinations(numbers: list[SandboxNumber], trunk: SandboxTrunk | None) -> int:
    """Half the numbers route somewhere: a SIP URI, or the account's trunk."""
    destinations = [_destination(n, i, trunk) for i, n in enumerate(numbers) if i % 4 < 2]
    bulk_insert(SandboxDestination, destinations)
    return len(destinations)


_ACME_NY_SET = frozenset(_ACME_NY)


def _in_demo_pool(n: int) -> bool:
    return n in _ACME_NY_SET or 13125550100 <= n <= 13125550199 or 12125550000 <= n <= 12126549999


def _destination(n: SandboxNumber, i: int, trunk: SandboxTrunk | None) -> SandboxDestination:
    if i % 4 == 1 and trunk is not None:
        return SandboxDestination(
            number=n,
            destination=trunk.name,
            priority=1,
            transport=SandboxDestination.Transport.TRUNK,
            trunk=trunk,
        )
    return SandboxDestination(
        number=n,
        destination="[did]@sip.portal-sandbox.example",
        priority=1,
        transport=SandboxDestination.Transport.SIP_URI,
    )


def _seed_trunk(account: SandboxAccount) -> SandboxTrunk | None:
    trunk = account.trunks.filter(label="Main office PBX").first()
    if trunk is not None:
        return trunk
    callerid = account.numbers.filter(status="active", number__startswith="1").first()
    if callerid is None:
        return None
    return trunk_save(
        account=account,
        config={
            "label": "Main office PBX",
            "password": "Sandbox-Trunk-2026",
            "callerid": callerid.number,
            "multiple_numbers": False,
            "host_request_ip": None,
            "ip_restrict": False,
            "allowed_ips": [],
            "didinfo_enabled": True,
            "call_restrict": True,
            "call_limit": 3600,
            "cost_limit": False,
            "max_call_cost": None,
            "channels_restrict": True,
            "max_channels": 10,
            "rewrite_enabled": False,
            "rewrite_prefix": "",
            "rewrite_cond": "",
            "call_recording_enabled": False,
            "transcription_enabled": False,
            "transcription_threshold": 6,
            "machine_detection_enabled": False,
            "encrypted_media": False,
        },
    )


_EXTERNAL = ("12025550143", "13055550187", "447700900123", "4915123456789", "16175550110")
_PER_MINUTE = {"1": Decimal("0.0095"), "44": Decimal("0.0120"), "49": Decimal("0.0150")}
_DISPOSITIONS = ("answered",) * 14 + ("noanswer",) * 3 + ("busy",) * 2 + ("failed",)


def _seed_cdrs(account: SandboxAccount, trunk: SandboxTrunk | None) -> int:
    if account.cdrs.exists():
        return 0
    ours = list(account.numbers.filter(status="active").values_list("number", flat=True)[:50])
    if not ours:
        return 0
    return seed_cdrs(account=account, numbers=ours, trunk=trunk, seed=f"cdrs:{account.pk}")


def seed_cdrs(
    *,
    account: SandboxAccount,
    numbers: list[str],
    trunk: SandboxTrunk | None = None,
    days: int = CDR_DAYS,
    per_day: int = CDRS_PER_DAY,
    seed: str,
) -> int:
    """Adds `per_day` realistic calls on each of the last `days` days (today included) to the
    account: placed and received, between one of `numbers` (the account's own) and an outside
    number, placed calls through `trunk`. The same seed gives the same calls; the count added
    is returned. Unlike `seed_account` it adds calls every time it is called."""
    rng = random.Random(seed)  # noqa: S311 - realistic noise, not security
    today = timezone.now().replace(minute=0, second=0, microsecond=0)
    cdrs = [
        _cdr(account, rng, today - dt.timedelta(days=day), numbers, trunk)
        for day in range(days)
        for _ in range(per_day)
    ]
    SandboxCdr.objects.bulk_create(cdrs, batch_size=BATCH)
    return len(cdrs)


def _cdr(account, rng: random.Random, day: dt.datetime, ours: list[str], trunk) -> SandboxCdr:
    placed = rng.random() < 0.5
    external, own = rng.choice(_EXTERNAL), rng.choice(ours)
    disposition = rng.choice(_DISPOSITIONS)
    duration = rng.randint(5, 900) if disposition == "answered" else 0
    prefix = next(p for p in ("44", "49", "1") if external.startswith(p))
    per_minute = _PER_MINUTE[prefix] if placed else Decimal("0.0045")
    country = {"1": "United States", "44": "United Kingdom", "49": "Germany"}[prefix]
    return SandboxCdr(
        account=account,
        direction="placed" if placed else "received",
        date=day - dt.timedelta(seconds=rng.randint(0, 86_399)),
        caller=own if placed else external,
        callee=external if placed else own,
        disposition=disposition,
        duration=duration,
        destination=country if placed else (trunk.name if trunk else f"{own}@sip.example"),
        per_minute=per_minute,
        charge=(per_minute * duration / 60).quantize(Decimal("0.0001")),
        sip_trunk=trunk.name if placed and trunk else None,
        answered_by=rng.choice(("human", "human", "machine")) if duration else None,
    )


def seed_account(*, account: SandboxAccount, purchased: int = DEFAULT_PURCHASED) -> SeedReport:
    report = SeedReport(stock=seed_catalogue())
    with transaction.atomic():
        new = _seed_numbers(account, purchased)
        trunk = _seed_trunk(account)
        report.purchased = len(new)
        report.in_pools = sum(1 for n in new if _in_demo_pool(int(n.number)))
        report.destinations = _seed_destinations(new, trunk)
        report.cdrs = _seed_cdrs(account, trunk)
        SandboxSenderId.objects.get_or_create(
            account=account,
            sender_id="PortalDemo",
            defaults={
                "type": "alphanumeric",
                "countries": ["GB", "DE", "FR"],
                "allowlisted_in": ["GB", "DE", "FR"],
                "usecase": "transactional",
                "monthly_volume": "1-1000",
                "samples": ["Your code is 123456"],
            },
        )
    return report
