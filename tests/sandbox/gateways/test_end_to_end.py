"""A gateway channel end to end against the fake: a test send leaves through the outbox, the
fake takes it and posts its delivery report to the channel's webhook, and the message reaches
Delivered; each preset's report format is read; inbound messages in JSON or form fields are
stored once (a gateway without ids gets a stable derived one)."""

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from messaging.hooks import inbound_url
from messaging.models import Message, WebhookEvent
from messaging.providers import BadPayload, provider_for
from messaging.services.channels import channel_test_send
from sandbox.gateways.models import GatewayMessage
from sandbox.gateways.services import account_set, inbound_send


@pytest.mark.parametrize("gateway", ["bulksms", "clickatell", "burstsms"])
def test_a_test_send_reaches_delivered_through_each_preset(make_gateway, run_tasks, gateway):
    gw = make_gateway(gateway)
    message = run_tasks(
        channel_test_send,
        channel=gw.channel,
        sender="13325550300",
        recipient="+1 312 555 0199",
        text="Hello & welcome",
    )
    with scopes_disabled():
        message = Message._base_manager.get(pk=message.pk)
    taken = GatewayMessage.objects.get()
    assert taken.text == "Hello & welcome" and taken.recipient == "13125550199"
    assert message.provider_id == taken.message_id
    assert message.status == "delivered"
    assert WebhookEvent.objects.filter(kind="dlr", state="processed").count() == 1


def post(url_name, channel, body: str, content_type: str):
    token = channel.dlr_token if url_name == "hooks:dlr" else channel.inbound_token
    return Client().post(
        reverse(url_name, kwargs={"token": token}), data=body, content_type=content_type
    )


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ('{"id": "m1", "status": "DELIVRD"}', "delivered"),
        ('{"id": "m1", "status": "UNDELIV"}', "undelivered"),
        ('[{"id": "m1", "status": "rejectd"}]', "rejected"),
        ("id=m1&status=EXPIRED", "expired"),
        ("id=m1&status=ACK", "sent"),
    ],
)
def test_common_report_words_in_json_or_form_map_to_the_portal_statuses(make_gateway, body, status):
    provider = provider_for(make_gateway("clickatell", dlr_id_field="id").channel)
    report = provider.parse_delivery_report(provider.load(body))
    assert (report.provider_id, report.status) == ("m1", status)


def test_bulksms_reports_are_read_at_their_nested_status(make_gateway):
    provider = provider_for(make_gateway("bulksms").channel)
    body = '[{"id": "b7", "type": "SENT", "status": {"id": "DELIVERED.null", "type": "DELIVERED"}}]'
    assert provider.parse_delivery_report(provider.load(body)).status == "delivered"


def test_a_report_with_an_unknown_status_is_a_400_naming_the_field(make_gateway):
    channel = make_gateway("burstsms").channel
    response = post("hooks:dlr", channel, "message_id=5&status=teleported", "text/plain")
    assert response.status_code == 400
    assert "status" in response.content.decode() and "teleported" in response.content.decode()
    with pytest.raises(BadPayload) as bad:
        provider_for(channel).parse_delivery_report({"status": "delivered"})
    assert bad.value.field == "message_id"


def test_an_inbound_form_post_is_stored_once_with_a_derived_id(make_gateway):
    channel = make_gateway(
        "burstsms",
        inbound_from_field="from",
        inbound_to_field="to",
        inbound_text_field="text",  # absent: "message" is read
        inbound_id_field="id",
    ).channel
    body = urlencode({"from": "+13125550199", "to": "13325550300", "message": "Hi & bye"})
    form = "application/x-www-form-urlencoded"
    assert post("hooks:inbound", channel, body, form).status_code == 200
    assert post("hooks:inbound", channel, body, form).json()["duplicate"] is True
    event = WebhookEvent.objects.get(kind="inbound")
    provider = provider_for(channel)
    inbound = provider.parse_inbound(provider.load(event.body))
    assert (inbound.sender, inbound.recipient, inbound.text) == (
        "13125550199",
        "13325550300",
        "Hi & bye",
    )
    assert event.dedupe_key == inbound.provider_id and inbound.provider_id.startswith("h-")


def test_an_inbound_form_post_with_an_escaped_nul_is_refused_naming_the_body(make_gateway):
    channel = make_gateway("burstsms").channel
    body = "from=13125550199&to=13325550300&text=Hi%00there"
    response = post("hooks:inbound", channel, body, "application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.json()["field"] == "body" and "NUL" in response.json()["error"]
    assert not WebhookEvent.objects.exists()


def test_an_inbound_json_post_uses_the_configured_fields(make_gateway):
    channel = make_gateway(
        "bulksms", inbound_from_field="sender", inbound_text_field="body", inbound_id_field="uid"
    ).channel
    body = '{"uid": "in-9", "sender": "13125550199", "to": "13325550301", "body": "Yes"}'
    assert post("hooks:inbound", channel, body, "application/json").status_code == 200
    assert WebhookEvent.objects.get(kind="inbound").dedupe_key == "in-9"
    bad = post("hooks:inbound", channel, '{"uid": "x", "to": "1", "body": "a"}', "text/plain")
    assert bad.status_code == 400 and "sender" in bad.content.decode()


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(max_size=400) | st.sampled_from(["[]", "[1, 2]", '{"id": {}}', "a=" * 150]))
def test_any_callback_body_is_read_or_refused_naming_a_field(make_gateway_once, body):
    provider = make_gateway_once
    for parse in (provider.parse_delivery_report, provider.parse_inbound):
        try:
            parse(provider.load(body))
        except BadPayload as refused:
            assert refused.field


@pytest.fixture
def make_gateway_once(make_gateway):
    return provider_for(make_gateway("burstsms").channel)


@pytest.mark.parametrize(
    ("gateway", "derived"), [("bulksms", False), ("clickatell", False), ("burstsms", True)]
)
def test_a_message_texted_to_the_fake_reaches_the_channel_in_its_gateway_format(
    make_gateway, run_tasks, gateway, derived
):
    channel = make_gateway(gateway).channel
    account_set(gateway=gateway, inbound_url=inbound_url(channel))
    run_tasks(
        inbound_send, gateway=gateway, sender="+13125550199", recipient="13325550301", text="Hi"
    )
    event = WebhookEvent.objects.get(kind="inbound")
    provider = provider_for(channel)
    inbound = provider.parse_inbound(provider.load(event.body))
    assert (inbound.sender, inbound.recipient, inbound.text) == ("13125550199", "13325550301", "Hi")
    assert event.dedupe_key == inbound.provider_id
    assert inbound.provider_id.startswith("h-") is derived
