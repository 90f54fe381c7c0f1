"""Reads behind the list endpoints: an account's rows, filtered as the spec's query
parameters say."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from .models import (
    SandboxAccount,
    SandboxCdr,
    SandboxCity,
    SandboxCountry,
    SandboxMessage,
    SandboxNumber,
    SandboxOptOut,
    SandboxStockNumber,
)


def numbers_for_list(account: SandboxAccount) -> QuerySet[SandboxNumber]:
    return account.numbers.select_related("city__country", "city__region").prefetch_related(
        "destinations__trunk", "documents"
    )


def numbers_filtered(
    account: SandboxAccount,
    *,
    city_id: int | None,
    search: str | None,
    label: str | None,
    label_present: bool | None,
) -> QuerySet[SandboxNumber]:
    numbers = numbers_for_list(account)
    if city_id is not None:
        numbers = numbers.filter(city_id=city_id)
    if search:
        numbers = numbers.filter(number__contains=search.lstrip("+"))
    if label:
        numbers = numbers.filter(label=label)
    if label_present is True:
        numbers = numbers.exclude(Q(label__isnull=True) | Q(label=""))
    elif label_present is False:
        numbers = numbers.filter(Q(label__isnull=True) | Q(label=""))
    return numbers


def stock_for_list() -> QuerySet[SandboxStockNumber]:
    return SandboxStockNumber.objects.select_related("city__country")


def countries(*, text_enabled_only: bool) -> QuerySet[SandboxCountry]:
    rows = SandboxCountry.objects.all()
    if text_enabled_only:
        rows = rows.filter(cities__stock__sms_enabled=True).distinct()
    return rows


def cities(*, text_enabled_only: bool, **filters) -> QuerySet[SandboxCity]:
    rows = SandboxCity.objects.filter(**filters)
    if text_enabled_only:
        rows = rows.filter(stock__sms_enabled=True).distinct()
    return rows


def messages_filtered(account: SandboxAccount, **filters) -> QuerySet[SandboxMessage]:
    rows = account.messages.filter(direction=filters["direction"])
    after: dt.date | None = filters.get("sent_after")
    before: dt.date | None = filters.get("sent_before")
    if after:
        rows = rows.filter(submitted_at__date__gte=after)
    if before:
        rows = rows.filter(submitted_at__date__lte=before)
    for param in ("from", "to"):
        if filters.get(param):
            # Numbers are stored as bare digits; "+1..." finds them too.
            field = "sender" if param == "from" else "recipient"
            rows = rows.filter(**{field: filters[param].removeprefix("+")})
    for field in ("status", "tag", "message_type"):
        if filters.get(field):
            rows = rows.filter(**{field: filters[field]})
    return rows


def opt_outs_filtered(account: SandboxAccount, **filters) -> QuerySet[SandboxOptOut]:
    rows = account.opt_outs.all()
    if filters.get("sender_id"):
        rows = rows.filter(sender_id=filters["sender_id"])
    if filters.get("campaign_id"):
        rows = rows.filter(campaign_id=filters["campaign_id"])
    if filters.get("created_after"):
        rows = rows.filter(created_at__date__gte=filters["created_after"])
    if filters.get("created_before"):
        rows = rows.filter(created_at__date__lte=filters["created_before"])
    return rows


def cdrs_filtered(account: SandboxAccount, **filters) -> QuerySet[SandboxCdr]:
    rows = account.cdrs.filter(
        direction=filters["type"],
        date__date__gte=filters["from"],
        date__date__lte=filters["to"],
    )
    if filters.get("disposition") not in (None, "all"):
        rows = rows.filter(disposition=filters["disposition"])
    if filters.get("from_search"):
        rows = rows.filter(caller__contains=filters["from_search"].lstrip("+"))
    if filters.get("to_search"):
        rows = rows.filter(callee__contains=filters["to_search"].lstrip("+"))
    if filters.get("sip_trunk") and filters["type"] == SandboxCdr.Direction.PLACED:
        rows = rows.filter(sip_trunk=filters["sip_trunk"])
    if filters.get("uuid"):
        rows = rows.filter(call_id__iexact=filters["uuid"])
    return rows


def sends_per_tag(account: SandboxAccount, tags=None) -> dict[str, int]:
    """How many outbound messages the account accepted per tag (each applied send is one
    message): what a fault run reads to prove no message went out twice."""
    from django.db.models import Count

    rows = SandboxMessage.objects.filter(
        account=account, direction=SandboxMessage.Direction.OUTBOUND, tag__isnull=False
    )
    if tags is not None:
        rows = rows.filter(tag__in=list(tags))
    return dict(rows.values_list("tag").annotate(n=Count("pk")).values_list("tag", "n"))
