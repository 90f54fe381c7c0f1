"""The intake's drain: a burst of inbound messages sends one task per channel, not one per
message; the drain processes every received event; a backlog is shared with another worker;
a batch another drain holds is left to it until its lease passes (a lost worker)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from messaging import tasks
from messaging.models import Message, WebhookEvent
from messaging.services import intake as inbound
from messaging.services.markers import unmark

from .intake_support import fixture, post_inbound


@pytest.fixture
def kicks(monkeypatch, senders_env):
    """The drain tasks sent (their channel ids), not run."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.drain_inbound, "delay", lambda channel_id: sent.append(channel_id))
    unmark(inbound._marker(senders_env.channel.pk))
    return sent


def burst(env, count: int, capture, first: int = 0) -> None:
    for n in range(first, first + count):
        body = fixture(
            "inbound", to=str(env.sms[0]), message_id=f"burst-{n}", **{"from": "13125550100"}
        )
        with capture(execute=True):
            assert post_inbound(env.channel, body).status_code == 200


def received():
    return WebhookEvent.objects.filter(kind="inbound", state="received")


def test_a_burst_of_messages_sends_one_drain_task_and_the_drain_processes_them_all(
    senders_env, kicks, routed, django_capture_on_commit_callbacks
):
    burst(senders_env, 5, django_capture_on_commit_callbacks)
    assert kicks == [senders_env.channel.pk]
    assert received().count() == 5

    assert inbound.inbound_drain(channel_id=senders_env.channel.pk) == 5
    assert not received().exists()
    assert Message._base_manager.filter(direction="inbound").count() == 5 == len(routed)
    # The drain started, so the next message kicks again.
    burst(senders_env, 1, django_capture_on_commit_callbacks, first=5)
    assert kicks == [senders_env.channel.pk] * 2


def test_a_full_batch_asks_another_worker_to_share_the_backlog(
    senders_env, kicks, routed, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(inbound, "DRAIN_BATCH", 2)
    burst(senders_env, 5, django_capture_on_commit_callbacks)
    assert len(kicks) == 1
    assert inbound.inbound_drain(channel_id=senders_env.channel.pk) == 5
    # Batches of 2, 2 and 1: the first full one kicked a helper (the marker it cleared), the
    # second found that helper's kick still on its way.
    assert len(kicks) == 2
    assert len(routed) == 5


def test_a_batch_another_drain_holds_is_left_to_it_until_its_lease_passes(
    senders_env, kicks, routed, django_capture_on_commit_callbacks
):
    burst(senders_env, 3, django_capture_on_commit_callbacks)
    held = inbound._claim(channel_id=senders_env.channel.pk)
    assert len(held) == 3
    assert inbound.inbound_drain(channel_id=senders_env.channel.pk) == 0
    assert inbound.inbound_process_pending(older_than=timedelta(0)) == 0
    assert received().count() == 3 and routed == []

    # The worker holding them was lost: after the lease they are taken again.
    WebhookEvent.objects.filter(pk__in=held).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert inbound.inbound_drain(channel_id=senders_env.channel.pk) == 3
    assert not received().exists() and len(routed) == 3


def test_the_same_message_posted_twice_is_stored_once_and_kicks_once(
    senders_env, kicks, django_capture_on_commit_callbacks
):
    body = fixture("inbound", to=str(senders_env.sms[0]))
    with django_capture_on_commit_callbacks(execute=True):
        first = post_inbound(senders_env.channel, body)
    unmark(inbound._marker(senders_env.channel.pk))
    with django_capture_on_commit_callbacks(execute=True):
        again = post_inbound(senders_env.channel, body)
    assert first.json()["event"] and again.json() == {"ok": True, "duplicate": True}
    assert WebhookEvent.objects.filter(kind="inbound").count() == 1
    assert kicks == [senders_env.channel.pk]  # a duplicate wakes nothing
