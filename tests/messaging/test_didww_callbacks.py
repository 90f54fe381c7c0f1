"""DIDWW's callbacks and HTTP IN deliveries as the portal reads them: the status callback and
the delivery report (JSON:API, keyed by the message id) map to the message's statuses; the
HTTP IN body written from the template is read even when the raw text broke its JSON, with
the base64 `data` preferred, `SMS_TIME` as RFC 1123, and DIDWW's retries stored once (by its
uuid, or by a hash of the message when the template has none)."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from messaging.models import WebhookEvent
from messaging.providers import BadPayload
from messaging.providers.didww import TEMPLATE, DidwwProvider
from messaging.providers.didww_payloads import load, parse

from .didww_support import fixture, fixture_json
from .intake_support import post_inbound

provider = DidwwProvider(channel=None)


def filled(template: str = TEMPLATE, *, text: str, uuid: str = "", **values) -> str:
    """A body as DIDWW fills the template: every placeholder put in raw."""
    values = {
        "{SMS_DST_ADDR}": values.get("to", "13325550100"),
        "{SMS_SRC_ADDR}": values.get("sender", "16468097065"),
        "{SMS_TIME}": values.get("time", "Wed, 02 Dec 2026 06:00:00 GMT"),
        "{SMS_TEXT_BASE64_ENCODED}": base64.b64encode(text.encode()).decode(),
        "{SMS_UUID}": uuid,
    }
    for placeholder, value in values.items():
        template = template.replace(placeholder, value)
    return template.replace("{SMS_TEXT}", text)


# --- status callbacks and delivery reports ---------------------------------------------------


def test_a_success_status_callback_marks_the_message_sent_with_its_fragments():
    report = provider.parse_delivery_report(fixture_json("status_success.json"))
    assert report.provider_id == "7a3c1f2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b"
    assert report.status == "sent" and report.segments == 2 and report.reason == ""
    assert report.at == datetime(2026, 12, 2, 6, 0, 1, 456000, tzinfo=UTC)


def test_a_routing_error_fails_the_message_with_didwws_code():
    report = provider.parse_delivery_report(fixture_json("status_routing_error.json"))
    assert report.status == "failed" and report.reason == "DIDWW: Routing error (code 20)"


@pytest.mark.parametrize(
    ("status", "ours"),
    [("DELIVERED", "delivered"), ("FAILED", "undelivered"), ("EXPIRED", "expired")],
)
def test_delivery_reports_map_to_the_final_statuses(status, ours):
    body = fixture_json("dlr_delivered.json")
    body["data"]["attributes"]["status"] = status
    report = provider.parse_delivery_report(body)
    assert report.status == ours and report.provider_id.startswith("7a3c1f2e")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.pop("data"), "data"),
        (lambda b: b["data"].pop("id"), "data.id"),
        (lambda b: b["data"].__setitem__("attributes", []), "data.attributes"),
        (lambda b: b["data"]["attributes"].__setitem__("status", "Lost"), "data.attributes.status"),
        (
            lambda b: b["data"]["attributes"].__setitem__("fragments_sent", "many"),
            "data.attributes.fragments_sent",
        ),
    ],
)
def test_a_malformed_callback_names_the_field(change, field):
    body = fixture_json("status_success.json")
    change(body)
    with pytest.raises(BadPayload) as caught:
        provider.parse_delivery_report(body)
    assert caught.value.field == field


# --- HTTP IN ---------------------------------------------------------------------------------


def test_a_text_with_quotes_and_a_new_line_is_read_from_the_broken_document():
    body = fixture("inbound_seed_broken.txt")
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    inbound = provider.parse_inbound(provider.load(body))
    assert inbound.text == 'Hi! Say "yes"\nor no.'
    assert inbound.sender == "16468097065" and inbound.recipient == "13325550100"
    assert inbound.received_at == datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


def test_sms_time_is_read_as_rfc_1123_and_an_iso_time_is_taken_too():
    assert parse(load(filled(text="x", time="Wed, 02 Dec 2026 07:30:15 +0100"))).received_at == (
        datetime(2026, 12, 2, 6, 30, 15, tzinfo=UTC)
    )
    assert parse(load(filled(text="x", time="2026-12-02T06:30:15Z"))).received_at == (
        datetime(2026, 12, 2, 6, 30, 15, tzinfo=UTC)
    )


def test_the_base64_data_is_preferred_over_the_raw_text():
    body = json.dumps(
        {"to": "13325550100", "from": "16468097065", "text": "caf?", "data": "Y2Fmw6k="}
    )
    assert provider.parse_inbound(provider.load(body)).text == "café"


def test_without_data_the_raw_text_is_read_even_when_it_broke_the_json():
    body = '{"to":"13325550100","from":"+16468097065","text":"He said "hi"\nthere"}'
    inbound = parse(load(body))
    assert inbound.text == 'He said "hi"\nthere' and inbound.sender == "16468097065"


def test_the_uuid_of_the_template_with_it_is_the_dedupe_key():
    inbound = parse(load(fixture("inbound_uuid.json")))
    assert inbound.provider_id == "0f9e8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c"
    assert inbound.text == "Is the store open?"


def test_without_a_uuid_the_key_is_stable_for_a_retry_and_differs_for_another_message():
    first = parse(load(filled(text="Hello")))
    again = parse(load(filled(text="Hello")))
    later = parse(load(filled(text="Hello", time="Wed, 02 Dec 2026 06:00:05 GMT")))
    other = parse(load(filled(text="Hello!")))
    assert first.provider_id == again.provider_id
    assert len({first.provider_id, later.provider_id, other.provider_id}) == 3
    assert first.provider_id.startswith("sha256-") and len(first.provider_id) <= 64


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (filled(text="hi", time="yesterday"), "time"),
        ('{"to":"13325550100","from":"16468097065","data":"not base64!"}', "data"),
        ('{"to":"13325550100","text":"hi"}', "from"),
        ("hello there", "body"),
        ('{"to":"13325550100","from":"16468097065","data":"aGkAdGhlcmU="}', "data"),
        (json.dumps({"to": "1", "from": "2", "data": "A" * 60_000}), "data"),
    ],
)
def test_a_bad_http_in_body_names_the_field(body, field):
    with pytest.raises(BadPayload) as caught:
        parse(load(body))
    assert caught.value.field == field


@given(
    st.text(
        # Any text a phone sends (no NUL: no database text holds one, the webhook refuses it).
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        min_size=1,
        max_size=300,
    )
)
def test_any_text_arrives_exactly_through_the_seeds_template(text):
    assert parse(load(filled(text=text))).text == text


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\\\x00"),
        min_size=1,
        max_size=200,
    ).filter(lambda t: not re.search(r'"\s*[,}]', t) and not t.endswith('"'))
)
def test_a_raw_text_alone_is_recovered_from_the_broken_document(text):
    # A template without `data`: only the raw text, quotes and new lines as they came. (A
    # quote followed by a comma or a brace is where the document would seem to go on.)
    body = '{"to":"13325550100","from":"16468097065","text":"' + text + '"}'
    assert parse(load(body)).text == text


# --- at the webhook --------------------------------------------------------------------------


def test_didwws_retry_of_an_http_in_delivery_is_answered_and_stored_once(didww):
    body = filled(text='Quote " and\nnew line')
    assert post_inbound(didww, body).status_code == 200
    again = post_inbound(didww, body)
    assert again.status_code == 200 and again.json() == {"ok": True, "duplicate": True}
    event = WebhookEvent.objects.get()
    assert event.body == body  # kept as it came, read again when processed


def test_a_broken_body_that_is_no_template_is_a_400_naming_the_field(didww):
    response = post_inbound(didww, '{"to":"13325550100","text":"no sender"')
    assert response.status_code == 400 and response.json()["field"] == "from"
    assert not WebhookEvent.objects.exists()


def test_a_callback_before_the_sends_answer_waits_for_its_message_then_applies(didww):
    """DIDWW's callbacks carry only its id: one that arrives before the outbox recorded the
    id waits (not ignored), and applies once the id is there."""
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from messaging.hooks import dlr_url
    from messaging.models import Message, WebhookEvent
    from messaging.services.reports import dlr_event_process

    from .test_channels_support import make_message

    message = make_message(didww, status=Message.Status.SENDING, provider_id=None)
    body = fixture("status_success.json")
    path = dlr_url(didww).split("://", 1)[1].split("/", 1)[1]
    assert Client().post("/" + path, body, content_type="application/json").status_code == 200
    event = WebhookEvent.objects.get(kind="dlr")
    assert dlr_event_process(event_id=event.pk) == "received"
    event.refresh_from_db()
    assert "yet" in event.note and event.processed_at is None

    Message._base_manager.filter(pk=message.pk).update(
        provider_id="7a3c1f2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b", status="accepted"
    )
    assert dlr_event_process(event_id=event.pk) == "processed"
    assert Message._base_manager.get(pk=message.pk).status == "sent"

    late = WebhookEvent.objects.create(channel=didww, kind="dlr", body=body.replace("7a3c", "0000"))
    WebhookEvent.objects.filter(pk=late.pk).update(received_at=timezone.now() - timedelta(hours=1))
    assert dlr_event_process(event_id=late.pk) == "ignored"
