"""Apidaze's callbacks at the channel's webhooks: an inbound message, JSON or form-encoded,
under either of the field names seen for Apidaze, is stored once even when posted twice
(with or without an id); a bad body is a 400 naming the field; a status callback, JSON or
form, moves the message it names; a text from the fake's "simulate inbound" reaches the
portal's inbox as the customer wrote it."""

# ruff: noqa: F811 - the `apidaze` fixture, imported from apidaze_support, is each test's argument
import json

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from messaging.models import Message, WebhookEvent
from messaging.providers import BadPayload, provider_for
from sandbox.apidaze.models import ApidazeMessage
from sandbox.apidaze.services import callback_deliver, inbound_receive

from .apidaze_support import NUMBERS, apidaze, fixture  # noqa: F401 - the fixture
from .intake_support import post_inbound
from .test_channels_support import make_message

FORM = "application/x-www-form-urlencoded"


def inbound_messages():
    with scopes_disabled():
        return list(Message.objects.filter(direction="inbound").order_by("pk"))


def test_a_json_inbound_message_is_stored_once_even_when_posted_twice(apidaze, receive):
    body = fixture("inbound.json")
    first = receive(apidaze.channel, body)
    again = receive(apidaze.channel, body)
    assert first.status_code == 200 and again.json() == {"ok": True, "duplicate": True}
    (message,) = inbound_messages()
    assert (message.sender, message.recipient) == ("16468097065", NUMBERS[0])
    assert message.text == "Hello from a customer"
    assert message.provider_id == "5b1f0c2e-6d1c-4a57-9a7e-2c1d1f6a0b11"


def test_a_form_encoded_mms_is_read_with_its_text_and_file(apidaze, receive):
    response = receive(apidaze.channel, fixture("inbound.form"), content_type=FORM)
    assert response.status_code == 200
    (message,) = inbound_messages()
    assert message.text == "Café & croissants?"
    inbound = provider_for(apidaze.channel).parse_inbound(
        provider_for(apidaze.channel).load(fixture("inbound.form"))
    )
    assert inbound.media == ("https://cdn.example/menu.jpg",)
    assert inbound.received_at.isoformat() == "2026-12-02T06:01:00+00:00"


def test_the_other_field_names_seen_for_apidaze_are_read_too(apidaze):
    provider = provider_for(apidaze.channel)
    inbound = provider.parse_inbound(
        provider.load(
            '{"message_id": "m-1", "from": "+16468097065", "to": "13325550200", "body": "hi"}'
        )
    )
    assert (inbound.provider_id, inbound.sender, inbound.recipient, inbound.text) == (
        "m-1",
        "16468097065",
        "13325550200",
        "hi",
    )


def test_without_an_id_the_same_post_twice_is_stored_once_and_another_text_is_not(apidaze, receive):
    body = "caller_id_number=16468097065&destination_number=13325550200&text=Yes"
    assert receive(apidaze.channel, body, content_type=FORM).status_code == 200
    assert receive(apidaze.channel, body, content_type=FORM).json()["duplicate"] is True
    receive(apidaze.channel, body.replace("Yes", "No"), content_type=FORM)
    assert [m.text for m in inbound_messages()] == ["Yes", "No"]
    assert all(m.provider_id.startswith("sha256-") for m in inbound_messages())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("caller_id_number=16468097065&text=hi", "destination_number"),
        ('{"caller_id_number": "1646", "destination_number": "13325550200"}', "text"),
        ('{"id": "x", "caller_id_number": "1", "destination_number": "1", "text": 5}', "text"),
        ('{"caller_id_number": ', "body"),
        ("&".join(f"f{i}=1" for i in range(60)), "body"),
        ('{"id": "x", "from": "1", "to": "abc", "text": "hi"}', "to"),
        ("caller_id_number=1646&destination_number=13325550200&text=a%00b", "body"),
    ],
)
def test_a_bad_inbound_body_is_a_400_naming_the_field_and_nothing_is_kept(apidaze, body, field):
    response = post_inbound(apidaze.channel, body, content_type=FORM)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not WebhookEvent.objects.exists()


def post_report(channel, body: str, content_type="application/json"):
    return Client().post(
        reverse("hooks:dlr", kwargs={"token": channel.dlr_token}),
        data=body,
        content_type=content_type,
        REMOTE_ADDR="62.212.73.112",
    )


def test_a_json_status_callback_delivers_the_message_it_names(
    apidaze, django_capture_on_commit_callbacks, eager_celery
):
    message = make_message(apidaze.channel, provider_id="a1b2c3")
    with django_capture_on_commit_callbacks(execute=True):
        answer = post_report(apidaze.channel, fixture("dlr_delivered.json", REPLACED="a1b2c3"))
    assert answer.status_code == 200
    message.refresh_from_db()
    assert message.status == "delivered"


def test_a_form_status_callback_with_the_reason_ends_not_delivered(
    apidaze, django_capture_on_commit_callbacks, eager_celery
):
    message = make_message(apidaze.channel, provider_id="d4e5f6")
    with django_capture_on_commit_callbacks(execute=True):
        post_report(apidaze.channel, fixture("dlr_failed.form", REPLACED="d4e5f6"), FORM)
    from .test_outbox import fresh, history

    assert fresh(message).status == "undelivered"
    assert ("undelivered", "Unreachable handset") in history(message)


def test_a_status_apidaze_does_not_send_is_refused_naming_the_statuses(apidaze):
    answer = post_report(apidaze.channel, json.dumps({"id": "x", "status": "lost"}))
    assert answer.status_code == 400 and answer.json()["field"] == "status"
    assert "must be one of queued, accepted, sent, delivered" in answer.json()["error"]
    with pytest.raises(BadPayload) as missing:
        provider_for(apidaze.channel).parse_delivery_report({"status": "sent"})
    assert missing.value.field == "message_id"


def test_a_text_from_the_fakes_simulate_inbound_reaches_the_inbox(
    apidaze, django_capture_on_commit_callbacks, eager_celery, routed
):
    with django_capture_on_commit_callbacks(execute=True):
        callback = inbound_receive(
            number=apidaze.numbers[0], sender="+16468097065", text="Is the shop open?"
        )
        assert callback_deliver(callback_id=callback.pk) is True
    (message,) = inbound_messages()
    assert message.text == "Is the shop open?" and message.sender == "16468097065"
    assert message.provider_id == str(ApidazeMessage.objects.get(direction="inbound").pk)
    callback.refresh_from_db()
    assert (callback.state, callback.status_code) == ("delivered", 200)
