"""What the portal's demo data (portal/demo/) puts on the fake DIDWW: one DIDWW channel pointed
at the fake, its numbers attached, and the fake's demo trunk pointed back at the channel's
webhooks (the HTTP OUT trunk's Callback URL, the HTTP IN trunk's request URL and body), so
that a message sent from the demo is reported delivered and the "simulate inbound" page
posts to the right channel. The one place the fake knows the portal, as a DIDWW customer's
set-up does; run with no server up (everything in this process's database)."""

from __future__ import annotations

from typing import TextIO

from django.urls import reverse

from .trunks import DEMO_PASSWORD, DEMO_USERNAME, SEED_TEMPLATE, trunk_configure

CHANNEL_NAME = "DIDWW (sandbox)"
DEMO_NUMBERS = "13325550100-13325550109"


def seed_demo_didww(base_url: str, stdout: TextIO):
    """The demo DIDWW channel (made once; found by its name after) on `{base_url}/didww-sandbox`,
    with +1 332 555 0100-0109 attached. Returns the channel."""
    from messaging.models import Channel
    from messaging.services.channels import channel_create

    base_url = base_url.rstrip("/")
    channel = Channel.objects.filter(name=CHANNEL_NAME).first()
    if channel is None:
        channel = channel_create(
            kind="didww",
            name=CHANNEL_NAME,
            config={"base_url": f"{base_url}/didww-sandbox"},
            credentials={"username": DEMO_USERNAME, "password": DEMO_PASSWORD},
            numbers=DEMO_NUMBERS,
            rate=5,
        )
        stdout.write(f"DIDWW demo channel “{CHANNEL_NAME}” created, sending from {DEMO_NUMBERS}.\n")
    trunk_configure(
        username=DEMO_USERNAME,
        callback_url=base_url + reverse("hooks:dlr", kwargs={"token": channel.dlr_token}),
        inbound_url=base_url + reverse("hooks:inbound", kwargs={"token": channel.inbound_token}),
        inbound_template=SEED_TEMPLATE,
    )
    return channel
