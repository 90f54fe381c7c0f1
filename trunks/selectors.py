"""Reads for trunks, shares and call records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from .models import Cdr, SipTrunk, TrunkAssignment

CHART_DAYS = 31


def trunk_list():
    return (
        SipTrunk.objects.select_related("account")
        .annotate(share_count=Count("assignments"))
        .order_by("label", "id")
    )


def shares_of(trunk: SipTrunk):
    """A trunk's shares with their tenants and pools (outside any tenant scope)."""
    return TrunkAssignment.objects.filter(trunk=trunk).select_related("tenant", "pool")


def tenant_shares():
    """The current tenant's shares (inside its scope)."""
    return TrunkAssignment.objects.select_related("trunk", "pool").order_by("trunk__label")


@dataclass
class Connection:
    """What a tenant's PBX needs to reach Wavix over the trunk (no secret)."""

    host: str
    transport: str
    port: int
    username: str
    auth: str
    allowed_ips: list[str]


def connection_of(trunk: SipTrunk) -> Connection:
    tls = trunk.encrypted_media
    return Connection(
        host=settings.TRUNK_SIP_HOST,
        transport="TLS (SRTP media)" if tls else "UDP or TCP",
        port=5061 if tls else 5060,
        username="" if trunk.is_ip_auth else trunk.sip_username,
        auth=trunk.get_auth_method_display(),
        allowed_ips=list(trunk.allowed_ips or []),
    )


@dataclass
class CdrTotals:
    calls: int
    seconds: int
    cost: object

    @property
    def minutes(self) -> float:
        return round(self.seconds / 60, 1)


def cdr_totals(queryset) -> CdrTotals:
    row = queryset.order_by().aggregate(
        calls=Count("id"), seconds=Coalesce(Sum("duration"), 0), cost=Sum("charge")
    )
    return CdrTotals(row["calls"], row["seconds"], row["cost"] or 0)


def cdr_per_day(queryset, until: date | None = None, days: int = CHART_DAYS) -> dict:
    """Calls and cost per day for the `days` days up to `until` (default today), every day
    present (zero when there were no calls), in one query."""
    until = until or timezone.localdate()
    since = until - timedelta(days=days - 1)
    rows = (
        queryset.filter(started_at__date__gte=since, started_at__date__lte=until)
        .order_by()
        .annotate(day=TruncDate("started_at"))
        .values("day")
        .annotate(calls=Count("id"), cost=Sum("charge"))
    )
    found = {r["day"]: r for r in rows}
    labels, calls, cost = [], [], []
    for i in range(days):
        day = since + timedelta(days=i)
        labels.append(day.strftime("%b %d"))
        calls.append(found[day]["calls"] if day in found else 0)
        cost.append(float(found[day]["cost"] or 0) if day in found else 0)
    return {"labels": labels, "calls": calls, "cost": cost}


CSV_HEADER = [
    "started_at",
    "direction",
    "from",
    "to",
    "disposition",
    "duration_seconds",
    "charge_usd",
    "per_minute_usd",
    "destination",
    "sip_trunk",
    "call_id",
]


def cdr_csv_rows(queryset, chunk: int = 2000):
    """The rows of a CSV export, read in chunks from a server-side cursor."""
    fields = (
        "started_at",
        "direction",
        "from_number",
        "to_number",
        "disposition",
        "duration",
        "charge",
        "per_minute",
        "destination",
        "sip_trunk",
        "call_id",
    )
    for row in queryset.values_list(*fields).iterator(chunk_size=chunk):
        yield [row[0].isoformat(), *row[1:]]


def cdr_queryset():
    return Cdr.objects.select_related("trunk").order_by("-started_at", "-id")
