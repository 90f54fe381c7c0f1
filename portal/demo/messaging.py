"""Demo messaging: a channel on the Wavix sandbox (seeded with the rest of the demo), then,
once the worker runs and the inventory is in (`first_start`), sender IDs of both kinds for
both tenants — Acme's name allow-listed in GB, Globex's needing a manual registration in
France — an opt-out, and sent messages that the sandbox takes to every final state (its
recipients ending 0000-0003 choose undelivered, expired, no report, rejected; others are
delivered). Idempotent."""

from __future__ import annotations

import time
from typing import TextIO

from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from messaging.models import Channel, SenderId, SenderJob
from messaging.services.channels import channel_create
from messaging.services.optouts import opt_out_add
from messaging.services.senders import sender_create, sender_number_choices
from messaging.services.sending import message_send
from portal.jobs.models import ACTIVE_STATES
from tenants.models import Tenant

CHANNEL = "Wavix sandbox SMS"
NAMES = {"acme": ("ACME", ["GB"]), "globex": ("Globex", ["GB", "FR"])}
# (tenant, from: "number" or "name", to, text): the recipient's last digits choose the fate.
MESSAGES = [
    ("acme", "number", "+1 212 555 0142", "Your order 1042 has shipped."),
    ("acme", "number", "+1 212 555 0000", "Your technician arrives at 10:00 tomorrow."),
    ("acme", "number", "+1 212 555 0001", "Reminder: your invoice is due on Friday."),
    ("acme", "number", "+1 212 555 0002", "Your code is 482913."),
    ("acme", "number", "+1 212 555 0003", "Thanks for calling Acme – how did we do? 😊"),
    ("acme", "name", "+44 7400 123457", "ACME: your parcel is out for delivery today."),
    ("globex", "number", "+1 415 555 0186", "Globex: your appointment is confirmed."),
    ("globex", "name", "+44 7400 123456", "Globex: your password was changed."),
]
OPT_OUT = ("acme", "+1 212 555 0199", "Asked by phone not to get texts.")
WAIT_SECONDS = 60


def seed_demo_channel(account, stdout: TextIO) -> Channel:
    """The sandbox account's messaging channel (no call to Wavix)."""
    channel = Channel.objects.filter(wavix_account=account).first()
    if channel is None:
        channel = channel_create(
            wavix_account=account, name=CHANNEL, rate=5, media_text="Here is your file."
        )
        stdout.write(f"messaging channel “{CHANNEL}” on {account}")
    return channel


def seed_demo_messages(stdout: TextIO) -> None:
    """Once the inventory is synced and the worker runs: sender IDs, then messages."""
    with scopes_disabled():
        if SenderId.objects.exists() or not Channel.objects.filter(name=CHANNEL).exists():
            return
    senders = {slug: _senders(Tenant.objects.get(slug=slug)) for slug in NAMES}
    _wait_for_registrations(stdout)
    sent = 0
    for slug, kind, to, text in MESSAGES:
        sender = senders[slug].get(kind)
        if sender is None:
            continue
        tenant = Tenant.objects.get(slug=slug)
        try:
            message_send(tenant=tenant, sender_id=sender, recipient=to, text=text, source="ui")
        except ValidationError as exc:
            stdout.write(f"Demo message to {to} refused: {'; '.join(exc.messages)}")
            continue
        sent += 1
    slug, recipient, note = OPT_OUT
    opt_out_add(tenant=Tenant.objects.get(slug=slug), recipient=recipient, note=note)
    stdout.write(f"Demo messaging: sender IDs for both tenants, {sent} messages sent.")


def _senders(tenant: Tenant) -> dict[str, SenderId]:
    made = {}
    with scope(tenant=tenant):
        choices = sender_number_choices(tenant)
        if choices.numbers:
            number = choices.numbers[0].number
            made["number"] = sender_create(
                tenant=tenant, kind="numeric", value=str(number), countries=["US", "CA"]
            )
        name, countries = NAMES[tenant.slug]
        made["name"] = sender_create(
            tenant=tenant,
            kind="alphanumeric",
            value=name,
            countries=countries,
            samples=[f"{name}: your order has shipped."],
        )
    return made


def _wait_for_registrations(stdout: TextIO) -> None:
    """The worker registers the sender IDs on the sandbox; the messages wait for that."""
    deadline = time.monotonic() + WAIT_SECONDS
    with scopes_disabled():
        while SenderJob.objects.filter(status__in=ACTIVE_STATES).exists():
            if time.monotonic() > deadline:
                stdout.write("The sender IDs are still being registered; sending anyway.")
                return
            time.sleep(0.5)
