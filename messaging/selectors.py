"""Reads of the messaging app: opt-outs and sender rules; the message statistics (the daily
roll-up only, `MessageDay`: a fixed number of queries whatever the number of messages) and the
channel list's last 24 hours (one grouped query for the whole page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from portal.phone import region_of

from .models import Contact, Direction, Message, MessageDay, MessageStatus, OptOut
from .models.stats import ENDED_STATUSES, UNDELIVERED_STATUSES


def opt_out_for(*, tenant, sender: str, recipient: str) -> OptOut | None:
    """The opt-out that stops `sender` messaging `recipient` for this tenant: one for this
    sender, or one for all of the tenant's senders."""
    return (
        OptOut.objects.filter(tenant=tenant, recipient=recipient)
        .filter(Q(sender="") | Q(sender=sender))
        .order_by("sender")
        .first()
    )


def opted_out_among(*, tenant, sender: str, recipients) -> set[str]:
    """Of `recipients` (E.164 digits), those who opted out of `sender` or of all the tenant's
    senders: one query for a whole list (a voice campaign's contacts)."""
    return set(
        OptOut.objects.filter(tenant=tenant, recipient__in=list(recipients))
        .filter(Q(sender="") | Q(sender=sender))
        .values_list("recipient", flat=True)
    )


def contact_names(*, tenant, numbers) -> dict[str, str]:
    """{number: name} of the tenant's contacts among `numbers` (E.164 digits), in one query."""
    return dict(
        Contact.objects.filter(tenant=tenant, number__in=list(numbers)).values_list(
            "number", "name"
        )
    )


# Alphanumeric senders are never allowed for these destinations (Wavix, and the carriers).
ALPHANUMERIC_REFUSED = frozenset({"US", "CA"})


def sender_refusal(*, sender, country: str) -> str | None:
    """Why `sender` (a SenderId) may not send to a number of `country`, in plain words; None
    when it may. A number sends to its own country (and between the US and Canada) without
    registration; anywhere else a sender must be allow-listed for the country."""
    from .models import SenderCountry, SenderKind

    if sender.kind == SenderKind.ALPHANUMERIC and country in ALPHANUMERIC_REFUSED:
        return (
            f"A name such as “{sender.value}” cannot send to numbers in {country}: US and "
            "Canadian carriers accept only numbers as senders. Choose one of your numbers."
        )
    if sender.kind == SenderKind.NUMERIC and _home_countries(sender) & {country}:
        return None
    state = (
        SenderCountry.objects.filter(sender=sender, country=country)
        .values_list("state", flat=True)
        .first()
    )
    if state == SenderCountry.State.ALLOWLISTED:
        return None
    label = dict(SenderCountry.State.choices).get(state)
    if label:
        return f"{sender} is not allow-listed in {country} yet ({label.lower()})."
    return f"{sender} is not registered for {country}. Add {country} to its countries first."


def _home_countries(sender) -> set[str]:
    region = region_of(sender.value)
    if region in ("US", "CA"):
        return {"US", "CA"}
    return {region} if region else set()


# --- statistics ---------------------------------------------------------------------------------

COUNTS = ("sent", "sent_failed", "delivered", "failed", "received", "segments", "charge")


@dataclass
class Totals:
    sent: int = 0
    sent_failed: int = 0
    delivered: int = 0
    failed: int = 0
    received: int = 0
    segments: int = 0
    charge: Decimal = Decimal(0)

    @classmethod
    def of(cls, row: dict) -> Totals:
        return cls(**{name: row.get(name) or 0 for name in COUNTS})

    def add(self, other: Totals) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def messages(self) -> int:
        """The messages the segments are of: sent and received."""
        return self.sent + self.received

    @property
    def delivery_rate(self) -> float | None:
        """Delivered of the sent messages whose outcome is known, in percent."""
        known = self.delivered + self.failed
        return round(100 * self.delivered / known, 1) if known else None


@dataclass
class Stats:
    first: date
    last: date
    totals: Totals
    chart: dict
    by_channel: list[dict] = field(default_factory=list)
    by_tenant: list[dict] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def _sums() -> dict:
    return {name: Sum(name) for name in COUNTS}


def _grouped(rows: QuerySet[MessageDay], *keys: str) -> list[dict]:
    return list(rows.order_by().values(*keys).annotate(**_sums()))


def _chart(per_day: dict[date, Totals], first: date, last: date) -> dict:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    empty = Totals()
    series = {name: [] for name in ("sent", "delivered", "failed", "sent_failed", "received")}
    for day in days:
        totals = per_day.get(day, empty)
        for name, values in series.items():
            values.append(getattr(totals, name))
    return {"labels": [d.strftime("%b %d") for d in days], **series}


def message_stats(
    *,
    first: date,
    last: date,
    tenant=None,
    channel=None,
    by_channel: bool = False,
    by_tenant: bool = False,
) -> Stats:
    """The figures of the days `first` to `last`: totals, a chart per day and, if asked, a
    row per channel and per tenant. Inside a tenant's scope only its own rows are read. One
    query, plus one for each table."""
    rows = MessageDay.objects.filter(day__gte=first, day__lte=last)
    if tenant is not None:
        rows = rows.filter(tenant=tenant)
    if channel is not None:
        rows = rows.filter(channel=channel)
    per_day = {row["day"]: Totals.of(row) for row in _grouped(rows, "day")}
    totals = Totals()
    for day_totals in per_day.values():
        totals.add(day_totals)
    stats = Stats(first=first, last=last, totals=totals, chart=_chart(per_day, first, last))
    if by_channel:
        stats.by_channel = [
            {"id": r["channel_id"], "name": r["channel__name"], "totals": Totals.of(r)}
            for r in _grouped(rows, "channel_id", "channel__name")
        ]
        stats.by_channel.sort(key=lambda r: r["name"].lower())
    if by_tenant:
        stats.by_tenant = [
            {"id": r["tenant_id"], "name": r["tenant__name"], "totals": Totals.of(r)}
            for r in _grouped(rows, "tenant_id", "tenant__name")
        ]
        stats.by_tenant.sort(key=lambda r: (r["id"] is None, (r["name"] or "").lower()))
    return stats


@dataclass(frozen=True)
class RecentDelivery:
    delivered: int
    failed: int

    @property
    def rate(self) -> float | None:
        known = self.delivered + self.failed
        return round(100 * self.delivered / known, 1) if known else None


NONE_RECENT = RecentDelivery(0, 0)


def recent_delivery(*, channel_ids, hours: int = 24) -> dict[int, RecentDelivery]:
    """Per channel, its outbound messages created in the last `hours` that were delivered and
    that were not (could not be sent, or sent and not delivered; "no delivery report" is
    neither): one grouped query over the channel, direction and time index."""
    since = timezone.now() - timedelta(hours=hours)
    # Failed after sending or before it: the status alone says it (the index holds it).
    not_delivered = Q(status__in=UNDELIVERED_STATUSES + ENDED_STATUSES)
    rows = (
        Message._base_manager.filter(
            channel_id__in=list(channel_ids),
            direction=Direction.OUTBOUND,
            created_at__gte=since,
        )
        .order_by()
        .values("channel_id")
        .annotate(
            delivered=Count("pk", filter=Q(status=MessageStatus.DELIVERED)),
            failed=Count("pk", filter=not_delivered),
        )
    )
    return {r["channel_id"]: RecentDelivery(r["delivered"], r["failed"]) for r in rows}
