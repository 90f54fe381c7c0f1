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


def balance_check(*, channel: Channel, read_timeout: float | None = None) -> ChannelBalance:
    """Asks the gateway for the balance now and records it; raises the alert (and sends its
    e-mail) when the balance has just fallen below the minimum, clears it when back above.
    `read_timeout`: shorter where a person waits for the answer ("Run test")."""
    try:
        answer = provider_for(channel).balance(read_timeout)
        amount, error = answer.quantize(Decimal("0.0001")), ""
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
    if crossed and (channel.config or {}).get("balance_email"):
        # A task: a mail server that is slow or down neither holds the page nor loses the
        # alert (the task tries again).
        from ..tasks import send_balance_alert

        transaction.on_commit(lambda: send_balance_alert.delay(channel.pk))
    return row


def balance_alert_mail(*, channel_id: int) -> bool:
    """The low-balance e-mail of a channel still below its minimum; False when there is
    nothing to send (back above meanwhile, no address). Raises when the mail server fails."""
    channel = Channel.objects.filter(pk=channel_id).first()
    row = ChannelBalance.objects.filter(channel_id=channel_id).first()
    address = ((channel.config or {}).get("balance_email") or "") if channel else ""
    if channel is None or row is None or not row.alerting or not address:
        return False
    minimum = minimum_of(channel)
    send_mail(
        subject=f"Low SMS balance on {channel.name}: {row.balance:.2f}",
        message=(
            f"The balance of the channel {channel.name} is {row.balance:.2f}, below the "
            f"minimum of {minimum:.2f}.\n\nTop up the gateway account; this alert is sent "
            "again only after the balance has been back above the minimum."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[address],
    )
    return True


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
