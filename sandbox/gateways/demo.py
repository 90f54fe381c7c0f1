"""What the portal's demo data puts on the gateways' fake: one HTTP SMS gateway channel made
from the BulkSMS preset and pointed at the fake BulkSMS (`{base_url}/gateway-sandbox`), with
the demo numbers +1 332 555 0300-0309 attached, its balance checked every 5 minutes, and the
fake's balance just above the channel's minimum, so lowering it on the fake's page
(/gateway-sandbox/) raises the low-balance alert, and the same page sends an inbound message
to one of the numbers. Idempotent: run again, it points the fake at the channel once more and
changes nothing else.

The demo's one entry point into the messaging app (the pyproject's contract allows this
module alone): the channel is made by the portal's own service, as a system administrator
would make it."""

from __future__ import annotations

from decimal import Decimal
from typing import TextIO

from django.urls import reverse

from messaging.gateway_presets import preset
from messaging.models import Channel
from messaging.services.channels import channel_create

from .credentials import HEADERS
from .services import account_set

NAME = "BulkSMS (demo gateway)"
NUMBERS = "13325550300-13325550309"
MINIMUM = Decimal("20")
BALANCE = Decimal("25")


def seed_demo_gateway(base_url: str, stdout: TextIO) -> Channel:
    base_url = base_url.rstrip("/")
    channel = Channel.objects.filter(name=NAME).first()
    if channel is None:
        config = {
            **preset("bulksms", base_url=f"{base_url}/gateway-sandbox"),
            "balance_interval": "5min",
            "balance_minimum": str(MINIMUM),
            "balance_email": "noc@portal.example",
            "balance_dashboard": True,
        }
        config.pop("headers")
        channel = channel_create(
            kind="gateway",
            name=NAME,
            config=config,
            credentials={"headers": HEADERS["bulksms"]},
            numbers=NUMBERS,
            rate=Decimal("5"),
        )
        account_set(gateway="bulksms", balance=BALANCE)
        stdout.write(f"Demo gateway channel “{NAME}” on the BulkSMS fake ({NUMBERS}).\n")
    dlr = reverse("hooks:dlr", kwargs={"token": channel.dlr_token})
    inbound = reverse("hooks:inbound", kwargs={"token": channel.inbound_token})
    account_set(gateway="bulksms", dlr_url=f"{base_url}{dlr}", inbound_url=f"{base_url}{inbound}")
    return channel
