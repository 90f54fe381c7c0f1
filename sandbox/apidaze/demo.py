"""The demo's Apidaze channel (portal/demo/providers.py calls `seed_demo_apidaze`): the one
entry point into this fake for demo seeding. It makes the fake's demo account and the
portal's channel on it, pointed at `{origin}/apidaze-sandbox` with ten numbers attached
(+1 332 555 0200 to 0209); the fake gets the channel's delivery-report webhook as its
callback address and each number's messaging webhook set to the channel's inbound one.
Idempotent: seeding again finds the channel by its name and only brings the fake's
addresses in step with the channel's tokens.

The one module of a fake that imports the portal (declared in the import contracts): a
visitor of `make run` has the channel set up as an administrator would after signing up
with Apidaze."""

from __future__ import annotations

from typing import TextIO

from django.db import transaction

from messaging.hooks import dlr_url, inbound_url
from messaging.models import Channel, ChannelKind
from messaging.services.channels import channel_create

from .services import account_save, number_save

DEMO_API_KEY = "apidaze-demo-key"
DEMO_API_SECRET = "apidaze-demo-secret-0123456789"  # noqa: S105 - the fake's demo account
NAME = "Apidaze demo"
FIRST, LAST = 13325550200, 13325550209


@transaction.atomic
def seed_demo_apidaze(base_url: str, stdout: TextIO) -> Channel:
    """`base_url`: where this server answers (`http://127.0.0.1:8000`)."""
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
    account = account_save(
        api_key=DEMO_API_KEY, api_secret=DEMO_API_SECRET, callback_url=dlr_url(channel)
    )
    for number in range(FIRST, LAST + 1):
        number_save(account=account, number=str(number), webhook_url=inbound_url(channel))
    return channel
