"""The daily roll-up of messages (`MessageDay`, whose docstring says what each count is).

A day is always recomputed whole from its `Message` rows: one GROUP BY over the day's
messages (by `created_at`, on its index), then the day's old rows deleted and the new ones
inserted in one short transaction, so a reader sees the day before or after, never half of it,
and a recount can never drift from the messages.

`stats_refresh` (the minute's beat) recounts today and yesterday, and any older day one of
whose messages changed since the last refresh (`Message.updated_at`, which every status change,
late charge and routing to a tenant sets): a delivery report three days late moves that day.
The first refresh on an empty roll-up counts the whole history (`stats_rebuild`, also the
`rebuild_message_stats` command).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, DecimalField, F, IntegerField, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from ..models import ChannelCounter, Direction, Message, MessageDay
from ..models.stats import failed_q, sent_failed_q, sent_q

# A change committed this long after its `updated_at` was stamped is still found.
CHANGE_MARGIN = timedelta(minutes=5)
# Days recounted in one transaction by a rebuild.
CHUNK_DAYS = 7
# Any fixed number: the advisory lock that keeps two recounts of a day from racing.
LOCK_KEY = 7_200_601


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The local day as [start, end) instants, so the count uses the `created_at` index."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def _money() -> DecimalField:
    return DecimalField(max_digits=16, decimal_places=5)


def _counts(first: date, last: date) -> list[dict]:
    """One GROUP BY: the counts of each (day, channel, tenant) from `first` to `last`."""
    start, _ = day_bounds(first)
    _, end = day_bounds(last)
    outbound = Q(direction=Direction.OUTBOUND)
    inbound = Q(direction=Direction.INBOUND)
    billed = (outbound & sent_q()) | inbound
    zero = Value(Decimal(0), output_field=_money())
    return list(
        Message._base_manager.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .annotate(day=TruncDate("created_at"))
        .values("day", "channel_id", "tenant_id")
        .annotate(
            sent=Count("pk", filter=outbound & sent_q()),
            sent_failed=Count("pk", filter=outbound & sent_failed_q()),
            delivered=Count("pk", filter=outbound & Q(status=Message.Status.DELIVERED)),
            failed=Count("pk", filter=outbound & failed_q()),
            received=Count("pk", filter=inbound),
            segments=Coalesce(
                Sum(Coalesce("provider_segments", "segments"), filter=billed),
                Value(0),
                output_field=IntegerField(),
            ),
            charge=Sum(
                Coalesce("charge", zero, output_field=_money())
                + Coalesce("carrier_fees", zero, output_field=_money()),
                output_field=_money(),
            ),
        )
    )


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def stats_recount(*, first: date, last: date) -> int:
    """Recounts the days from `first` to `last` (inclusive): their rows replaced in one
    transaction. The number of rows written."""
    now = timezone.now()
    with transaction.atomic():
        _lock()
        rows = [
            MessageDay(computed_at=now, **{**row, "charge": row["charge"] or 0})
            for row in _counts(first, last)
        ]
        MessageDay._base_manager.filter(day__gte=first, day__lte=last).delete()
        MessageDay._base_manager.bulk_create(rows, batch_size=1000)
    return len(rows)


def _spans(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) spans of at most CHUNK_DAYS."""
    spans: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if spans and day - spans[-1][1] == timedelta(days=1):
            first, _ = spans[-1]
            if (day - first).days < CHUNK_DAYS:
                spans[-1] = (first, day)
                continue
        spans.append((day, day))
    return spans


def stats_recount_days(*, days: Iterable[date]) -> int:
    return sum(stats_recount(first=a, last=b) for a, b in _spans(days))


def stats_rebuild(*, since: date | None = None, until: date | None = None) -> int:
    """Recounts every day from `since` (default: the first message's) to `until` (default:
    today), a week per transaction; the days with no message lose their rows too."""
    bounds = Message._base_manager.aggregate(first=Min("created_at"), last=Max("created_at"))
    today = timezone.localdate()
    if since is None:
        if bounds["first"] is None:
            MessageDay._base_manager.filter(day__lte=until or today).delete()
            return 0
        since = timezone.localdate(bounds["first"])
    until = until or max(today, timezone.localdate(bounds["last"] or timezone.now()))
    count = (until - since).days + 1
    return stats_recount_days(days=(since + timedelta(days=i) for i in range(count)))


def changed_days(*, since: datetime, before: date) -> list[date]:
    """The days before `before` with a message changed since `since` (the updated_at index)."""
    start, _ = day_bounds(before)
    return list(
        Message._base_manager.filter(updated_at__gte=since, created_at__lt=start)
        .order_by()
        .annotate(day=TruncDate("created_at"))
        .values_list("day", flat=True)
        .distinct()
    )


def stats_refresh() -> dict[str, int]:
    """The minute's beat: today and yesterday, plus the older days that changed since the last
    refresh; the whole history when the roll-up is empty."""
    last = MessageDay._base_manager.aggregate(at=Max("computed_at"))["at"]
    if last is None:
        return {"days": -1, "rows": stats_rebuild()}
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    days = {yesterday, today, *changed_days(since=last - CHANGE_MARGIN, before=yesterday)}
    return {"days": len(days), "rows": stats_recount_days(days=days)}


def throttled_add(*, channel_id: int, count: int) -> None:
    """Adds the waits a pump counted to the channel's throttle counter (one UPDATE)."""
    if count <= 0:
        return
    counter = ChannelCounter.objects.filter(channel_id=channel_id)
    if counter.update(throttled=F("throttled") + count):
        return
    try:
        with transaction.atomic():
            ChannelCounter.objects.create(channel_id=channel_id, throttled=count)
    except IntegrityError:  # made by another pump meanwhile
        counter.update(throttled=F("throttled") + count)
