"""The Apidaze channel's sending half against the fake Apidaze through the real client: a send
is one form POST to /{key}/sms/send with the secret in the query, numbers without "+"; an
MMS adds its file's address; the answer's id comes back; a refusal carries Apidaze's reason
and names the field; 401, 403, 429, 5xx and a timeout after the send was applied are told
apart; the key and the secret appear in no debug-log entry and no log line."""

# ruff: noqa: F811 - the `apidaze` fixture, imported from apidaze_support, is each test's argument
import logging
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from messaging.models import ChannelLogEntry
from messaging.providers import Outbound, ProviderError, provider_for
from sandbox.apidaze.models import ApidazeMessage
from sandbox.apidaze.services import account_save, faults_set

from .apidaze_support import KEY, NUMBERS, SECRET, apidaze  # noqa: F401 - the fixture


def outbound(*, to="13125559876", text="Your code is 1234", **fields) -> Outbound:
    return Outbound(
        sender=fields.pop("sender", NUMBERS[0]),
        recipient=to,
        text=text,
        tag=uuid.uuid4().hex,
        callback_url="https://portal.example/hooks/dlr/abc",
        **fields,
    )


def test_a_send_is_one_form_post_with_the_key_in_the_path_and_the_secret_in_the_query(apidaze):
    result = provider_for(apidaze.channel).send(outbound(sender="+" + NUMBERS[0]))
    (request,) = apidaze.transport.sent
    url = urlsplit(request.url)
    assert request.method == "POST"
    assert url.path == f"/apidaze-sandbox/{KEY}/sms/send"
    assert parse_qs(url.query) == {"api_secret": [SECRET]}
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.body) == {
        "from": [NUMBERS[0]],
        "to": ["13125559876"],
        "body": ["Your code is 1234"],
    }
    stored = ApidazeMessage.objects.get(pk=result.provider_id)
    assert (stored.sender, stored.recipient, stored.media_url) == (NUMBERS[0], "13125559876", "")
    assert result.status == "accepted"


def test_an_mms_sends_its_file_address_as_media_url(apidaze):
    media = "https://portal.example/media/mms/3f2a/photo.jpg"
    result = provider_for(apidaze.channel).send(outbound(text="Look", media=(media,)))
    assert parse_qs(apidaze.transport.sent[0].body)["media_url"] == [media]
    assert ApidazeMessage.objects.get(pk=result.provider_id).media_url == media
    caps = provider_for(apidaze.channel).capabilities
    assert caps.mms and caps.max_media_bytes == 100 * 1024 * 1024 and not caps.status_lookup


def test_a_refusal_is_final_and_names_the_field_apidaze_refused(apidaze):
    with pytest.raises(ProviderError) as refused:
        provider_for(apidaze.channel).send(outbound(to="12"))
    assert not refused.value.transient and refused.value.status_code == 400
    assert refused.value.message.startswith("to: must be 8 to 15 digits")
    assert not ApidazeMessage.objects.exists()


def test_a_wrong_secret_is_a_refusal_of_the_credentials(apidaze):
    account_save(api_key=KEY, api_secret="another-secret")
    with pytest.raises(ProviderError) as refused:
        provider_for(apidaze.channel).send(outbound())
    assert refused.value.status_code == 403 and not refused.value.transient
    assert "refused the channel's credentials" in refused.value.message
    assert "Invalid API secret" in refused.value.message


def test_an_unknown_key_is_a_401(apidaze):
    apidaze.account.delete()
    with pytest.raises(ProviderError) as refused:
        provider_for(apidaze.channel).send(outbound())
    assert refused.value.status_code == 401 and "Invalid API key" in refused.value.message


def test_a_429_is_transient_with_retry_after_and_nothing_sent(apidaze):
    faults_set(account=apidaze.account, fault="429", count=1, retry_after=7)
    with pytest.raises(ProviderError) as limited:
        provider_for(apidaze.channel).send(outbound())
    assert limited.value.transient and not limited.value.outcome_unknown
    assert limited.value.retry_after == 7
    assert not ApidazeMessage.objects.exists()
    # The fault was for the next send only: the one after goes through.
    assert provider_for(apidaze.channel).send(outbound()).provider_id


def test_the_accounts_rate_limit_answers_429(apidaze):
    account_save(api_key=KEY, api_secret=SECRET, rate_limit=1)
    provider_for(apidaze.channel).send(outbound())
    with pytest.raises(ProviderError) as limited:
        provider_for(apidaze.channel).send(outbound())
    assert limited.value.status_code == 429 and "at most 1 messages a second" in str(
        limited.value.message
    )


