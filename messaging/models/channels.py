"""Channels (the provider accounts messages go through), their debug log, the rate limiter's
slots, and the raw webhook events providers send."""

from __future__ import annotations

import json
import secrets

from django.db import models
from django.db.models.functions import Now

from portal.crypto import EncryptedTextField


def new_token() -> str:
    """An unguessable webhook URL token (192 bits)."""
    return secrets.token_urlsafe(24)


class ChannelKind(models.TextChoices):
    WAVIX = "wavix", "Wavix"
    DIDWW = "didww", "DIDWW"
    APIDAZE = "apidaze", "Apidaze"
    GATEWAY = "gateway", "HTTP SMS gateway"


class Channel(models.Model):
    """A provider account the portal sends and receives messages through. The Wavix kind is
    one per Wavix account, uses its API key and sends from the account's SMS-enabled numbers;
    other kinds keep their credentials here, encrypted, and send from the numbers a system
    administrator attaches to them (`numbers`, in the pool syntax; `ChannelNumber`)."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=ChannelKind.choices, default=ChannelKind.WAVIX)
    wavix_account = models.OneToOneField(
        "portal.WavixAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messaging_channel",
    )
    credentials = EncryptedTextField(
        blank=True, help_text="The provider's credentials as JSON (kinds other than Wavix)."
    )
    config = models.JSONField(
        default=dict, blank=True, help_text="The provider's settings that are not secret."
    )
    numbers = models.TextField(
        blank=True,
        help_text="Kinds other than Wavix: the numbers the channel sends from and receives on, "
        "in the pool syntax (16468097065-16468097066;16468097070).",
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="A paused channel keeps its messages queued."
    )
    paused_reason = models.CharField(max_length=255, blank=True)
    rate = models.DecimalField(
        "sending rate",
        max_digits=7,
        decimal_places=2,
        default=1,
        help_text="Messages per second. Above it messages wait in the queue and go out at "
        "this rate.",
    )
    validity_days = models.PositiveSmallIntegerField(
        "days to expire",
        default=3,
        help_text="A message not sent within this many days ends expired.",
    )
    max_segments = models.PositiveSmallIntegerField(
        default=10, help_text="Longer messages are refused before they are queued."
    )
    media_text = models.CharField(
        "accompanying text",
        max_length=160,
        blank=True,
        help_text="Sent as the text of a message that has only files.",
    )
    dlr_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    inbound_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    inbound_allowlist = models.TextField(
        "inbound source addresses",
        blank=True,
        help_text="Addresses or networks (CIDR) allowed to post inbound messages and delivery "
        "reports, one per line; blank: any address.",
    )
    debug_log = models.BooleanField(
        default=False, help_text="Keep the last requests and answers (secrets redacted)."
    )
    last_error = models.CharField(max_length=255, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_log = True
    # The webhook tokens are secrets too: the audit log shows that they changed, not them.
    audit_masked_fields = ("credentials", "dlr_token", "inbound_token")
    audit_ignored_fields = ("last_error", "last_error_at")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def secrets(self) -> dict:
        """The credentials (kinds other than Wavix), decrypted and parsed; {} when none."""
        try:
            value = json.loads(self.credentials or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


class ChannelNumber(models.Model):
    """A number attached to a channel that is not a Wavix channel: its inventory row (a `Did`
    without a Wavix account) and the channel it goes through. A number is on one channel at
    most, and a tenant uses it only when it is in the tenant's pool, as every number."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="attached")
    did = models.OneToOneField("dids.Did", on_delete=models.CASCADE, related_name="channel_link")

    class Meta:
        ordering = ["did__number"]

    def __str__(self) -> str:
        return f"{self.did} on {self.channel}"


class ChannelLogEntry(models.Model):
    """One request to the provider and its answer, kept while the channel's debug log is on
    (the last few hundred per channel), with secrets redacted before it is stored."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="log_entries")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    method = models.CharField(max_length=8)
    url = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    request_body = models.TextField(blank=True)
    response_body = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "channel log entries"

    def __str__(self) -> str:
        return f"{self.method} {self.url} {self.status_code or self.error}"


class RateSlot(models.Model):
    """The next free sending slot of a channel, for the rate limiter without Redis: one
    atomic UPDATE per message moves it on, so every process shares it (messaging/rate.py)."""

    key = models.CharField(max_length=100, primary_key=True)
    next_at = models.FloatField(default=0.0, help_text="Unix time of the next free slot.")

    def __str__(self) -> str:
        return self.key


class WebhookEvent(models.Model):
    """A callback as it arrived from a provider (a delivery report; inbound messages next),
    stored before it is processed so nothing that arrives is lost without a trace."""

    class Kind(models.TextChoices):
        DELIVERY_REPORT = "dlr", "Delivery report"
        INBOUND = "inbound", "Inbound message"

    class State(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored"
        FAILED = "failed", "Failed"

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="webhook_events")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # The database's defaults too: the inbound intake's INSERT names only what it was sent.
    received_at = models.DateTimeField(auto_now_add=True, db_default=Now(), db_index=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    body = models.TextField()
    state = models.CharField(
        max_length=12, choices=State.choices, default=State.RECEIVED, db_default=State.RECEIVED
    )
    note = models.CharField(max_length=255, blank=True, db_default="")
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="An inbound event taken by a worker's drain, until then (a lost worker's "
        "events are taken again after it).",
    )
    dedupe_key = models.CharField(
        max_length=100,
        null=True,
        blank=True,
        help_text="The provider's id of what it reports (an inbound message's id): a retry of "
        "the same event is stored once.",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["state", "received_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "kind", "dedupe_key"],
                condition=models.Q(dedupe_key__isnull=False),
                name="webhookevent_dedupe_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.channel_id} at {self.received_at}"
