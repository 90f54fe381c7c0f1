"""Reads for pools and numbers."""

from __future__ import annotations

from django_scopes import scopes_disabled

from .models import NumberRange


def owner_of(number: int) -> NumberRange | None:
    """The range (with its pool and tenant) that holds `number`, in one indexed query: ranges
    never overlap, so it is the one with the greatest start not above the number. Routes
    inbound messages, so it crosses tenants (explicitly)."""
    with scopes_disabled():
        row = (
            NumberRange.objects.filter(start__lte=number)
            .select_related("pool", "tenant")
            .order_by("-start")
            .first()
        )
    return row if row is not None and row.end >= number else None
