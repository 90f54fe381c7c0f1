"""The last balance check of a channel whose gateway has a balance address, and whether its
low-balance alert is raised (once per crossing below the minimum, until it is back above)."""

from __future__ import annotations

from django.db import models

from .channels import Channel


class ChannelBalance(models.Model):
    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="balance")
    balance = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)
    alerting = models.BooleanField(
        default=False, help_text="The balance fell below the minimum and is not back above."
    )
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "channel balance"

    def __str__(self) -> str:
        return f"{self.channel_id}: {self.balance}"
