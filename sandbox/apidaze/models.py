"""The fake Apidaze's state: accounts (a key, its secret, where status callbacks go, the rate
it accepts and the faults to inject), their numbers (each with its messaging webhook, as set
in Apidaze's console), the messages, and the callbacks owed (posted by a task)."""

from __future__ import annotations

import uuid

from django.db import models


class ApidazeAccount(models.Model):
    class Fault(models.TextChoices):
        SERVER_ERROR = "500", "500 Internal Server Error"
        UNAVAILABLE = "503", "503 Service Unavailable"
        RATE_LIMITED = "429", "429 Too Many Requests"
        TIMEOUT = "timeout", "Timeout (applied, then no answer)"

    api_key = models.CharField(max_length=100, unique=True)
    api_secret = models.CharField(max_length=200)
    callback_url = models.URLField(max_length=500, blank=True)  # status callbacks go here
    rate_limit = models.PositiveIntegerField(default=20)  # sends accepted per second
    fault = models.CharField(max_length=8, choices=Fault.choices, blank=True)
    fault_count = models.PositiveIntegerField(default=0)  # the next N sends get `fault`
    retry_after = models.PositiveIntegerField(default=1)
    timeout_seconds = models.FloatField(default=30.0)

    def __str__(self) -> str:
        return self.api_key


class ApidazeNumber(models.Model):
    account = models.ForeignKey(ApidazeAccount, on_delete=models.CASCADE, related_name="numbers")
    number = models.CharField(max_length=20, unique=True)  # digits, no "+"
    webhook_url = models.URLField(max_length=500, blank=True)  # inbound messages go here

    def __str__(self) -> str:
        return f"+{self.number}"


class ApidazeMessage(models.Model):
    class Direction(models.TextChoices):
        OUTBOUND = "outbound", "Outbound"
        INBOUND = "inbound", "Inbound"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(ApidazeAccount, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    sender = models.CharField(max_length=20)
    recipient = models.CharField(max_length=20)
    body = models.TextField(blank=True)
    media_url = models.URLField(max_length=2000, blank=True)
    status = models.CharField(max_length=12, default="accepted")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.direction} +{self.sender} → +{self.recipient}"


class ApidazeCallback(models.Model):
    """A post the fake owes the portal: a status callback or an inbound message."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    message = models.ForeignKey(ApidazeMessage, on_delete=models.CASCADE, related_name="callbacks")
    url = models.URLField(max_length=500)
    content_type = models.CharField(max_length=60)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.url} ({self.state})"
