"""The outbox: every outbound message is a row (`Outbox`, a job on the one runner) committed
with the message; workers send them through the channel at its rate."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import Message, Outbox


def outbox_enqueue(*, message: Message) -> Outbox:
    """Queues the message's send, inside the caller's transaction: the row commits with the
    message, and the channel's workers are woken when it does."""
    entry = Outbox.objects.create(message=message, channel=message.channel, due_at=timezone.now())
    channel_id = message.channel_id
    transaction.on_commit(lambda: outbox_kick(channel_id=channel_id))
    return entry


def outbox_kick(*, channel_id: int) -> None:
    """Wakes the channel's sending (a queued message, a resumed channel, a retry now due)."""
    from ..tasks import pump_channel

    pump_channel.delay(channel_id)
