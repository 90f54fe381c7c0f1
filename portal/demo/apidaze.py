"""The demo's Apidaze channel, pointed at the fake Apidaze of the running portal
(`{base_url}/apidaze-sandbox`), with ten numbers attached (+1 332 555 0200 to 0209); the fake
gets the same account, the numbers with the channel's inbound webhook, and the channel's
delivery-report webhook as its callback address. Seeding again changes nothing but those
addresses (kept in step with the channel's tokens)."""

from __future__ import annotations

from typing import TextIO

from django.apps import apps

from messaging.hooks import dlr_url, inbound_url
from messaging.models import Channel, ChannelKind
from messaging.services.channels import channel_create

NAME = "Apidaze demo"
FIRST, LAST = 13325550200, 13325550209
NUMBERS = [str(n) for n in range(FIRST, LAST + 1)]


def seed_demo_apidaze(base_url: str, stdout: TextIO) -> Channel | None:
    """The demo channel (created once, found by its name), or None with the fake off."""
    if not apps.is_installed("sandbox.apidaze"):
        stdout.write("The Apidaze sandbox is off: no Apidaze demo channel.\n")
        return None
    from sandbox.apidaze.demo import DEMO_API_KEY, DEMO_API_SECRET, fake_seed

    channel = Channel.objects.filter(name=NAME, kind=ChannelKind.APIDAZE).first()
    if channel is None:
        channel = channel_create(
            kind=ChannelKind.APIDAZE,
            name=NAME,
            rate=5,
            config={"base_url": f"{base_url.rstrip('/')}/apidaze-sandbox"},
            credentials={"api_key": DEMO_API_KEY, "api_secret": DEMO_API_SECRET},
            numbers=f"{FIRST}-{LAST}",
        )
        stdout.write(f"Apidaze channel “{NAME}” with +{FIRST} to +{LAST}.\n")
    fake_seed(callback_url=dlr_url(channel), webhook_url=inbound_url(channel), numbers=NUMBERS)
    return channel
