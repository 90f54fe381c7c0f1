"""The balance of gateway channels that have a balance address: checked when due (every
5 minutes, hour or day, per channel), the result kept (`ChannelBalance`), and the low-balance
alert raised once per crossing below the minimum (an e-mail, and a warning on the system
administrators' dashboard if asked), until the balance is back above.

The gateway is called outside any transaction; the result is recorded in a short one after.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from ..models import Channel, ChannelBalance, ChannelKind
from ..providers import ProviderError, provider_for
from ..providers.gateway import INTERVALS

log = logging.getLogger("messaging.balance")


def minimum_of(channel: Channel) -> Decimal | None:
    value = (channel.config or {}).get("balance_minimum") or ""
    return Decimal(value) if value else None


def balance_due(*, channel: Channel, now: datetime | None = None) -> bool:
    """Whether the channel's balance is to be checked now (never checked, or its interval
    passed since the last check)."""
    config = channel.config or {}
    if channel.kind != ChannelKind.GATEWAY or not config.get("balance_url"):
        return False
    last = ChannelBalance.objects.filter(channel=channel).values_list("checked_at", flat=True)
    checked_at = last.first()
    if checked_at is None:
        return True
    every = timedelta(seconds=INTERVALS.get(config.get("balance_interval"), 3600))
    # A little early rather than one beat late: the beat runs every 5 minutes.
    return (now or timezone.now()) >= checked_at + every - timedelta(seconds=30)


def balance_check(*, channel: Channel) -> ChannelBalance:
    """Asks the gateway for the balance now and records it; raises the alert (and sends its
    e-mail) when the balance has just fallen below the minimum, clears it when back above."""
    try:
        amount, error = provider_for(channel).balance().quantize(Decimal("0.0001")), ""
    except ProviderError as exc:
        amount, error = None, exc.message
    minimum = minimum_of(channel)
    now = timezone.now()
    with transaction.atomic():
        ChannelBalance.objects.get_or_create(channel=channel)
        row = ChannelBalance.objects.select_for_update().get(channel=channel)
        row.checked_at, row.error = now, error[:255]
        crossed = False
        if amount is not None:
            row.balance = amount
            below = minimum is not None and amount < minimum
            crossed = below and not row.alerting
            if crossed:
                row.alerted_at = now
            row.alerting = below
        row.save()
    if crossed:
        _alert_mail(channel, row, minimum)
    return row


def _alert_mail(channel: Channel, row: ChannelBalance, minimum: Decimal) -> None:
    address = (channel.config or {}).get("balance_email") or ""
    if not address:
        return
    try:
        send_mail(
            subject=f"Low SMS balance on {channel.name}: {row.balance}",
            message=(
                f"The balance of the channel {channel.name} is {row.balance}, below the "
                f"minimum of {minimum}.\n\nTop up the gateway account; this alert is sent "
                "again only after the balance has been back above the minimum."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
        )
    except Exception:  # a mail server down must not lose the recorded alert
        log.exception("The low-balance e-mail for channel %s could not be sent", channel.pk)


def balance_check_due() -> int:
    """Checks every gateway channel whose balance is due; the number checked."""
    checked = 0
    channels = Channel.objects.filter(kind=ChannelKind.GATEWAY, is_active=True)
    for channel in channels.iterator():
        if balance_due(channel=channel):
            balance_check(channel=channel)
            checked += 1
    return checked


def low_balances():
    """The raised alerts the dashboard shows: channels asking for the dashboard notice."""
    rows = ChannelBalance.objects.filter(alerting=True, channel__kind=ChannelKind.GATEWAY)
    rows = rows.select_related("channel").order_by("channel__name")
    return [
        {"channel": row.channel, "balance": row.balance, "minimum": minimum_of(row.channel)}
        for row in rows
        if (row.channel.config or {}).get("balance_dashboard")
    ]
