"""Reads of the messaging app."""

from __future__ import annotations

from django.db.models import Q

from .models import OptOut


def opt_out_for(*, tenant, sender: str, recipient: str) -> OptOut | None:
    """The opt-out that stops `sender` messaging `recipient` for this tenant: one for this
    sender, or one for all of the tenant's senders."""
    return (
        OptOut.objects.filter(tenant=tenant, recipient=recipient)
        .filter(Q(sender="") | Q(sender=sender))
        .order_by("sender")
        .first()
    )
