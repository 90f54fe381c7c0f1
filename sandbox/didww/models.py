"""What the fake DIDWW keeps: the customer's SMS trunks (one row holds an HTTP OUT trunk's
credentials and Callback URL and the HTTP IN trunk's request URL and body template), the
messages sent through it, and every HTTP request DIDWW owes the customer (callbacks, inbound
deliveries) with its attempts."""

import uuid

from django.db import models


class SandboxTrunk(models.Model):
    class Fault(models.TextChoices):
        NONE = "", "None"
        ERROR = "error", "Server error (5xx)"
        RATE_LIMIT = "rate_limit", "Too many requests (429)"
        TIMEOUT = "timeout", "Timeout (applied, answer held back)"

    username = models.CharField(max_length=100, unique=True)
    password = models.CharField(max_length=200)
    callback_url = models.URLField(max_length=500, blank=True, help_text="HTTP OUT: callbacks.")
    dlr_enabled = models.BooleanField(default=True, help_text="HTTP OUT: send DLR events.")
    rate_limit = models.PositiveIntegerField(default=10, help_text="Sends per second, then 429.")
    inbound_url = models.URLField(max_length=500, blank=True, help_text="HTTP IN: request URL.")
    inbound_template = models.TextField(blank=True, help_text="HTTP IN: request body.")
    # Fault injection: the next `fault_remaining` sends answer with `fault`.
    fault = models.CharField(max_length=20, choices=Fault.choices, blank=True, default="")
    fault_remaining = models.PositiveIntegerField(default=0)
    fault_status = models.PositiveSmallIntegerField(default=503)
    fault_retry_after = models.PositiveIntegerField(default=1)
    fault_timeout_seconds = models.FloatField(default=30.0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.username


class SandboxOutbound(models.Model):
    trunk = models.ForeignKey(SandboxTrunk, on_delete=models.CASCADE, related_name="messages")
    message_id = models.UUIDField(default=uuid.uuid4, unique=True)
    source = models.CharField(max_length=20)
    destination = models.CharField(max_length=20)
    content = models.TextField()
    fragments = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, default="Queued")
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return str(self.message_id)


class SandboxDelivery(models.Model):
    """One HTTP request DIDWW owes: a status callback, a DLR event or an inbound message."""

    class Kind(models.TextChoices):
        STATUS = "status", "Status callback"
        DLR = "dlr", "DLR event"
        INBOUND = "inbound", "HTTP IN delivery"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Gave up"

    trunk = models.ForeignKey(SandboxTrunk, on_delete=models.CASCADE, related_name="deliveries")
    message = models.ForeignKey(
        SandboxOutbound, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    url = models.URLField(max_length=500)
    body = models.TextField(help_text="Sent as it is (an HTTP IN body may not be valid JSON).")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} to {self.url}"
