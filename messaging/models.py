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

import secrets

from django.db import models
from django_scopes import ScopedManager

from portal.crypto import EncryptedTextField
from portal.jobs.models import Job


def new_token() -> str:
    """An unguessable webhook URL token (192 bits)."""
    return secrets.token_urlsafe(24)


class ChannelKind(models.TextChoices):
    WAVIX = "wavix", "Wavix"


class Channel(models.Model):
    """A provider account the portal sends and receives messages through. The Wavix kind is
    one per Wavix account and uses its API key; other kinds keep their credentials here,
    encrypted."""

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


class SenderKind(models.TextChoices):
    NUMERIC = "numeric", "Number"
    ALPHANUMERIC = "alphanumeric", "Name (alphanumeric)"


class SenderUsecase(models.TextChoices):
    TRANSACTIONAL = "transactional", "Transactional (account or order notifications)"
    PROMO = "promo", "Promotional (marketing)"
    AUTHENTICATION = "authentication", "Authentication (one-time passcodes)"


class MonthlyVolume(models.TextChoices):
    V1 = "1-1000", "Up to 1,000"
    V2 = "1001-20000", "1,001 to 20,000"
    V3 = "20001-50000", "20,001 to 50,000"
    V4 = "50001-100000", "50,001 to 100,000"
    V5 = "More than 100000", "More than 100,000"


class SenderId(models.Model):
    """What a tenant's messages show as their sender: one of its SMS-enabled numbers
    (numeric) or a name of 1-11 letters, digits and spaces (alphanumeric), registered on the
    channel's provider for the destination countries in `countries`."""

    Kind = SenderKind

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="sender_ids")
    kind = models.CharField(max_length=16, choices=SenderKind.choices)
    value = models.CharField(
        "sender ID", max_length=15, help_text="The number (E.164 digits) or the name."
    )
    number = models.BigIntegerField(
        null=True, blank=True, unique=True, help_text="Numeric sender IDs: the number."
    )
    usecase = models.CharField(
        max_length=16, choices=SenderUsecase.choices, default=SenderUsecase.TRANSACTIONAL
    )
    monthly_volume = models.CharField(
        max_length=20, choices=MonthlyVolume.choices, default=MonthlyVolume.V1
    )
    samples = models.JSONField(default=list, blank=True)
    provider_id = models.CharField(max_length=64, blank=True, db_index=True)
    created_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="tenant")

    audit_log = True
    audit_ignored_fields = ("synced_at",)

    class Meta:
        ordering = ["value"]
        verbose_name = "sender ID"
        constraints = [
            models.UniqueConstraint(fields=["channel", "value"], name="senderid_unique_on_channel")
        ]

    def __str__(self) -> str:
        return f"+{self.value}" if self.kind == SenderKind.NUMERIC else self.value


class SenderCountry(models.Model):
    """Where a sender ID stands for one destination country."""

    class State(models.TextChoices):
        CHECKING = "checking", "Checking"
        PENDING = "pending", "Registration pending"
        ALLOWLISTED = "allowlisted", "Allow-listed"
        MANUAL = "manual", "Manual registration needed"
        REFUSED = "refused", "Refused"

    sender = models.ForeignKey(SenderId, on_delete=models.CASCADE, related_name="countries")
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    country = models.CharField(max_length=2, help_text="ISO 3166 alpha-2.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.CHECKING)
    note = models.CharField(max_length=255, blank=True, help_text="What to do, in plain words.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["country"]
        verbose_name = "sender ID country"
        verbose_name_plural = "sender ID countries"
        constraints = [
            models.UniqueConstraint(fields=["sender", "country"], name="sendercountry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sender_id} {self.country}: {self.state}"


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


class Message(models.Model):
    """One SMS or MMS, sent or received. `segments` is the portal's count when it was
    queued (the figure compose showed); `provider_segments` and `charge` are the provider's."""

    Status = MessageStatus
    Direction = Direction

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
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    body = models.TextField()
    payload = models.JSONField(null=True, blank=True, help_text="The body, parsed.")
    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVED)
    note = models.CharField(max_length=255, blank=True)
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["state", "received_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.channel_id} at {self.received_at}"


# --- sender IDs: registration and sync jobs (part d) ---------------------------------------


class SenderJob(Job):
    """Work on Wavix for sender IDs, on the one job runner: a sender ID's registration (the
    self-service check per country, then the registration), its removal from Wavix after it
    was deleted here, and a channel's periodic sync (allow-listing and opt-outs)."""

    class Kind(models.TextChoices):
        REGISTER = "register", "Registration"
        UNREGISTER = "unregister", "Removal from Wavix"
        SYNC = "sync", "Sync with Wavix"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="sender_jobs")
    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sender = models.ForeignKey(
        SenderId, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    sender_value = models.CharField(max_length=15, blank=True)
    provider_id = models.CharField(max_length=64, blank=True)
    countries_total = models.PositiveSmallIntegerField(default=0)
    countries_done = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "sender ID job"
        constraints = [
            models.UniqueConstraint(
                fields=["channel"],
                condition=models.Q(kind="sync", status__in=["queued", "running", "retrying"]),
                name="senderjob_one_sync_per_channel",
            ),
            models.UniqueConstraint(
                fields=["sender"],
                condition=models.Q(kind="register", status__in=["queued", "running", "retrying"]),
                name="senderjob_one_registration_per_sender",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.sender_value or self.channel}"

    @property
    def progress_done(self) -> int:
        return self.countries_done

    @property
    def progress_total(self) -> int:
        return self.countries_total
