"""The robustness walk (tests/tenants/test_robustness.py) over the channel pages, the channel
API, the delivery-report webhook, the SMS-enable action and their admin pages, with a channel,
a test message, a debug-log entry and a webhook event in the world: hostile values in every
parameter, as every role, and no answer is a server error."""

from __future__ import annotations

import pytest

from messaging.models import ChannelLogEntry, WebhookEvent
from tests.tenants.test_robustness import (
    BLOCKED,
    METHODS,
    _probing,
    _requests,
    _send,
    _template_names,
    parameter_names,
    roles,
    targets,
    walk_world,  # noqa: F401, F811 - the fixture
)

from .test_channels_support import fixture, make_channel, make_message

MINE = ("channel", "dlr", "webhookevent", "inventory_sms")


@pytest.mark.django_db
def test_channel_addresses_answer_hostile_input_without_a_server_error(walk_world):  # noqa: F811
    world = walk_world
    channel = make_channel()
    make_message(channel, source="test", status="sent")
    ChannelLogEntry.objects.create(channel=channel, method="POST", url="https://x/v3/messages")
    WebhookEvent.objects.create(
        channel=channel, kind="dlr", body="{}", payload=fixture("delivered")
    )
    template_names, actions = _template_names()
    found = [t for t in targets(world) if any(part in t.name for part in MINE)]
    assert {"platform:channel_list", "platform:channel_test", "hooks:dlr", "api:channel-list"} <= {
        t.name for t in found
    }
    failures: list[str] = []
    sent = 0
    for target in found:
        names = parameter_names(target.callback, template_names)
        clients = roles(world, target.kind)
        for method in ["get"] if target.hostile_address else METHODS:
            reached = []
            for role, client in _probing(clients, target, method).items():
                client.raise_request_exception = False
                response = _send(client, method, target.url)
                sent += 1
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {target.url} as {role}: plain request")
                elif response.status_code not in BLOCKED and not target.hostile_address:
                    reached.append((role, client))
            if target.kind == "admin" and not target.name.endswith("_changelist"):
                reached = []
            for role, client in reached[:1]:
                for shown, kwargs in _requests(target, method, names, actions):
                    response = _send(client, method, target.url, **kwargs)
                    sent += 1
                    if response.status_code >= 500:
                        failures.append(
                            f"{method.upper()} {target.url} ({target.name}) as {role}: "
                            f"{shown} answered {response.status_code}"
                        )
    assert sent > 100
    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(failures)
