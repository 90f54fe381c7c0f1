"""Each preset's channel speaks its gateway's wire format, checked by the gateway's fake
through the real client: the method, the address, the authentication header, the content
type and the body; the message id is read from the answer; the balance from the balance
answer. A refusal, a 5xx, a 429 and a timeout are told apart, and no header value is ever
kept in the debug log or a log line."""

import json
import logging
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from django.db import connection

from messaging.models import ChannelLogEntry
from messaging.providers import Outbound, ProviderError, provider_for
from sandbox.gateways.credentials import BULKSMS_TOKEN, CLICKATELL_KEY, HEADERS
from sandbox.gateways.models import GatewayMessage
from sandbox.gateways.services import account_set

TEXT = 'Ünïcode "quotes" & a=b\nsecond line'


def outbound(**fields) -> Outbound:
    values = {"sender": "13325550300", "recipient": "13125559876", "text": TEXT, "tag": "t-1"}
    return Outbound(**{**values, **fields})


def test_bulksms_sends_json_with_basic_auth_and_reads_the_id_from_the_201(make_gateway):
    gw = make_gateway("bulksms")
    result = provider_for(gw.channel).send(outbound())
    taken = GatewayMessage.objects.get()
    assert (taken.method, taken.path) == ("POST", "/gateway-sandbox/bulksms/v1/messages")
    assert taken.content_type == "application/json"
    assert json.loads(taken.body) == {"from": "13325550300", "to": "13125559876", "body": TEXT}
    assert result.provider_id == taken.message_id and result.status == "accepted"


def test_clickatell_sends_its_messages_list_with_the_key_header(make_gateway):
    gw = make_gateway("clickatell")
    result = provider_for(gw.channel).send(outbound())
    taken = GatewayMessage.objects.get()
    assert (taken.method, taken.path) == ("POST", "/gateway-sandbox/clickatell/v1/message")
    assert json.loads(taken.body) == {
        "messages": [{"channel": "sms", "to": "13125559876", "content": TEXT}]
    }
    assert result.provider_id == taken.message_id


def test_burstsms_sends_a_form_with_basic_key_and_secret(make_gateway):
    gw = make_gateway("burstsms")
    result = provider_for(gw.channel).send(outbound())
    taken = GatewayMessage.objects.get()
    assert (taken.method, taken.path) == ("POST", "/gateway-sandbox/burstsms/send-sms.json")
    assert taken.content_type == "application/x-www-form-urlencoded"
    assert parse_qs(taken.body) == {
        "to": ["13125559876"],
        "from": ["13325550300"],
        "message": [TEXT],
    }
    assert result.provider_id == taken.message_id and taken.message_id.isdigit()


@pytest.mark.parametrize("gateway", ["bulksms", "clickatell", "burstsms"])
def test_each_preset_reads_its_gateway_balance(make_gateway, gateway):
    gw = make_gateway(gateway)
    account_set(gateway=gateway, balance=Decimal("12.34"))
    assert provider_for(gw.channel).balance() == Decimal("12.34")


def test_wrong_credentials_are_a_final_refusal_that_says_to_check_them(make_gateway):
    gw = make_gateway("clickatell")
    gw.channel.credentials = json.dumps({"headers": "Authorization: wrong-key-123"})
    with pytest.raises(ProviderError) as refused:
        provider_for(gw.channel).send(outbound())
    assert not refused.value.transient and refused.value.status_code == 401
    assert "credentials" in refused.value.message
    assert not GatewayMessage.objects.exists()


def test_an_answer_without_the_success_text_is_a_refusal(make_gateway):
    gw = make_gateway("clickatell", success_text='"accepted":false')
    with pytest.raises(ProviderError) as refused:
        provider_for(gw.channel).send(outbound())
    assert not refused.value.transient and not refused.value.outcome_unknown
    assert "did not accept it" in refused.value.message


@pytest.mark.parametrize(("status", "unknown"), [(503, False), (500, True), (429, False)])
def test_a_busy_or_broken_gateway_is_transient_and_nothing_is_sent(make_gateway, status, unknown):
    gw = make_gateway("bulksms")
    account_set(gateway="bulksms", fail_next=1, fail_status=status)
    with pytest.raises(ProviderError) as failed:
        provider_for(gw.channel).send(outbound())
    assert failed.value.transient and failed.value.outcome_unknown is unknown
    assert not GatewayMessage.objects.exists()
    provider_for(gw.channel).send(outbound())  # the fault was for one answer only
    assert GatewayMessage.objects.count() == 1


def test_a_timeout_after_the_gateway_took_the_message_is_an_unknown_outcome(
    make_gateway, monkeypatch
):
    monkeypatch.setattr("messaging.providers.http.READ_TIMEOUT", 0.2)
    gw = make_gateway("burstsms")
    account_set(gateway="burstsms", fail_next=1, fail_status=0)
    with pytest.raises(ProviderError) as failed:
        provider_for(gw.channel).send(outbound())
    assert failed.value.transient and failed.value.outcome_unknown
    assert GatewayMessage.objects.count() == 1  # taken: sending again would send twice
    assert not provider_for(gw.channel).capabilities.status_lookup


def test_header_values_are_never_in_the_debug_log_nor_a_log_line(make_gateway, caplog):
    caplog.set_level(logging.DEBUG)
    gw = make_gateway("bulksms", debug_log=True)
    account_set(gateway="bulksms", fail_next=1, fail_status=503)
    provider = provider_for(gw.channel)
    with pytest.raises(ProviderError):
        provider.send(outbound())
    provider.send(outbound())
    provider.balance()
    entries = list(ChannelLogEntry.objects.filter(channel=gw.channel))
    assert len(entries) == 3
    sent = [e for e in entries if e.request_body]
    assert len(sent) == 2 and all('"body": "Ünïcode \\"quotes\\"' in e.request_body for e in sent)
    header_value = HEADERS["bulksms"].split(": ", 1)[1]
    token = header_value.split()[-1]
    kept = (
        " ".join(f"{e.url} {e.request_body} {e.response_body} {e.error}" for e in entries)
        + caplog.text
    )
    for secret in (header_value, token, *BULKSMS_TOKEN, CLICKATELL_KEY):
        assert secret not in kept
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM messaging_channel WHERE id = %s", [gw.channel.pk])
        stored = cursor.fetchone()[0]
    assert stored and token not in stored  # encrypted at rest


def test_a_wrong_address_is_a_refusal_saying_the_status_not_an_html_page(make_gateway):
    gw = make_gateway("bulksms", url="http://gateway-sandbox.test/gateway-sandbox/bulksms/v2/nope")
    with pytest.raises(ProviderError) as refused:
        provider_for(gw.channel).send(outbound())
    assert refused.value.message == f"{gw.channel.name} refused it (HTTP 404)."
