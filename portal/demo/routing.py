"""Demo routing: on the demo tenants' SMS numbers, one number to an agent, one to a queue of
two agents, one to a webhook endpoint pointing at the portal's own demo receiver (its page
shows what a tenant's system would get), one to e-mail (files in var/mail/ under `make run`);
one number left without a destination with a message waiting, and a message to a number no
tenant holds, so both unrouted lists show something. Runs once the inventory is in (it needs
the pools' SMS-enabled numbers). Idempotent."""

from __future__ import annotations

import secrets
import sys
import uuid
from typing import TextIO
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from dids.selectors import owner_of
from messaging.models import Channel, Message, MessageQueue, NumberRoute, TenantWebhook
from messaging.services.routing import (
    RuleData,
    message_route,
    number_route_save,
    queue_save,
    sms_numbers,
)
from messaging.services.tenant_webhooks import endpoint_save, refused_address
from tenants.models import Tenant, User

QUEUE = "Support desk"
ENDPOINT = "Demo receiver"
NOBODY_S_NUMBER = "19995550142"


def seed_demo_routing(stdout: TextIO | None = None) -> None:
    out = stdout or sys.stdout
    acme = Tenant.objects.filter(slug="acme").first()
    channel = Channel.objects.order_by("pk").first()
    if acme is None or channel is None:
        return
    with scopes_disabled():
        if NumberRoute.objects.filter(tenant=acme).exists():
            return
        numbers = [str(d.number) for d in sms_numbers(acme)[:5]]
    if len(numbers) < 5:
        out.write("demo routing: Acme holds fewer than 5 SMS numbers yet; skipped\n")
        return
    alice = User.objects.get(email="alice@acme.example")
    aaron = User.objects.get(email="aaron@acme.example")
    with scopes_disabled():
        queue = MessageQueue.objects.filter(tenant=acme, name=QUEUE).first() or queue_save(
            tenant=acme, name=QUEUE, members=[alice, aaron]
        )
        endpoint = TenantWebhook.objects.filter(tenant=acme, name=ENDPOINT).first()
    if endpoint is None and not refused_address(urlsplit(settings.PORTAL_BASE_URL).hostname):
        token = secrets.token_urlsafe(16)
        url = settings.PORTAL_BASE_URL + reverse("hooks:demo_receiver", args=[token])
        endpoint, _ = endpoint_save(tenant=acme, name=ENDPOINT, url=url)
    rules = [
        RuleData(destination="agent", agent=aaron, starters=[aaron, alice]),
        RuleData(destination="queue", queue=queue, starters=[alice, aaron]),
        # The demo receiver is the portal itself: a webhook rule only where the portal may
        # call its own address (TENANT_WEBHOOK_PRIVATE_HOSTS, on with DEBUG).
        RuleData(destination="webhook", endpoint=endpoint) if endpoint else None,
        RuleData(destination="email", emails="support@acme.example", email_digest_minutes=0),
    ]
    for number, rule in zip(numbers, rules, strict=False):
        if rule is not None:
            number_route_save(tenant=acme, number=number, data=rule)
    out.write(f"demo routing: rules on {', '.join('+' + n for n in numbers[:4])}\n")
    _waiting(channel, to=numbers[4], text="Hi, is anyone reading this number?")
    if owner_of(int(NOBODY_S_NUMBER)) is None:
        _waiting(channel, to=NOBODY_S_NUMBER, text="Hello? I was given this number.")
    out.write(f"demo routing: messages waiting for +{numbers[4]} and +{NOBODY_S_NUMBER}\n")


def _waiting(channel, *, to: str, text: str) -> None:
    with scopes_disabled():
        message = Message.objects.create(
            channel=channel,
            direction=Message.Direction.INBOUND,
            sender="12125550177",
            recipient=to,
            text=text,
            status=Message.Status.RECEIVED,
            tag=uuid.uuid4().hex,
            source="provider",
            created_at=timezone.now(),
        )
    message_route(message=message)
