"""Reads of the message log (the tenant's and the platform's pages, the API, the CSV
export): the list's queryset, its totals and its CSV rows. Which messages those are is the
scope's rule: inside a tenant's scope its own, outside (visibly disabled) every one."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Coalesce

from portal.exports import number_cell

from .models import Message


def message_queryset() -> QuerySet[Message]:
    return Message.objects.select_related("tenant", "channel").order_by("-created_at", "-id")


@dataclass(frozen=True)
class MessageTotals:
    messages: int
    segments: int
    charge: Decimal


def message_totals(*, messages: QuerySet[Message]) -> MessageTotals:
    """Messages, segments (the provider's count where it gave one, else the portal's) and
    charge of the filtered set, in one query."""
    row = messages.order_by().aggregate(
        messages=Count("id"),
        segments=Coalesce(Sum(Coalesce(F("provider_segments"), F("segments"))), 0),
        charge=Sum("charge"),
    )
    return MessageTotals(row["messages"], row["segments"], row["charge"] or Decimal(0))


CSV_HEADER = [
    "created_at",
    "tenant",
    "direction",
    "status",
    "sender",
    "recipient",
    "country",
    "mms",
    "encoding",
    "segments",
    "provider_segments",
    "charge_usd",
    "carrier_fees_usd",
    "source",
    "channel",
    "text",
    "reason",
    "tag",
    "provider_id",
]


def message_csv_rows(*, messages: QuerySet[Message], chunk: int = 2000):
    """The rows of a CSV export, read in chunks from a server-side cursor."""
    fields = (
        "created_at",
        "tenant__slug",
        "direction",
        "status",
        "sender",
        "recipient",
        "country",
        "is_mms",
        "encoding",
        "segments",
        "provider_segments",
        "charge",
        "carrier_fees",
        "source",
        "channel__name",
        "text",
        "reason",
        "tag",
        "provider_id",
    )
    for row in messages.select_related(None).values_list(*fields).iterator(chunk_size=chunk):
        created, tenant, direction, status, sender, recipient, *rest = row
        yield [
            created.isoformat(),
            tenant or "",
            direction,
            status,
            number_cell(sender),
            number_cell(recipient),
            *("" if v is None else v for v in rest),
        ]
