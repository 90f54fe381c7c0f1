"""The DIDWW channel's wire format against the fake DIDWW through the real client: a send is
one JSON:API POST with Basic auth and digits without `+`; DIDWW's errors[] become the reason
(400 naming the attribute, 401 the credentials), 429 and 5xx are transient and a timeout
after the message was taken an unknown outcome; the debug log and log lines never hold the
credentials; the settings are checked naming the field and the value."""

from __future__ import annotations

import base64
import json
import logging
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from messaging.models import Channel, ChannelLogEntry
from messaging.providers import Outbound, ProviderError, provider_for
from messaging.services.channels import channel_create, channel_update
from sandbox.didww.models import SandboxOutbound
from sandbox.didww.trunks import DEMO_PASSWORD, DEMO_USERNAME, demo_trunk, faults_set

from .didww_support import FAKE, didww_channel


def outbound(*, to="+13125550199", text="Your code is 1234", **fields) -> Outbound:
    return Outbound(sender="+13325550100", recipient=to, text=text, tag=uuid.uuid4().hex, **fields)


def test_a_send_is_one_jsonapi_post_with_basic_auth_and_digits_without_plus(didww):
    result = provider_for(didww).send(outbound())
    (request,) = didww.fake.requests
    assert request.method == "POST" and request.url == f"{FAKE}/outbound_messages"
    assert request.headers["Content-Type"] == "application/vnd.api+json"
    token = base64.b64encode(f"{DEMO_USERNAME}:{DEMO_PASSWORD}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {token}"
    assert json.loads(request.body) == {
        "data": {
            "type": "outbound_messages",
            "attributes": {
                "destination": "13125550199",
                "source": "13325550100",
                "content": "Your code is 1234",
            },
        }
    }
    kept = SandboxOutbound.objects.get()
    assert result.status == "accepted" and result.provider_id == str(kept.message_id)


def test_a_refusal_carries_didwws_detail_naming_the_attribute(didww):
    with pytest.raises(ProviderError) as caught:
        provider_for(didww).send(outbound(text="x" * 1601))
    assert not caught.value.transient and caught.value.status_code == 400
    assert "content is too long (maximum is 1600 characters)" in caught.value.message
    assert not SandboxOutbound.objects.exists()


def test_wrong_trunk_credentials_are_a_final_refusal_naming_them(didww, settings):
    wrong = didww_channel(name="DIDWW wrong", password="not-the-password", numbers="")
    demo_trunk()
    with pytest.raises(ProviderError) as caught:
        provider_for(wrong).send(outbound())
    assert not caught.value.transient and caught.value.status_code == 401
    assert "refused the channel's credentials" in caught.value.message


def test_media_is_refused_before_any_call_as_the_trunk_sends_text_only(didww):
    with pytest.raises(ProviderError, match="text only"):
        provider_for(didww).send(outbound(media=("https://example.com/a.png",)))
    assert didww.fake.requests == []


def test_the_fake_answers_415_for_another_content_type(didww):
    session = didww.fake
    import requests

    s = requests.Session()
    s.mount("http://didww.test/", session)
    answer = s.post(
        f"{FAKE}/outbound_messages",
        json={"data": {}},
        auth=(DEMO_USERNAME, DEMO_PASSWORD),
    )
    assert answer.status_code == 415
    (error,) = answer.json()["errors"]
    assert error["title"] == "Unsupported Media Type" and error["status"] == "415"


def test_faults_429_and_5xx_are_transient_and_a_5xx_outcome_unknown(didww):
    faults_set(trunk=demo_trunk(), fault="rate_limit", count=1, retry_after=7)
    with pytest.raises(ProviderError) as busy:
        provider_for(didww).send(outbound())
    assert busy.value.transient and busy.value.retry_after == 7
    assert not busy.value.outcome_unknown
    faults_set(trunk=demo_trunk(), fault="error", count=1, status=502)
    with pytest.raises(ProviderError) as broken:
        provider_for(didww).send(outbound())
    assert broken.value.transient and broken.value.outcome_unknown
    # The faults were for the next two sends only.
    assert provider_for(didww).send(outbound()).status == "accepted"


def test_a_timeout_after_the_message_was_taken_is_an_unknown_outcome(didww, monkeypatch):
    monkeypatch.setattr("messaging.providers.http.READ_TIMEOUT", 0.2)
    faults_set(trunk=demo_trunk(), fault="timeout", count=1, timeout_seconds=5)
    with pytest.raises(ProviderError) as caught:
        provider_for(didww).send(outbound())
    assert caught.value.transient and caught.value.outcome_unknown
    assert SandboxOutbound.objects.count() == 1  # DIDWW has it: never send it blindly again
    assert provider_for(didww).capabilities.status_lookup is False


def test_the_rate_limit_of_the_trunk_answers_429(didww):
    trunk = demo_trunk()
    trunk.rate_limit = 1
    trunk.save()
    provider_for(didww).send(outbound())
    with pytest.raises(ProviderError) as caught:
        provider_for(didww).send(outbound())
    assert caught.value.transient and caught.value.status_code == 429


def test_the_debug_log_and_log_lines_never_hold_the_credentials(didww, caplog):
    Channel.objects.filter(pk=didww.pk).update(debug_log=True)
    didww.refresh_from_db()
    caplog.set_level(logging.DEBUG)
    provider_for(didww).send(outbound())
    wrong = didww_channel(name="DIDWW wrong", password="s3cret-wrong-pass", numbers="")
    Channel.objects.filter(pk=wrong.pk).update(debug_log=True)
    wrong.refresh_from_db()
    with pytest.raises(ProviderError):
        provider_for(wrong).send(outbound())
    entries = list(ChannelLogEntry.objects.all())
    assert len(entries) == 2 and {e.status_code for e in entries} == {201, 401}
    token = base64.b64encode(f"{DEMO_USERNAME}:{DEMO_PASSWORD}".encode()).decode()
    for secret in (DEMO_PASSWORD, DEMO_USERNAME, "s3cret-wrong-pass", token):
        for entry in entries:
            assert secret not in f"{entry.url} {entry.request_body} {entry.response_body}"
        assert secret not in caplog.text
    assert "outbound_messages" in entries[0].request_body
    with connection.cursor() as cursor:  # encrypted at rest
        cursor.execute("SELECT credentials FROM messaging_channel WHERE id = %s", [didww.pk])
        (stored,) = cursor.fetchone()
    assert stored and DEMO_PASSWORD not in stored and DEMO_USERNAME not in stored


# --- settings ---------------------------------------------------------------------------------


def test_settings_refuse_plain_http_outside_the_sandbox_naming_the_value(db, settings):
    settings.WAVIX_SANDBOX_ENABLED = False
    with pytest.raises(ValidationError) as caught:
        channel_create(
            kind="didww",
            name="DIDWW",
            config={"base_url": "http://sms-out.didww.com"},
            credentials={"username": "u", "password": "p"},
        )
    assert "“http://sms-out.didww.com” must be an https:// address" in str(caught.value)


def test_settings_need_the_trunk_credentials_and_keep_them_on_an_edit(db, settings):
    with pytest.raises(ValidationError) as caught:
        channel_create(kind="didww", name="DIDWW", config={}, credentials={})
    errors = caught.value.message_dict
    assert "HTTP OUT trunk's username" in errors["username"][0]
    assert "HTTP OUT trunk's password" in errors["password"][0]
    channel = channel_create(
        kind="didww", name="DIDWW", config={}, credentials={"username": "u", "password": "p"}
    )
    assert channel.config == {"base_url": "https://sms-out.didww.com"}
    channel = channel_update(
        channel=channel,
        config={"base_url": "https://eu.sms-out.didww.com/"},
        credentials={"username": "", "password": ""},
    )
    assert channel.config["base_url"] == "https://eu.sms-out.didww.com"
    assert channel.secrets() == {"username": "u", "password": "p"}


def test_settings_refuse_the_path_of_the_send_in_the_host(db):
    with pytest.raises(ValidationError) as caught:
        channel_create(
            kind="didww",
            name="DIDWW",
            config={"base_url": "https://sms-out.didww.com/outbound_messages"},
            credentials={"username": "u", "password": "p"},
        )
    assert "without /outbound_messages" in caught.value.message_dict["base_url"][0]


@pytest.mark.parametrize(
    "base_url",
    ["https://[::1", "https://sms-out.didww.com:99999", "https://sms out.didww.com", "sms-out"],
)
def test_a_malformed_host_is_refused_naming_it(db, base_url):
    with pytest.raises(ValidationError) as caught:
        channel_create(
            kind="didww",
            name="DIDWW",
            config={"base_url": base_url},
            credentials={"username": "u", "password": "p"},
        )
    assert (
        f"The address “{base_url}” must be an https:// address"
        in (caught.value.message_dict["base_url"][0])
    )


def test_a_password_is_kept_exactly_as_typed(db):
    channel = channel_create(
        kind="didww", name="DIDWW", config={}, credentials={"username": " u ", "password": " p "}
    )
    assert channel.secrets() == {"username": "u", "password": " p "}
