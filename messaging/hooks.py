"""The absolute addresses of a channel's webhooks (from settings.PORTAL_BASE_URL), the one
place they are built: the channel page shows them for copying, the outbox sends the delivery
reports' one with each message as its `callback_url`."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def dlr_url(channel) -> str:
    path = reverse("hooks:dlr", kwargs={"token": channel.dlr_token})
    return f"{settings.PORTAL_BASE_URL}{path}"


def inbound_url(channel) -> str:
    path = reverse("hooks:inbound", kwargs={"token": channel.inbound_token})
    return f"{settings.PORTAL_BASE_URL}{path}"
