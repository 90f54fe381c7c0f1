"""The delivery-report webhook as Wavix calls it: a report moves the message forward and fills
in the provider's count and charge; a repeat or a late report changes nothing; an unknown
message is answered 200 and kept; a bad body is a 400 naming the field, with nothing stored;
a wrong token is a 404."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from messaging.models import Message, WebhookEvent
from messaging.services.channels import channel_rotate_token

from .test_channels_support import fixture, history, make_channel, make_message


@pytest.fixture
def channel(db):
    return make_channel()


def post(channel_or_token, body, *, content_type="application/json"):
    token = getattr(channel_or_token, "dlr_token", channel_or_token)
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return Client().post(
        reverse("hooks:dlr", kwargs={"token": token}),
        data=data,
        content_type=content_type,
        REMOTE_ADDR="62.212.73.112",
    )


@pytest.fixture
def deliver(django_capture_on_commit_callbacks, eager_celery):
    """Posts a report and runs what it queued (the task that applies it)."""

    def run(channel, body, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(channel, body, **kwargs)

    return run


def test_a_report_moves_the_message_and_fills_in_the_charge(channel, deliver):
    message = make_message(channel, provider_id="871b4eeb-f798-4105-be23-32df9e991456")
    response = deliver(channel, fixture("delivered"))
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == "delivered"
    assert message.provider_segments == 2
    assert message.charge == Decimal("0.0158")
    assert message.carrier_fees == Decimal("0.0030")
    assert message.finished_at == datetime(2026, 5, 28, 12, 34, 56, tzinfo=UTC)
    assert history(message)[-1] == ("delivered", "report")
    event = WebhookEvent.objects.get()
    assert event.state == "processed" and event.message_id == message.pk
    assert event.remote_addr == "62.212.73.112"
    assert json.loads(event.body)["status"] == "delivered"


def test_the_older_segments_spelling_and_a_time_without_a_zone_are_read(channel, deliver):
    message = make_message(channel, provider_id="871b4eeb-f798-4105-be23-32df9e991456")
    assert deliver(channel, fixture("sent_older_sender")).status_code == 200
    message.refresh_from_db()
    assert message.status == "sent"
    assert message.provider_segments == 3
    event = message.events.model._base_manager.filter(message=message).last()
    assert event.at == datetime(2026, 5, 28, 12, 34, 54, tzinfo=UTC)  # UTC, as Wavix means


def test_the_message_is_found_by_our_tag_before_the_provider_id(channel, deliver):
    # The send's answer was lost: the portal has no provider id yet, only its tag.
    message = make_message(channel, provider_id=None, tag="ours-1", status="sending")
    deliver(channel, fixture("undelivered", tag="ours-1"))
    message.refresh_from_db()
    assert message.status == "undelivered"
    assert message.reason == "Destination unreachable"
    assert message.provider_id == "871b4eeb-f798-4105-be23-32df9e991456"


def test_the_same_report_twice_changes_nothing_the_second_time(channel, deliver):
    message = make_message(channel, provider_id="871b4eeb-f798-4105-be23-32df9e991456")
    deliver(channel, fixture("delivered"))
    assert deliver(channel, fixture("delivered")).status_code == 200
    assert [s for s, _ in history(message)].count("delivered") == 1
    second = WebhookEvent.objects.order_by("id").last()
    assert second.state == "processed"
    assert "Duplicate or late report" in second.note


def test_a_late_sent_after_delivered_does_not_move_it_back(channel, deliver):
    message = make_message(channel, provider_id="871b4eeb-f798-4105-be23-32df9e991456")
    deliver(channel, fixture("delivered"))
    deliver(channel, fixture("sent_older_sender"))
    message.refresh_from_db()
    assert message.status == "delivered"
    assert message.provider_segments == 2  # the late report's count does not overwrite it
    assert "already delivered" in WebhookEvent.objects.order_by("id").last().note


def test_a_report_for_an_unknown_message_is_answered_and_kept(channel, deliver):
    response = deliver(channel, fixture("delivered", message_id="not-ours"))
    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.state == "ignored"
    assert "not-ours" in event.note


def test_a_report_of_another_channel_s_message_is_not_applied(channel, deliver):
    other = make_channel(name="Second")
    message = make_message(other, provider_id="871b4eeb-f798-4105-be23-32df9e991456")
    deliver(channel, fixture("delivered"))
    message.refresh_from_db()
    assert message.status == "accepted"
    assert WebhookEvent.objects.get().state == "ignored"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (fixture("bad_status"), "status"),
        ({**fixture("delivered"), "message_id": None}, "message_id"),
        ({**fixture("delivered"), "charge": "lots"}, "charge"),
        ({**fixture("delivered"), "segments_count": -4}, "segments_count"),
        ({**fixture("delivered"), "delivered": "yesterday"}, "delivered"),
        ([fixture("delivered")], "body"),
        ("{not json", "body"),
        ('{"status": NaN}', "body"),
        ("[" * 20_000, "body"),
        ('{"message_id": "a\\u0000b"}', "body"),
    ],
)
def test_a_bad_body_is_refused_naming_the_field_and_nothing_is_stored(channel, body, field):
    make_message(channel, provider_id="871b4eeb-f798-4105-be23-32df9e991456")
    response = post(channel, body)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["error"].startswith(f"{field}:")
    assert not WebhookEvent.objects.exists()
    assert Message._base_manager.get().status == "accepted"


def test_a_body_over_64_kib_is_refused_before_it_is_parsed(channel):
    response = post(channel, json.dumps({**fixture("delivered"), "pad": "x" * 70_000}))
    assert response.status_code == 413
    assert "64 KiB" in response.json()["error"]
    assert not WebhookEvent.objects.exists()


def test_a_wrong_token_is_a_404_and_stores_nothing(channel):
    assert post("not-a-token", fixture("delivered")).status_code == 404
    assert post("x" * 500, fixture("delivered")).status_code == 404
    assert not WebhookEvent.objects.exists()


def test_an_old_token_stops_answering_once_rotated(channel):
    old = channel.dlr_token
    channel = channel_rotate_token(channel=channel)
    assert post(old, fixture("delivered")).status_code == 404
    assert post(channel, fixture("delivered")).status_code == 200


def test_only_post_is_answered(channel):
    url = reverse("hooks:dlr", kwargs={"token": channel.dlr_token})
    assert Client().get(url).status_code == 405


def test_the_report_is_applied_after_the_answer_not_before(channel):
    # Without the commit the task has not run: the answer did not wait on the processing.
    message = make_message(channel, provider_id="871b4eeb-f798-4105-be23-32df9e991456")
    assert post(channel, fixture("delivered")).status_code == 200
    assert WebhookEvent.objects.get().state == "received"
    message.refresh_from_db()
    assert message.status == "accepted"


def test_a_report_whose_task_was_lost_is_applied_by_the_periodic_task(channel):
    from datetime import timedelta

    from django.utils import timezone

    from messaging.tasks import look_up_stale_messages

    message = make_message(channel, provider_id="871b4eeb-f798-4105-be23-32df9e991456")
    post(channel, fixture("delivered"))  # stored; its task never ran
    WebhookEvent.objects.update(received_at=timezone.now() - timedelta(minutes=10))
    look_up_stale_messages()
    message.refresh_from_db()
    assert message.status == "delivered"
    assert WebhookEvent.objects.get().state == "processed"
