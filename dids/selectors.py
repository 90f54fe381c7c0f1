"""Reads for pools and numbers."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django_scopes import scopes_disabled

from .models import Did, DidNote, NumberRange
from .ranges import MAX_DIGITS, Pool
from .ranges import NumberRange as Span


def owner_of(number: int) -> NumberRange | None:
    """The range that holds `number` (its tenant_id and pool_id set; `.tenant` and `.pool`
    load on access), in one indexed query: ranges never overlap, so it is the one with the
    greatest start not above the number. Routes inbound messages, so it crosses tenants
    (explicitly) and reads nothing more than the index row."""
    with scopes_disabled():
        row = (
            NumberRange.objects.filter(start__lte=number)
            .only("pk", "pool_id", "tenant_id", "start", "end")
            .order_by("-start")
            .first()
        )
    return row if row is not None and row.end >= number else None


# The tenant's numbers ------------------------------------------------------------------------


@dataclass
class NumberRow:
    number: int
    did: Did | None
    note: DidNote | None

    @property
    def e164(self) -> str:
        return f"+{self.number}"


def tenant_pool(tenant) -> Pool:
    """All numbers of all the tenant's pools (call inside the tenant's scope)."""
    return Pool(
        Span(s, e) for s, e in NumberRange.objects.filter(tenant=tenant).values_list("start", "end")
    )


def prefix_pool(prefix: str) -> Pool:
    """Every E.164 number that starts with these digits."""
    spans = []
    for length in range(len(prefix), MAX_DIGITS + 1):
        scale = 10 ** (length - len(prefix))
        spans.append(Span(int(prefix) * scale, (int(prefix) + 1) * scale - 1))
    return Pool(spans)


class NumberSequence:
    """The numbers a list shows, sliceable for Django's Paginator without expanding ranges:
    either a pool (arithmetic) or a query of numbers. A page joins its inventory and notes in
    two queries, whatever the page or pool size."""

    def __init__(self, tenant, *, pool: Pool | None = None, numbers_query=None):
        self.tenant = tenant
        self.pool = pool
        self.numbers_query = numbers_query

    def count(self) -> int:
        return self.pool.size if self.pool is not None else self.numbers_query.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[NumberRow]:
        start, stop = item.start or 0, item.stop
        if self.pool is not None:
            numbers = list(self.pool.numbers(start, None if stop is None else stop - start))
        else:
            numbers = list(self.numbers_query[start:stop])
        return rows_for(self.tenant, numbers)


def rows_for(tenant, numbers: list[int]) -> list[NumberRow]:
    dids = {d.number: d for d in Did.objects.filter(number__in=numbers)}
    notes = {n.number: n for n in DidNote.objects.filter(number__in=numbers)}
    return [NumberRow(n, dids.get(n), notes.get(n)) for n in numbers]


def _prefix_q(digits: str) -> Q:
    query = Q()
    for span in prefix_pool(digits):
        query |= Q(number__gte=span.start, number__lte=span.end)
    return query


def tenant_numbers(tenant, *, q: str = "", status: str = "", sms: str = "") -> NumberSequence:
    """The tenant's numbers, searched and filtered (inside the tenant's scope).

    `q` is a number prefix (digits, an optional +) or text matched in labels and descriptions;
    `status` is active, inactive or not_held (in the pool, not held on Wavix); `sms` is yes or
    no. Without inventory filters the list is the pool itself, paged arithmetically.
    """
    text = q.strip()
    digits = text.lstrip("+").replace(" ", "")
    noted = DidNote.objects.filter(
        Q(label__icontains=text) | Q(description__icontains=text)
    ).values_list("number", flat=True)
    if status in {"active", "inactive"} or sms in {"yes", "no"}:
        query = Did.objects.held().in_ranges_of(NumberRange.objects.all())
        if digits.isdigit():
            query = query.filter(_prefix_q(digits))
        elif text:
            query = query.filter(number__in=noted)
        if status in {"active", "inactive"}:
            query = query.filter(status=status)
        if sms in {"yes", "no"}:
            query = query.filter(sms_enabled=sms == "yes")
        return NumberSequence(
            tenant, numbers_query=query.order_by("number").values_list("number", flat=True)
        )
    pool = tenant_pool(tenant)
    if digits.isdigit():
        pool &= prefix_pool(digits)
    elif text:
        pool &= Pool.of(*noted)
    if status == "not_held":
        held = Did.objects.held().in_ranges_of(NumberRange.objects.all())
        pool -= Pool.of(*held.values_list("number", flat=True))
    return NumberSequence(tenant, pool=pool)


def pool_usage(tenant):
    """Per range of the tenant's pools: numbers held on Wavix, active, SMS-enabled,
    E911-registered (free = size - held). One query for a page of ranges."""
    return (
        NumberRange.objects.filter(tenant=tenant)
        .select_related("pool")
        .order_by("start")
        .annotate(
            held=_held_count(),
            active=_held_count(status=Did.Status.ACTIVE),
            sms_enabled=_held_count(sms_enabled=True),
            e911=_held_count(e911_registered=True),
        )
    )


def _held_count(**filters):
    """A correlated COUNT of held numbers inside the outer range (Func, not the Count aggregate,
    so no GROUP BY: the idiom for a count in a subquery)."""
    inside = (
        Did.objects.held()
        .filter(number__gte=OuterRef("start"), number__lte=OuterRef("end"), **filters)
        .order_by()
        .annotate(n=Func(F("id"), function="COUNT"))
        .values("n")
    )
    return Coalesce(Subquery(inside[:1]), 0)
