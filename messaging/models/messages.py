"""Messaging: the channels the portal sends through, the tenants' sender IDs, every message
with its status history, the outbox that sends them, opt-outs, and the raw webhook events.

A message's life (`Message.Status`) only moves forward:

    queued ──> sending ──> accepted ──> sent ──> delivered
       │          │            └──────────┴────> undelivered | expired | rejected | dlr_expired
       │          └──> failed (a refusal, or retries past the validity)
       └──> expired (the validity passed before it could go: a paused channel, a long outage)

The send itself is a job on the one runner (`Outbox`, a `portal.jobs.Job`): its row says
whether the send is queued, running (claimed by a worker, the call in flight), retrying
(waiting for the next attempt) or done; the message row says what the recipient's phone
will see.
"""

from __future__ import annotations

from django.db import models
from django_scopes import ScopedManager

from portal.jobs.models import Job

from .channels import Channel
from .senders import SenderId


class Direction(models.TextChoices):
    OUTBOUND = "outbound", "Sent"
    INBOUND = "inbound", "Received"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    ACCEPTED = "accepted", "Accepted"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    UNDELIVERED = "undelivered", "Not delivered"
    EXPIRED = "expired", "Expired"
    REJECTED = "rejected", "Rejected"
    DLR_EXPIRED = "dlr_expired", "No delivery report"
    FAILED = "failed", "Failed"
    RECEIVED = "received", "Received"


# How far along each status is: a report may move a message only to a higher rank, and a
# final status (rank 9) never changes.
STATUS_RANK = {
    MessageStatus.QUEUED: 0,
    MessageStatus.SENDING: 1,
    MessageStatus.ACCEPTED: 2,
    MessageStatus.SENT: 3,
    MessageStatus.DELIVERED: 9,
    MessageStatus.UNDELIVERED: 9,
    MessageStatus.EXPIRED: 9,
    MessageStatus.REJECTED: 9,
    MessageStatus.DLR_EXPIRED: 9,
    MessageStatus.FAILED: 9,
    MessageStatus.RECEIVED: 9,
}
FINAL_STATUSES = tuple(s for s, rank in STATUS_RANK.items() if rank == 9)


class MessageSource(models.TextChoices):
    UI = "ui", "Portal"
    API = "api", "API"
    CONVERSATION = "conversation", "Conversation"
    TEST = "test", "Channel test"
    KEYWORD = "keyword", "Keyword reply"
    PROVIDER = "provider", "Provider"


class Unrouted(models.TextChoices):
    NO_OWNER = "no_owner", "No tenant holds the number"
    NO_DESTINATION = "no_destination", "The number has no inbound destination"


