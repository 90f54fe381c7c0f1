"""Reads for trunks, shares and call records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from dids.models import Did, NumberRange
from portal.exports import number_cell
from portal.models import WavixAccount

from .models import (
    CallFlow,
    CampaignContact,
    Cdr,
    ForeignTrunk,
    SipTrunk,
    TrunkAssignment,
    TrunkReconcile,
    VoiceCampaign,
)

CHART_DAYS = 31
# The dashboards' "last 7 days": today and the six days before it (local dates).
DASHBOARD_DAYS = 7


def active_numbers(*, account: WavixAccount, numbers: list[int]) -> set[int]:
    """Which of these numbers are active numbers of the Wavix account (the inventory)."""
    return set(
        Did.objects.filter(
            account=account, number__in=numbers, status=Did.Status.ACTIVE
        ).values_list("number", flat=True)
    )


def trunk_list() -> QuerySet[SipTrunk]:
    return (
        SipTrunk.objects.select_related("account")
        .annotate(share_count=Count("assignments"))
        .order_by("label", "id")
    )


def shares_of(*, trunk: SipTrunk) -> QuerySet[TrunkAssignment]:
    """A trunk's shares with their tenants and pools (outside any tenant scope)."""
    return TrunkAssignment.objects.filter(trunk=trunk).select_related("tenant", "pool")


def tenant_shares() -> QuerySet[TrunkAssignment]:
    """The current tenant's shares (inside its scope)."""
    return TrunkAssignment.objects.select_related("trunk", "pool").order_by("trunk__label")


def tenant_trunks() -> QuerySet[SipTrunk]:
    """The trunks shared with the current tenant (its shares, inside its scope): what a
    tenant may filter its call records by."""
    return SipTrunk.objects.filter(pk__in=TrunkAssignment.objects.values("trunk")).order_by("label")


def awaiting_approval() -> Q:
    """Trunks Wavix holds and has neither approved nor rejected: what the review badge
    (`_review_badge.html`) shows as "Awaiting Wavix approval"."""
    return Q(wavix_id__isnull=False) & ~Q(wavix_status__in=["active", "rejected"])


@dataclass
class TrunkOverview:
    total: int
    in_sync: int
    pending: int
    failed: int
    awaiting_approval: int
    drift_changed: int
    drift_missing: int
    foreign: int
    checked_at: object
    checks_failed: int

    @property
    def drift(self) -> int:
        """Differences the reconcile found: trunks changed or missing on Wavix, and trunks
        on Wavix the portal does not know."""
        return self.drift_changed + self.drift_missing + self.foreign


def trunk_overview() -> TrunkOverview:
    """The trunks by sync and review state and the reconcile's findings (outside any tenant
    scope), in three queries whatever the number of trunks."""
    state = SipTrunk.SyncState
    counts = SipTrunk.objects.order_by().aggregate(
        total=Count("id"),
        in_sync=Count("id", filter=Q(sync_state=state.IN_SYNC)),
        pending=Count("id", filter=Q(sync_state=state.PENDING)),
        failed=Count("id", filter=Q(sync_state=state.FAILED)),
        awaiting_approval=Count("id", filter=awaiting_approval()),
        drift_changed=Count("id", filter=Q(drift=SipTrunk.Drift.CHANGED)),
        drift_missing=Count("id", filter=Q(drift=SipTrunk.Drift.MISSING)),
    )
    checks = TrunkReconcile.objects.aggregate(
        checked_at=Max("checked_at"), checks_failed=Count("id", filter=Q(ok=False))
    )
    return TrunkOverview(**counts, **checks, foreign=ForeignTrunk.objects.count())


@dataclass
class ShareTotals:
    trunks: int
    max_calls: int


def tenant_share_totals() -> ShareTotals:
    """How many trunks are shared with the current tenant and the concurrent calls they allow
    together (inside its scope), in one query."""
    row = (
        tenant_shares()
        .order_by()
        .aggregate(trunks=Count("id"), max_calls=Coalesce(Sum("max_calls"), 0))
    )
    return ShareTotals(**row)


def caller_id_example(*, assignment: TrunkAssignment) -> int | None:
    """A number the tenant could present on the trunk, to show as an example: its first
    number on the trunk active on the trunk's Wavix account, else its first number there."""
    from dids.models import Did, NumberRange

    ranges = NumberRange.objects.filter(pool_id=assignment.pool_id)
    active = (
        Did.objects.filter(account_id=assignment.trunk.account_id, status=Did.Status.ACTIVE)
        .in_ranges_of(ranges)
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )
    return active or ranges.order_by("start").values_list("start", flat=True).first()


@dataclass
class Connection:
    """What a tenant's PBX needs to reach Wavix over the trunk (no secret)."""

    host: str
    transport: str
    port: int
    username: str
    auth: str
    allowed_ips: list[str]


