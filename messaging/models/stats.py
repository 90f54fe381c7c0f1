"""Message statistics: the daily roll-up the statistics pages and the metrics read, and the
outbox's throttle counter.

`MessageDay` holds one row per day, channel and tenant (no tenant: a system administrator's
channel test, or an inbound message no tenant holds yet), recomputed whole from the `Message`
rows (messaging/services/stats.py), so the pages read a few hundred rows, never the messages.
A day is the local date (TIME_ZONE) of the message's `created_at`.

What each count is, from the message's status (the state diagram in messages.py):

- sent: outbound messages the provider took: accepted, sent, delivered, undelivered,
  rejected, "no delivery report", and failed or expired after the provider had taken them
  (`accepted_at` set).
- sent_failed: outbound messages that never left: refused when sent (failed) or expired
  waiting in the queue, with no `accepted_at`.
- delivered: delivered to the phone (a report said so).
- failed: taken by the provider but not delivered: undelivered, rejected, and failed or
  expired after acceptance. "No delivery report" is neither delivered nor failed: nobody
  knows.
- received: inbound messages.
- segments: the billed parts of the sent and received messages (the provider's count, else
  ours): a long text goes as several segments, so segments ≥ messages.
- charge: the provider's charge plus carrier fees of every message of the day, in USD.

Queued and sending messages are in no count until they are sent or fail.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django_scopes import ScopedManager

from .channels import Channel
from .messages import MessageStatus

# The statuses of the definitions above (the roll-up's SQL and the channel list's 24 hours).
TAKEN_STATUSES = (
    MessageStatus.ACCEPTED,
    MessageStatus.SENT,
    MessageStatus.DELIVERED,
    MessageStatus.UNDELIVERED,
    MessageStatus.REJECTED,
    MessageStatus.DLR_EXPIRED,
)
UNDELIVERED_STATUSES = (MessageStatus.UNDELIVERED, MessageStatus.REJECTED)
ENDED_STATUSES = (MessageStatus.FAILED, MessageStatus.EXPIRED)


def sent_q() -> Q:
    return Q(status__in=TAKEN_STATUSES) | Q(status__in=ENDED_STATUSES, accepted_at__isnull=False)


def sent_failed_q() -> Q:
    return Q(status__in=ENDED_STATUSES, accepted_at__isnull=True)


def failed_q() -> Q:
    return Q(status__in=UNDELIVERED_STATUSES) | Q(
        status__in=ENDED_STATUSES, accepted_at__isnull=False
    )


class MessageDay(models.Model):
    """The messages of one day on one channel for one tenant (see the module's docstring)."""

    day = models.DateField()
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sent = models.PositiveIntegerField(default=0)
    sent_failed = models.PositiveIntegerField(default=0)
    delivered = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    received = models.PositiveIntegerField(default=0)
    segments = models.PositiveBigIntegerField(default=0)
    charge = models.DecimalField(max_digits=16, decimal_places=5, default=0)
    computed_at = models.DateTimeField(help_text="When the day was last counted.")

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["day", "channel_id", "tenant_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "channel", "tenant"],
                condition=Q(tenant__isnull=False),
                name="messageday_unique",
            ),
            models.UniqueConstraint(
                fields=["day", "channel"],
                condition=Q(tenant__isnull=True),
                name="messageday_unique_no_tenant",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "day"]),
            models.Index(fields=["day"]),
            models.Index(fields=["computed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} channel {self.channel_id} tenant {self.tenant_id}"


class ChannelCounter(models.Model):
    """Counts of the outbox's that no message row holds: how many times the channel's rate
    limiter made a send wait (a pump adds its waits once when it stops)."""

    channel = models.OneToOneField(
        Channel, on_delete=models.CASCADE, primary_key=True, related_name="counter"
    )
    throttled = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"channel {self.channel_id}: throttled {self.throttled}"
