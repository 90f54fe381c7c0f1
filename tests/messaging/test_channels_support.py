"""What the channel, delivery-report and status-lookup tests share: a channel, a message as
the outbox leaves it, and a fake provider (pretix's `testdummy`) for the lookup. No tests
here."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from messaging.models import Channel, Message, MessageEvent
from messaging.providers import register
from messaging.providers.base import Capabilities, Provider, SendResult
from messaging.services.channels import channel_create
from tests.factories import wavix_account

FIXTURES = Path(__file__).parent / "fixtures" / "wavix"
_tags = itertools.count(1)


def fixture(name: str, **changes) -> dict:
    """A webhook body as Wavix sends it (tests/messaging/fixtures/wavix/<name>.json)."""
    body = json.loads((FIXTURES / f"{name}.json").read_text())
    body.update(changes)
    return body


def make_channel(account=None, **settings) -> Channel:
    if account is None:
        account = wavix_account(name=f"Wavix {next(_tags)}")
    return channel_create(
        wavix_account=account,
        name=settings.pop("name", "Wavix main"),
        **settings,
    )


def make_message(
    channel: Channel, *, status=Message.Status.ACCEPTED, age=timedelta(0), **fields
) -> Message:
    """An outbound message the outbox has handed to the provider (its id and our tag)."""
    now = timezone.now()
    number = next(_tags)
    message = Message._base_manager.create(
        channel=channel,
        direction=Message.Direction.OUTBOUND,
        sender=fields.pop("sender", "13125550100"),
        recipient=fields.pop("recipient", "13125550199"),
        text=fields.pop("text", "Hello"),
        status=status,
        tag=fields.pop("tag", f"t-{number}"),
        provider_id=fields.pop("provider_id", f"wavix-{number}"),
        source=fields.pop("source", "ui"),
        created_at=now - age,
        **fields,
    )
    if age:
        Message._base_manager.filter(pk=message.pk).update(updated_at=now - age)
        message.refresh_from_db()
    return message


def history(message: Message) -> list[tuple[str, str]]:
    return list(MessageEvent._base_manager.filter(message=message).values_list("status", "source"))


@register
class DummyProvider(Provider):
    """Answers lookups from `answers` ({tag: SendResult or None}) and records each call."""

    kind = "testdummy"
    label = "Test dummy"
    capabilities = Capabilities(status_lookup=True)
    answers: dict[str, SendResult | None] = {}
    calls: list[dict] = []

    def lookup(self, *, tag: str, provider_id: str | None = None) -> SendResult | None:
        from django.db import connection

        type(self).calls.append(
            {"tag": tag, "provider_id": provider_id, "depth": len(connection.atomic_blocks)}
        )
        return type(self).answers.get(tag)
