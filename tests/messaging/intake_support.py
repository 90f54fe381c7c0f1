"""What the intake tests share: part B's `message_route` stood in for (each call recorded),
posting an inbound body to a channel's webhook, and running what it queued. No tests here."""

from __future__ import annotations

import json
import sys
import types

import pytest
from django.test import Client
from django.urls import reverse

import messaging.services

from .test_channels_support import fixture  # noqa: F401 - re-exported for the tests


@pytest.fixture
def routed(monkeypatch):
    """The messages `message_route` was called with. Replaces part B's function when its
    module is there, or stands in a module with it until it is merged."""
    calls: list = []

    def message_route(*, message, **known) -> None:
        # As part B's does when there is no destination: the message waits, marked unrouted.
        from messaging.models import Message

        calls.append(message)
        why = Message.Unrouted.NO_OWNER if message.tenant_id is None else "no_destination"
        Message._base_manager.filter(pk=message.pk).update(unrouted=why)

    try:
        from messaging.services import routing
    except ImportError:
        routing = types.ModuleType("messaging.services.routing")
        monkeypatch.setitem(sys.modules, "messaging.services.routing", routing)
        monkeypatch.setattr(messaging.services, "routing", routing, raising=False)
    monkeypatch.setattr(routing, "message_route", message_route, raising=False)
    return calls


def post_inbound(channel_or_token, body, *, remote_addr="62.212.73.112", **extra):
    token = getattr(channel_or_token, "inbound_token", channel_or_token)
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return Client().post(
        reverse("hooks:inbound", kwargs={"token": token}),
        data=data,
        content_type=extra.pop("content_type", "application/json"),
        REMOTE_ADDR=remote_addr,
        **extra,
    )


@pytest.fixture
def receive(django_capture_on_commit_callbacks, eager_celery, routed):
    """Posts an inbound body and runs what it queued (processing, keyword replies)."""

    def run(channel, body, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post_inbound(channel, body, **kwargs)

    return run
