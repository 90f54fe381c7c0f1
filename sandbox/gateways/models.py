"""Each fake gateway's account (its balance, where it posts delivery reports, the faults of
its next answers) and the messages it took."""

from __future__ import annotations

from django.db import models


class Gateway(models.TextChoices):
    BULKSMS = "bulksms", "BulkSMS"
    CLICKATELL = "clickatell", "Clickatell"
    BURSTSMS = "burstsms", "BurstSMS"


class GatewayAccount(models.Model):
    gateway = models.CharField(max_length=16, choices=Gateway.choices, unique=True)
    balance = models.DecimalField(max_digits=12, decimal_places=2, default=100)
    dlr_url = models.URLField(
        "delivery reports address",
        max_length=500,
        blank=True,
        help_text="Where the gateway posts the delivery report of each message it took.",
    )
    inbound_url = models.URLField(
        "inbound messages address",
        max_length=500,
        blank=True,
        help_text="Where the gateway posts the messages sent to its numbers.",
    )
    fail_next = models.PositiveIntegerField(
        default=0, help_text="The next this many answers are the fault below."
    )
    fail_status = models.PositiveSmallIntegerField(
        default=503,
        help_text="429, a 5xx, or 0 for a timeout (the request is applied, the "
        "answer never comes in time).",
    )

    def __str__(self) -> str:
        return self.get_gateway_display()


class GatewayMessage(models.Model):
    account = models.ForeignKey(GatewayAccount, on_delete=models.CASCADE, related_name="messages")
    message_id = models.CharField(max_length=64, unique=True)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.TextField(blank=True)
    sender = models.CharField(max_length=32, blank=True)
    recipient = models.CharField(max_length=32)
    text = models.TextField()
    reported = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.message_id
