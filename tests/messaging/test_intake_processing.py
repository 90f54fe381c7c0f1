"""Processing an inbound message: one message per provider id however often it runs, owned by
the tenant that holds the number (or by nobody), with its text, media and time; the event says
what happened; a failure is kept visible; events whose task was lost are taken up again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from messaging.models import Message, MessageEvent, WebhookEvent
from messaging.services.inbound import inbound_process
from messaging.services.intake import inbound_process_pending

from .intake_support import fixture, post_inbound


def inbound_to(env, number, **changes):
    return fixture("inbound", to=str(number), **changes)


def only_inbound():
    return Message._base_manager.filter(direction="inbound")


def test_a_message_to_a_pooled_number_is_the_owners_received_message(senders_env, receive, routed):
    number = senders_env.sms[0]
    assert receive(senders_env.channel, inbound_to(senders_env, number)).status_code == 200
    message = only_inbound().get()
    assert message.tenant == senders_env.world.a
    assert message.status == "received" and message.source == "provider"
    assert message.sender == "16468097065" and message.recipient == str(number)
    assert message.text == "Hello, is the store open today?"
    assert message.provider_id == "5b8f6a3e-2c1d-4e7a-9f10-3a2b1c0d9e8f"
    assert message.created_at == datetime(2026, 5, 28, 12, 30, tzinfo=UTC)
    assert message.tag and not message.is_mms
    with scopes_disabled():
        assert list(
            MessageEvent.objects.filter(message=message).values_list("status", "source")
        ) == [("received", "provider")]
    event = WebhookEvent.objects.get()
    assert event.state == "processed" and event.message == message
    assert f"Message {message.pk} received" in event.note
    assert routed == [message]


def test_a_message_to_a_number_nobody_holds_has_no_tenant_and_is_still_routed(
    senders_env, receive, routed
):
    receive(senders_env.channel, inbound_to(senders_env, 13125550111))
    message = only_inbound().get()
    assert message.tenant is None
    assert routed == [message]
    assert WebhookEvent.objects.get().state == "processed"


def test_mms_media_and_a_time_with_a_zone_are_kept(senders_env, receive):
    receive(senders_env.channel, fixture("inbound_mms", to=str(senders_env.sms[0])))
    message = only_inbound().get()
    assert message.is_mms and message.media == ["https://media.example/cat.jpg"]
    assert message.created_at == datetime(2026, 5, 28, 10, 32, tzinfo=UTC)


def test_a_time_without_a_zone_is_utc(senders_env, receive):
    receive(senders_env.channel, fixture("inbound_older", to=str(senders_env.sms[0])))
    assert only_inbound().get().created_at == datetime(2026, 5, 28, 12, 31, tzinfo=UTC)


def test_processing_twice_makes_one_message_and_routes_once(senders_env, receive, routed):
    receive(senders_env.channel, inbound_to(senders_env, senders_env.sms[0]))
    event = WebhookEvent.objects.get()
    assert inbound_process(event_id=event.pk) == "processed"
    WebhookEvent.objects.filter(pk=event.pk).update(state="received")  # a redelivered task
    assert inbound_process(event_id=event.pk) == "processed"
    assert only_inbound().count() == 1
    assert len(routed) == 1


def test_a_run_that_died_after_storing_routes_without_a_second_message(
    senders_env, receive, routed, monkeypatch
):
    def boom(*, message, **known):
        raise RuntimeError("worker lost")

    import messaging.services.routing as routing_module

    monkeypatch.setattr(routing_module, "message_route", boom)
    receive(senders_env.channel, inbound_to(senders_env, senders_env.sms[0]))
    event = WebhookEvent.objects.get()
    message = only_inbound().get()
    assert event.state == "failed" and event.message == message
    assert "routing failed: RuntimeError: worker lost" in event.note
    calls = []
    monkeypatch.setattr(routing_module, "message_route", lambda *, message: calls.append(message))
    WebhookEvent.objects.filter(pk=event.pk).update(state="received")
    assert inbound_process(event_id=event.pk) == "processed"
    assert only_inbound().count() == 1 and calls == [message]


def test_a_stored_body_that_no_longer_parses_fails_with_the_reason(senders_env, routed):
    event = WebhookEvent.objects.create(
        channel=senders_env.channel, kind="inbound", body='{"from": "1"}'
    )
    assert inbound_process(event_id=event.pk) == "failed"
    event.refresh_from_db()
    assert event.state == "failed" and "message_id: is required" in event.note
    assert not only_inbound().exists() and routed == []


def test_events_left_received_are_processed_by_the_beat(senders_env, routed):
    response = post_inbound(senders_env.channel, inbound_to(senders_env, senders_env.sms[0]))
    assert response.status_code == 200  # its task never ran (no commit callbacks here)
    assert inbound_process_pending() == 0  # too fresh: its own task may still be running
    WebhookEvent.objects.update(received_at=timezone.now() - timedelta(minutes=10))
    assert inbound_process_pending() == 1
    assert WebhookEvent.objects.get().state == "processed"
    assert only_inbound().count() == 1


def test_an_unknown_event_is_reported_missing(db):
    assert inbound_process(event_id=123456) == "missing"


@pytest.mark.parametrize("name", ["inbound", "inbound_older", "inbound_mms"])
def test_every_fixture_makes_one_message(senders_env, receive, name):
    receive(senders_env.channel, fixture(name, to=str(senders_env.sms[1])))
    receive(senders_env.channel, fixture(name, to=str(senders_env.sms[1])))
    assert only_inbound().count() == 1
