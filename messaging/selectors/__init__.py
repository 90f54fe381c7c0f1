"""Reads of the messaging app."""

from __future__ import annotations

from django.db.models import Q

from portal.phone import region_of

from ..models import OptOut


def opt_out_for(*, tenant, sender: str, recipient: str) -> OptOut | None:
    """The opt-out that stops `sender` messaging `recipient` for this tenant: one for this
    sender, or one for all of the tenant's senders."""
    return (
        OptOut.objects.filter(tenant=tenant, recipient=recipient)
        .filter(Q(sender="") | Q(sender=sender))
        .order_by("sender")
        .first()
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