def connection_of(*, trunk: SipTrunk) -> Connection:
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


def cdr_totals(*, calls: QuerySet[Cdr]) -> CdrTotals:
    row = calls.order_by().aggregate(
        calls=Count("id"), seconds=Coalesce(Sum("duration"), 0), cost=Sum("charge")
    )
    return CdrTotals(row["calls"], row["seconds"], row["cost"] or 0)


def first_day(*, days: int, until: date | None = None) -> date:
    """The first of the `days` days that end with `until` (default today)."""
    return (until or timezone.localdate()) - timedelta(days=days - 1)


def cdr_days(*, calls: QuerySet[Cdr], days: int, until: date | None = None) -> QuerySet[Cdr]:
    """The calls of the `days` days up to `until` (default today), by local date."""
    until = until or timezone.localdate()
    return calls.filter(
        started_at__date__gte=first_day(days=days, until=until), started_at__date__lte=until
    )


@dataclass
class RecentCalls:
    days: int
    since: date
    totals: CdrTotals
    chart: dict | None


def recent_calls(*, days: int = DASHBOARD_DAYS, chart: bool = False) -> RecentCalls:
    """The dashboards' calls of the last `days` days: totals, and with `chart` the calls and
    cost per day. Which calls those are is the CDR list's rule: inside a tenant's scope its
    own, outside every call. One query, two with the chart."""
    calls, today = cdr_queryset(), timezone.localdate()
    return RecentCalls(
        days=days,
        since=first_day(days=days, until=today),
        totals=cdr_totals(calls=cdr_days(calls=calls, days=days, until=today)),
        chart=cdr_per_day(calls=calls, until=today, days=days) if chart else None,
    )


def cdr_per_day(*, calls: QuerySet[Cdr], until: date | None = None, days: int = CHART_DAYS) -> dict:
    """Calls and cost per day for the `days` days up to `until` (default today), every day
    present (zero when there were no calls), in one query."""
    until = until or timezone.localdate()
    since = first_day(days=days, until=until)
    rows = (
        cdr_days(calls=calls, days=days, until=until)
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


def cdr_csv_rows(*, calls: QuerySet[Cdr], chunk: int = 2000):
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
    for row in calls.values_list(*fields).iterator(chunk_size=chunk):
        yield [row[0].isoformat(), row[1], number_cell(row[2]), number_cell(row[3]), *row[4:]]


def cdr_queryset() -> QuerySet[Cdr]:
    return Cdr.objects.select_related("trunk").order_by("-started_at", "-id")


# Voice campaigns -------------------------------------------------------------------------------


def allowed_flows(tenant) -> QuerySet[CallFlow]:
    """The active call flows a system administrator allowed this tenant to run."""
    return CallFlow.objects.filter(is_active=True, tenants=tenant).select_related("account")


def campaign_flows(tenant) -> QuerySet[CallFlow]:
    """The call flows a tenant's campaigns can be filtered by: those it may run and those it
    ran (a flow withdrawn since)."""
    ran = VoiceCampaign.objects.filter(tenant=tenant).values("flow_id")
    return CallFlow.objects.filter(Q(tenants=tenant) | Q(pk__in=ran)).distinct().order_by("label")


def caller_id_choices(tenant, account: WavixAccount) -> QuerySet[Did]:
    """The tenant's numbers a campaign may call from: in its pool and held active on the
    flow's Wavix account (call inside the tenant's scope)."""
    return (
        Did.objects.filter(account=account, status=Did.Status.ACTIVE)
        .in_ranges_of(NumberRange.objects.filter(tenant=tenant))
        .order_by("number")
    )


def campaign_list() -> QuerySet[VoiceCampaign]:
    return VoiceCampaign.objects.select_related("flow", "created_by")


def campaign_contacts(campaign: VoiceCampaign) -> QuerySet[CampaignContact]:
    return CampaignContact.objects.filter(campaign=campaign).select_related("cdr")


CAMPAIGN_CSV_HEADER = [
    "number",
    "name",
    "line",
    "status",
    "reason",
    "wavix_id",
    "wavix_status",
    "placed_at",
    "finished_at",
    "disposition",
    "duration",
    "charge",
]


def campaign_csv_rows(contacts):
    for c in contacts.iterator(chunk_size=2000):
        cdr = c.cdr
        yield [
            number_cell(c.number),
            c.name,
            c.line,
            c.get_status_display(),
            c.reason,
            c.wavix_id or "",
            c.wavix_status,
            c.placed_at.isoformat() if c.placed_at else "",
            c.finished_at.isoformat() if c.finished_at else "",
            cdr.disposition_display if cdr else "",
            cdr.duration if cdr else "",
            cdr.charge if cdr else "",
        ]
