"""The Wavix channel's sending half against the Wavix sandbox through the real client: a send
is one POST with the tag, validity and callback; the answer's id, segments and charge come
back; a lookup by tag finds the message; a refusal carries Wavix's reason; 429, 5xx and a
timeout after the request was applied are told apart; the debug log keeps the calls with no
secret in them."""

import uuid

import pytest

from messaging import debuglog
from messaging.models import Channel, ChannelLogEntry
from messaging.providers import Outbound, ProviderError, provider_for
from sandbox.wavix.faults import faults_set
from sandbox.wavix.models import SandboxMessage
from sandbox.wavix.seed import seed_account
from sandbox.wavix.selectors import sends_per_tag


def wavix_channel(account, **fields) -> Channel:
    seed_account(account=account.sandbox, purchased=5)
    channel = Channel.objects.create(
        name=f"Wavix {uuid.uuid4().hex[:6]}", kind="wavix", wavix_account=account, **fields
    )
    channel.sms_number = (
        account.sandbox.numbers.filter(sms_enabled=True, status="active").first().number
    )
    return channel


def outbound(channel, *, to="13125559876", text="Your code is 1234", **fields) -> Outbound:
    return Outbound(
        sender=channel.sms_number,
        recipient=to,
        text=text,
        tag=uuid.uuid4().hex,
        callback_url="https://portal.example/hooks/dlr/abc",
        validity_seconds=3600,
        **fields,
    )


@pytest.fixture
def channel(sandbox_account, no_client_backoff):
    return wavix_channel(sandbox_account)


def test_a_send_returns_wavix_id_segments_and_charge(channel, sandbox_account):
    message = outbound(channel, text="a" * 161)
    result = provider_for(channel).send(message)
    assert result.status == "accepted"
    assert result.segments == 2 and result.charge is not None
    stored = SandboxMessage.objects.get(pk=result.provider_id)
    assert stored.tag == message.tag and stored.validity == 3600
    assert stored.callback_url == "https://portal.example/hooks/dlr/abc"
    assert sandbox_account.transport.request_count == 1  # one POST, no lookup


def test_a_lookup_by_tag_finds_the_message_and_misses_an_unknown_tag(channel):
    provider = provider_for(channel)
    sent = provider.send(message := outbound(channel))
    found = provider.lookup(tag=message.tag)
    assert found is not None and found.provider_id == sent.provider_id
    assert provider.lookup(tag=uuid.uuid4().hex) is None
    assert provider.lookup(tag=message.tag, provider_id=sent.provider_id).provider_id == (
        sent.provider_id
    )


def test_a_refusal_is_final_with_wavix_reason(channel):
    with pytest.raises(ProviderError) as refused:
        provider_for(channel).send(outbound(channel, to="12"))
    assert not refused.value.transient
    assert "E.164" in refused.value.message


def test_a_429_is_transient_with_retry_after_and_nothing_sent(channel, sandbox_account):
    faults_set(account=sandbox_account.sandbox, rate_limit_rate=1.0, retry_after=7)
    message = outbound(channel)
    with pytest.raises(ProviderError) as limited:
        provider_for(channel).send(message)
    assert limited.value.transient and not limited.value.outcome_unknown
    assert limited.value.status_code == 429 and limited.value.retry_after == 7
    assert sends_per_tag(sandbox_account.sandbox, [message.tag]) == {}


def test_a_server_error_is_an_unknown_outcome(channel, sandbox_account):
    faults_set(account=sandbox_account.sandbox, error_rate=1.0, error_status=502)
    with pytest.raises(ProviderError) as failed:
        provider_for(channel).send(outbound(channel))
    assert failed.value.transient and failed.value.outcome_unknown
    assert failed.value.status_code == 502


def test_a_timeout_after_the_request_was_applied_is_unknown_and_the_tag_finds_it(
    channel, sandbox_account, settings
):
    settings.WAVIX_TIMEOUT_SECONDS = 0.3
    faults_set(account=sandbox_account.sandbox, timeout_rate=1.0, timeout_seconds=5)
    message = outbound(channel)
    with pytest.raises(ProviderError) as lost:
        provider_for(channel).send(message)
    assert lost.value.transient and lost.value.outcome_unknown
    assert sends_per_tag(sandbox_account.sandbox, [message.tag]) == {message.tag: 1}
    faults_set(account=sandbox_account.sandbox)
    assert provider_for(channel).lookup(tag=message.tag) is not None


def test_the_debug_log_keeps_each_call_without_the_api_key(sandbox_account, no_client_backoff):
    channel = wavix_channel(sandbox_account, debug_log=True)
    provider = provider_for(channel)
    provider.send(message := outbound(channel))
    provider.lookup(tag=message.tag)
    with pytest.raises(ProviderError):
        provider.send(outbound(channel, to="12"))
    entries = list(ChannelLogEntry.objects.filter(channel=channel).order_by("id"))
    assert [(e.method, e.status_code) for e in entries] == [
        ("POST", 200),
        ("GET", 200),
        ("POST", 400),
    ]
    assert message.tag in entries[0].request_body and "message_id" in entries[0].response_body
    assert "E.164" in entries[2].error
    key = sandbox_account.api_key
    assert all(key not in f"{e.url}{e.request_body}{e.response_body}{e.error}" for e in entries)


def test_the_debug_log_is_off_unless_switched_on(channel):
    provider_for(channel).send(outbound(channel))
    assert not ChannelLogEntry.objects.filter(channel=channel).exists()


def test_the_debug_log_keeps_the_last_200(db):
    channel = Channel.objects.create(name="Logged", kind="fake", debug_log=True)
    for n in range(debuglog.KEEP + 5):
        debuglog.debuglog_record(channel=channel, method="POST", url=f"/v3/messages?n={n}")
    kept = ChannelLogEntry.objects.filter(channel=channel)
    assert kept.count() == debuglog.KEEP
    assert kept.order_by("id").first().url.endswith(f"n={5}")


def test_secrets_are_redacted_from_what_the_debug_log_keeps():
    body = {"api_key": "k-123456", "nested": {"password": "pw"}, "text": "Bearer abc.def"}
    assert debuglog.redact(body) == {
        "api_key": "[redacted]",
        "nested": {"password": "[redacted]"},
        "text": "Bearer [redacted]",
    }
    assert debuglog.redact("/v1/x?appid=SECRET&page=2") == "/v1/x?appid=[redacted]&page=2"
    assert debuglog.redact("key s3cr3t-value here", ("s3cr3t-value",)) == "key [redacted] here"


def test_check_says_the_key_works(channel):
    assert "the API key works" in provider_for(channel).check()


def test_a_message_sent_through_the_outbox_reaches_the_sandbox_once(channel, sandbox_account):
    from messaging.services.outbox import outbox_pump
    from tests.messaging.test_outbox import fresh, queue

    message = queue(channel, recipient="13125559876", sender=channel.sms_number)
    outbox_pump(channel_id=channel.pk, seconds=1)
    assert fresh(message).status == "accepted"
    assert sends_per_tag(sandbox_account.sandbox, [message.tag]) == {message.tag: 1}
