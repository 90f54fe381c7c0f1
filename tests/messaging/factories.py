"""Messaging rows as the tests need them, made directly (the sender-ID pages and the outbox
are other parts' work): a channel, a tenant's sender ID with its countries, a message with
its history."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django_scopes import scopes_disabled

from messaging.models import Channel, Message, MessageEvent, OptOut, SenderCountry, SenderId


def channel(name: str = "Wavix", **fields) -> Channel:
    return Channel.objects.create(name=name, **fields)


def sender_id(tenant, value: str = "12125550100", *, on=None, allowlisted=(), **fields):
    """A numeric sender ID (digits) or a name, allow-listed in `allowlisted` countries."""
    kind = SenderId.Kind.NUMERIC if value.isdigit() else SenderId.Kind.ALPHANUMERIC
    with scopes_disabled():
        sender = SenderId.objects.create(
            tenant=tenant,
            channel=on or Channel.objects.order_by("pk").first() or channel(),
            kind=kind,
            value=value,
            number=int(value) if value.isdigit() else None,
            **fields,
        )
        for country in allowlisted:
            SenderCountry.objects.create(
                sender=sender, tenant=tenant, country=country, state="allowlisted"
            )
    return sender


def opt_out(tenant, recipient: str, sender: str = "", **fields) -> OptOut:
    with scopes_disabled():
        return OptOut.objects.create(tenant=tenant, recipient=recipient, sender=sender, **fields)


def message(tenant, *, on=None, status="queued", at=None, events=(), **fields) -> Message:
    """A message as the log shows it; `events` are (status, source, reason, detail)."""
    at = at or timezone.now()
    with scopes_disabled():
        msg = Message.objects.create(
            tenant=tenant,
            channel=on or Channel.objects.order_by("pk").first() or channel(),
            direction=fields.pop("direction", Message.Direction.OUTBOUND),
            sender=fields.pop("sender", "12125550100"),
            recipient=fields.pop("recipient", "16468097065"),
            country=fields.pop("country", "US"),
            text=fields.pop("text", "Hello"),
            encoding=fields.pop("encoding", "GSM-7"),
            segments=fields.pop("segments", 1),
            status=status,
            tag=uuid.uuid4().hex,
            source=fields.pop("source", "ui"),
            created_at=at,
            **fields,
        )
        MessageEvent.objects.create(message=msg, tenant=tenant, at=at, status="queued")
        for i, (event_status, source, reason, detail) in enumerate(events, start=1):
            MessageEvent.objects.create(
                message=msg,
                tenant=tenant,
                at=at + timedelta(seconds=i),
                status=event_status,
                source=source,
                reason=reason,
                detail=detail,
            )
    return msg


def charged(tenant, charge: str, segments: int, **fields) -> Message:
    return message(
        tenant, status="delivered", charge=Decimal(charge), provider_segments=segments, **fields
    )


# Fixtures my test modules import (tests/messaging has no conftest of its own to share).

import pytest  # noqa: E402


@pytest.fixture
def mms_root(settings, tmp_path):
    settings.MESSAGING_MEDIA_ROOT = str(tmp_path / "mms")
    settings.PORTAL_BASE_URL = "https://portal.example"
    return tmp_path / "mms"


@pytest.fixture
def sending(world, mms_root):
    """Acme can send: a Wavix channel and a US number as its sender ID; Globex has its own."""
    from types import SimpleNamespace

    wavix = channel()
    return SimpleNamespace(
        channel=wavix,
        number=sender_id(world.a, "12125550100", on=wavix),
        name=sender_id(world.a, "ACME", on=wavix, allowlisted=("GB",)),
        globex=sender_id(world.b, "13125550150", on=wavix),
    )
