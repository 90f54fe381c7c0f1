"""Demo channels of the other kinds (DIDWW, Apidaze, an HTTP gateway on the BulkSMS preset),
each pointed at its fake on this server and with a few numbers attached; the numbers go into
Acme's pool, and the first of each channel is routed to Acme's support queue, so a visitor
can send and receive through every provider. Idempotent.

Each fake's own module makes its channel (`sandbox.<kind>.demo`), imported only where that
fake is installed (the same switch as the Wavix sandbox)."""

from __future__ import annotations

from importlib import import_module
from typing import TextIO

from django.apps import apps
from django_scopes import scopes_disabled

from dids.models import DidPool
from dids.services import pool_save
from messaging.models import Channel, ChannelKind, MessageQueue, NumberRoute
from messaging.services.routing import RuleData, number_route_save
from tenants.models import Tenant

from .routing import QUEUE

# (installed app, its demo module, the function making the channel)
FAKES = (
    ("sandbox.didww", "sandbox.didww.demo", "seed_demo_didww"),
    ("sandbox.apidaze", "sandbox.apidaze.demo", "seed_demo_apidaze"),
    ("sandbox.gateways", "sandbox.gateways.demo", "seed_demo_gateway"),
)


def seed_demo_providers(origin: str, stdout: TextIO) -> list[Channel]:
    """`origin`: where this server answers (`http://127.0.0.1:8000`)."""
    for label, module, function in FAKES:
        if apps.is_installed(label):
            getattr(import_module(module), function)(origin, stdout)
    channels = list(Channel.objects.exclude(kind=ChannelKind.WAVIX).order_by("pk"))
    acme = Tenant.objects.filter(slug="acme").first()
    if acme is not None and channels:
        _pool(acme, [c.numbers for c in channels if c.numbers], stdout)
    return channels


def seed_demo_provider_routes(stdout: TextIO) -> None:
    """Once Acme's support queue exists (portal/demo/routing.py): the first number of each
    demo channel is routed to it."""
    acme = Tenant.objects.filter(slug="acme").first()
    channels = list(Channel.objects.exclude(kind=ChannelKind.WAVIX).order_by("pk"))
    if acme is not None and channels:
        _routes(acme, channels, stdout)


def _pool(acme: Tenant, specs: list[str], stdout: TextIO) -> None:
    with scopes_disabled():
        pool = DidPool.objects.filter(tenant=acme).order_by("pk").first()
        if pool is None:
            return
        missing = [s for s in specs if s not in pool.spec]
        if missing:
            pool_save(tenant=acme, pool=pool, text=";".join([pool.spec, *missing]))
            stdout.write(f"gave acme the demo channels' numbers: {';'.join(missing)}")


def _routes(acme: Tenant, channels: list[Channel], stdout: TextIO) -> None:
    with scopes_disabled():
        queue = MessageQueue.objects.filter(tenant=acme, name=QUEUE).first()
        if queue is None:
            return
        for channel in channels:
            first = channel.attached.select_related("did").order_by("did__number").first()
            if first is None:
                continue
            number = str(first.did.number)
            if NumberRoute.objects.filter(tenant=acme, number=number).exists():
                continue
            members = list(queue.members.all())
            number_route_save(
                tenant=acme,
                number=number,
                data=RuleData(destination="queue", queue=queue, starters=members),
            )
            stdout.write(f"demo routing: +{number} ({channel.get_kind_display()}) to {QUEUE}")