class Message(models.Model):
    """One SMS or MMS, sent or received. `segments` is the portal's count when it was
    queued (the figure compose showed); `provider_segments` and `charge` are the provider's."""

    Status = MessageStatus
    Direction = Direction
    Unrouted = Unrouted

    # No tenant: a system administrator's channel test.
    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="messages")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    sender_id = models.ForeignKey(
        SenderId, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    sender = models.CharField(max_length=15, help_text="E.164 digits, or the name.")
    recipient = models.CharField(max_length=15, help_text="E.164 digits.")
    country = models.CharField(max_length=2, blank=True, help_text="The destination country.")
    text = models.TextField(blank=True)
    media = models.JSONField(default=list, blank=True, help_text="Media URLs (MMS).")
    is_mms = models.BooleanField("MMS", default=False)
    encoding = models.CharField(max_length=8, blank=True)
    segments = models.PositiveSmallIntegerField(default=1)
    provider_segments = models.PositiveSmallIntegerField(null=True, blank=True)
    charge = models.DecimalField(max_digits=12, decimal_places=5, null=True, blank=True)
    carrier_fees = models.DecimalField(max_digits=12, decimal_places=5, null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    reason = models.CharField(
        max_length=255, blank=True, help_text="Why it failed, in plain words."
    )
    tag = models.CharField(
        max_length=64, unique=True, help_text="Ours, sent with it, to find it again."
    )
    provider_id = models.CharField(max_length=64, null=True, blank=True)
    source = models.CharField(max_length=16, choices=MessageSource.choices)
    created_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(
        null=True, blank=True, help_text="When it reached its final status."
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Inbound: the conversation it belongs to, or why it waits in the unrouted list.
    conversation = models.ForeignKey(
        "messaging.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    unrouted = models.CharField(
        max_length=16,
        choices=Unrouted.choices,
        blank=True,
        help_text="Why an inbound message waits to be routed (blank: routed).",
    )

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "provider_id"],
                condition=models.Q(provider_id__isnull=False),
                name="message_provider_id_unique",
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "-created_at"]),
            models.Index(fields=["tenant", "status", "-created_at"]),
            models.Index(fields=["channel", "status"]),
            models.Index(fields=["recipient"]),
            models.Index(fields=["conversation", "-created_at"]),
            # The channel list's last 24 hours (delivered / failed), read from the index alone;
            # the statistics' refresh finds the older days whose messages changed.
            models.Index(
                fields=["channel", "direction", "created_at", "status"],
                name="message_channel_recent_idx",
            ),
            models.Index(fields=["updated_at"], name="message_updated_idx"),
            models.Index(
                fields=["unrouted", "-created_at"],
                condition=~models.Q(unrouted=""),
                name="message_unrouted_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.sender} → {self.recipient}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class MessageEvent(models.Model):
    """One step of a message's history: its status then, why, and what the provider said."""

    class Source(models.TextChoices):
        PORTAL = "portal", "Portal"
        PROVIDER = "provider", "Provider's answer"
        REPORT = "report", "Delivery report"
        LOOKUP = "lookup", "Status lookup"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=MessageStatus.choices)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.PORTAL)
    reason = models.CharField(max_length=255, blank=True)
    detail = models.JSONField(
        null=True, blank=True, help_text="The provider's answer or report, as received."
    )

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["message", "at"])]

    def __str__(self) -> str:
        return f"{self.message_id} {self.status}"


class Outbox(Job):
    """The send of one outbound message, as a job on the one runner: claimed by a worker at
    the channel's rate, called outside any transaction, recorded after. `unknown_since` is set
    when a send's outcome is unknown (no answer after the request left): the next attempt looks
    the message up by its tag before anything is sent again."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="outbox")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField(help_text="When it may be sent (now, or its retry's time).")
    unknown_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = "outbox entry"
        verbose_name_plural = "outbox"
        indexes = [models.Index(fields=["channel", "status", "due_at"])]

    def __str__(self) -> str:
        return f"send of message {self.message_id}: {self.status}"


class OptOut(models.Model):
    """A recipient who asked not to get messages from one sender of the tenant, or (blank
    `sender`) from any of them."""

    class Source(models.TextChoices):
        MANUAL = "manual", "Added by hand"
        IMPORT = "import", "CSV import"
        API = "api", "API"
        KEYWORD = "keyword", "Keyword (STOP)"
        PROVIDER = "provider", "Provider's list"

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    recipient = models.CharField(max_length=15, help_text="E.164 digits.")
    sender = models.CharField(
        max_length=15, blank=True, help_text="E.164 digits or the name; blank: all senders."
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    synced_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was last seen on, or pushed to, the provider."
    )

    objects = ScopedManager(tenant="tenant")

    audit_log = True
    audit_ignored_fields = ("synced_at",)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "opt-out"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "recipient", "sender"], name="optout_unique_pair"
            )
        ]
        indexes = [models.Index(fields=["tenant", "recipient"])]

    def __str__(self) -> str:
        return f"+{self.recipient} from {self.sender or 'all senders'}"


class IdempotencyKey(models.Model):
    """The first answer to an API send with this `Idempotency-Key`: the same key and body get
    it again; the same key with another body is refused."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="idempotencykey_unique")
        ]

    def __str__(self) -> str:
        return self.key