def test_a_5xx_may_have_been_applied_so_the_outcome_is_unknown(apidaze):
    faults_set(account=apidaze.account, fault="503", count=1)
    with pytest.raises(ProviderError) as failed:
        provider_for(apidaze.channel).send(outbound())
    assert failed.value.transient and failed.value.status_code == 503


def test_a_timeout_after_the_send_was_applied_is_an_unknown_outcome(apidaze, monkeypatch):
    from messaging.providers import http

    monkeypatch.setattr(http, "READ_TIMEOUT", 0.3)
    faults_set(account=apidaze.account, fault="timeout", count=1, timeout_seconds=5)
    with pytest.raises(ProviderError) as lost:
        provider_for(apidaze.channel).send(outbound())
    assert lost.value.transient and lost.value.outcome_unknown
    assert ApidazeMessage.objects.count() == 1  # Apidaze took it: never send it blindly again


def test_an_answer_without_a_message_id_is_an_unknown_outcome(apidaze, monkeypatch):
    from sandbox.apidaze import views

    monkeypatch.setattr(views, "JsonResponse", lambda body, **kw: _plain_ok())
    with pytest.raises(ProviderError) as unknown:
        provider_for(apidaze.channel).send(outbound())
    assert unknown.value.outcome_unknown and "no message id" in unknown.value.message


def _plain_ok():
    from django.http import HttpResponse

    return HttpResponse('{"status": "ok"}', content_type="application/json")


def test_check_says_the_key_and_secret_work_and_a_wrong_secret_is_refused(apidaze):
    provider = provider_for(apidaze.channel)
    assert provider.check() == "Apidaze answered: the API key and secret work."
    assert urlsplit(apidaze.transport.sent[0].url).path == f"/apidaze-sandbox/{KEY}/validates"
    account_save(api_key=KEY, api_secret="changed-in-apidaze")
    with pytest.raises(ProviderError) as refused:
        provider.check()
    assert refused.value.status_code == 403


def test_the_key_and_secret_are_in_no_debug_log_entry_and_no_log_line(apidaze, caplog):
    caplog.set_level(logging.DEBUG)
    provider_for(apidaze.channel).send(outbound())
    account_save(api_key=KEY, api_secret="changed-in-apidaze")
    with pytest.raises(ProviderError):
        provider_for(apidaze.channel).send(outbound())
    entries = list(ChannelLogEntry.objects.filter(channel=apidaze.channel))
    assert len(entries) == 2
    assert entries[0].method == "POST" and "/sms/send" in entries[0].url
    kept = " ".join(
        f"{e.url} {e.request_body} {e.response_body} {e.error}" for e in entries
    ) + " ".join(r.getMessage() for r in caplog.records)
    assert "Apidaze POST" in kept
    for secret in (KEY, SECRET, "Zq9%21x7Wv4%2BtR2%2FpL"):
        assert secret not in kept


def test_a_channel_without_credentials_says_so_without_calling(apidaze):
    apidaze.channel.credentials = ""
    with pytest.raises(ProviderError) as missing:
        provider_for(apidaze.channel).send(outbound())
    assert "no Apidaze API key and secret" in missing.value.message
    assert apidaze.transport.sent == []


def test_a_message_sent_through_the_outbox_is_sent_once_then_delivered(
    apidaze, django_capture_on_commit_callbacks, eager_celery, hold_task
):
    from messaging.services.outbox import outbox_pump
    from tests.messaging.test_outbox import fresh, history, queue

    hold_task("messaging.tasks", "pump_channel")
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(apidaze.channel, recipient="13125559876", sender=NUMBERS[0])
        outbox_pump(channel_id=apidaze.channel.pk, seconds=1)
    sent = ApidazeMessage.objects.get()
    message = fresh(message)
    assert message.provider_id == str(sent.pk)
    assert message.status == "delivered"
    assert [s for s, _ in history(message)][-1] == "delivered"
    assert sent.callbacks.get().state == "delivered"
    assert len(apidaze.transport.sent) == 1


def test_a_recipient_apidaze_cannot_reach_ends_not_delivered_with_the_reason(
    apidaze, django_capture_on_commit_callbacks, eager_celery, hold_task
):
    from messaging.services.outbox import outbox_pump
    from tests.messaging.test_outbox import fresh, history, queue

    hold_task("messaging.tasks", "pump_channel")
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(apidaze.channel, recipient="13125559999", sender=NUMBERS[0])
        outbox_pump(channel_id=apidaze.channel.pk, seconds=1)
    assert fresh(message).status == "undelivered"
    assert ("undelivered", "Unreachable handset") in history(message)
