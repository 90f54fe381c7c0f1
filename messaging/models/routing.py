"""Where a tenant's inbound messages go: per number an inbound destination (an agent, a
message queue, a tenant webhook or e-mail) and its conversation rules; the queues; the
tenant's webhook endpoints and every delivery to them; the e-mails; and the job that points
numbers' inbound address (Wavix's `sms_relay_url`) at the channel's intake."""

from __future__ import annotations

from django.db import models
from django_scopes import ScopedManager

from portal.crypto import EncryptedTextField
from portal.jobs.models import Job


class MessageQueue(models.Model):
    """A named group of agents. Every member sees a new conversation of the queue; the first
    to pick it up owns it (or, with auto-pickup, the first to reply)."""

    class Pickup(models.TextChoices):
        MANUAL = "manual", "An agent picks it up"
        FIRST_REPLY = "first_reply", "The first agent to reply owns it"

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    members = models.ManyToManyField("tenants.User", blank=True, related_name="message_queues")
    pickup = models.CharField(max_length=16, choices=Pickup.choices, default=Pickup.MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant")

    audit_log = True

    class Meta:
        ordering = ["name"]
        verbose_name = "message queue"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="messagequeue_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Destination(models.TextChoices):
    NONE = "", "Not set (waits in the unrouted list)"
    AGENT = "agent", "An agent"
    QUEUE = "queue", "A message queue"
    WEBHOOK = "webhook", "A webhook"
    EMAIL = "email", "E-mail"


class NumberRoute(models.Model):
    """The inbound destination and conversation rules of one SMS-capable number of a tenant's
    pool. A number with no row (or no destination) sends its messages to the unrouted list."""

    Destination = Destination

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=15, help_text="E.164 digits.")
    destination = models.CharField(
        max_length=8, choices=Destination.choices, blank=True, default=Destination.NONE
    )
    agent = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    queue = models.ForeignKey(
        MessageQueue, on_delete=models.SET_NULL, null=True, blank=True, related_name="routes"
    )
    endpoint = models.ForeignKey(
        "messaging.TenantWebhook",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="routes",
    )
    emails = models.TextField(
        "e-mail addresses", blank=True, help_text="One or more addresses, one per line."
    )
    email_digest_minutes = models.PositiveSmallIntegerField(
        "digest every (minutes)",
        default=0,
        help_text="0: one e-mail per message; otherwise one e-mail per conversation with the "
        "messages of this many minutes.",
    )
    starters = models.ManyToManyField(
        "tenants.User",
        blank=True,
        related_name="+",
        help_text="Agents allowed to start new conversations from this number.",
    )
    stickiness_hours = models.PositiveSmallIntegerField(
        "session stickiness (hours)",
        default=24,
        help_text="A conversation an agent started stays with that agent this long (0: off).",
    )
    auto_close_days = models.PositiveSmallIntegerField(
        "close after (days without a message)", default=7, help_text="0: never."
    )
    reformat = models.BooleanField(
        "reformat numbers",
        default=True,
        help_text="Write the other party's number in E.164 with the tenant's default country, "
        "so +16468097065, 16468097065 and (646) 809-7065 are one conversation.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    audit_log = True

    class Meta:
        ordering = ["number"]
        verbose_name = "number routing rule"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="numberroute_unique_number")
        ]

    def __str__(self) -> str:
        return f"+{self.number}: {self.get_destination_display()}"


class TenantWebhook(models.Model):
    """A tenant's HTTPS endpoint that gets a signed JSON event per inbound message and per
    delivery status. The secret is shown once, when made or rotated."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    url = models.URLField("URL", max_length=500)
    secret = EncryptedTextField()
    is_active = models.BooleanField("active", default=True)
    send_inbound = models.BooleanField("inbound messages", default=True)
    send_status = models.BooleanField("delivery statuses", default=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant")

    audit_log = True
    audit_masked_fields = ("secret",)

    class Meta:
        ordering = ["name"]
        verbose_name = "webhook endpoint"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="tenantwebhook_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(Job):
    """One event to a tenant's endpoint, on the one job runner: retried with backoff for 24
    hours; every attempt is kept (`WebhookAttempt`) for the delivery log."""

    class Event(models.TextChoices):
        RECEIVED = "message.received", "Inbound message"
        STATUS = "message.status", "Delivery status"
        TEST = "ping", "Test event"

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(TenantWebhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=20, choices=Event.choices)
    event_id = models.CharField(max_length=40, unique=True, help_text="Sent with it, to dedupe.")
    payload = models.JSONField()
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_at = models.DateTimeField()
    give_up_at = models.DateTimeField(help_text="No attempt after this (24 hours after it).")
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["endpoint", "-created_at"]),
            models.Index(fields=["status", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint_id}: {self.status}"


class WebhookAttempt(models.Model):
    """One POST of a delivery and what the endpoint answered."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.CharField(max_length=1000, blank=True)
    error = models.CharField(max_length=255, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.at}: {self.status_code or self.error}"


class MailNotice(Job):
    """An e-mail of a number's inbound messages: one per message, or a digest per conversation
    that collects the messages of `email_digest_minutes` and goes at `due_at`."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        "messaging.Conversation", on_delete=models.CASCADE, related_name="mail_notices"
    )
    recipients = models.TextField(help_text="One address per line.")
    messages = models.ManyToManyField("messaging.Message", related_name="+")
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"e-mail for {self.conversation_id}: {self.status}"


class RelayJob(Job):
    """Points the inbound address (`sms_relay_url`) of numbers on a Wavix account at the
    channel's intake when they enter a tenant's pool, and clears it when they leave, in bulk
    with progress. `numbers` is [{"number": digits, "url": address or ""}]."""

    account = models.ForeignKey(
        "portal.WavixAccount", on_delete=models.CASCADE, related_name="relay_jobs"
    )
    numbers = models.JSONField(default=list)
    numbers_total = models.PositiveIntegerField(default=0)
    numbers_done = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "inbound address job"

    def __str__(self) -> str:
        return f"inbound addresses of {self.numbers_total} numbers: {self.status}"

    @property
    def progress_done(self) -> int:
        return self.numbers_done

    @property
    def progress_total(self) -> int:
        return self.numbers_total
