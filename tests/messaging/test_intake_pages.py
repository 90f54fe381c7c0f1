"""The intake's pages: the tenant admins' keyword replies (defaults as placeholders, segment
counts, inline errors, audited; agents refused), the channel's allowlist and inbound address,
and the sandbox's simulate-inbound page posting a message that arrives in the portal."""

from __future__ import annotations

import requests
from django.conf import settings
from django.urls import reverse
from django_scopes import scopes_disabled

from messaging import keywords
from messaging.models import KeywordReplies, Message
from portal.models import AuditEntry
from tests.conftest import login

from .test_channels_support import make_channel


def keyword_url(tenant):
    return reverse("tenant:keyword_replies", args=[tenant.slug])


def test_the_keyword_page_shows_the_defaults_and_saves_the_tenants_wording(world):
    client = login(world.admin_a)
    page = client.get(keyword_url(world.a)).content.decode()
    assert keywords.DEFAULT_REPLIES["stop"] in page  # the placeholder
    assert 'data-testid="segments-help_text"' in page
    response = client.post(
        keyword_url(world.a),
        {"stop_text": "", "start_text": "", "help_text": "Acme help: call 555-0100."},
    )
    assert response.status_code == 302
    with scopes_disabled():
        replies = KeywordReplies.objects.get(tenant=world.a)
        assert replies.help_text == "Acme help: call 555-0100." and replies.stop_text == ""
        audited = AuditEntry.objects.filter(content_type__model="keywordreplies")
        assert audited.filter(actor=world.admin_a).exists()
    assert "Acme help: call 555-0100." in client.get(keyword_url(world.a)).content.decode()


def test_a_reply_too_long_is_an_inline_error_and_nothing_is_saved(world):
    response = login(world.admin_a).post(keyword_url(world.a), {"help_text": "x" * 321})
    assert response.status_code == 200
    assert "at most 320 characters" in response.content.decode()
    with scopes_disabled():
        assert not KeywordReplies.objects.exists()


def test_agents_cannot_open_the_keyword_page(world):
    assert login(world.agent_a).get(keyword_url(world.a)).status_code == 403
    assert login(world.agent_a).post(keyword_url(world.a), {"help_text": "x"}).status_code == 403
    assert login(world.admin_b).get(keyword_url(world.a)).status_code == 404
    with scopes_disabled():
        assert not KeywordReplies.objects.exists()


def test_the_segment_counter_counts_a_keyword_reply(world):
    url = reverse("tenant:message_segments", args=[world.a.slug])
    page = login(world.admin_a).post(url, {"text": "é" * 10 + "€"}).content.decode()
    assert 'data-testid="segment-segments">1<' in page


def test_the_channel_form_checks_each_allowlist_line(world):
    channel = make_channel()
    client = login(world.sysadmin)
    url = reverse("platform:channel_edit", args=[channel.pk])
    page = client.get(url).content.decode()
    assert "62.212.73.112" in page  # the suggestion
    assert channel.inbound_token in page and 'data-testid="inbound-url"' in page
    data = {
        "name": channel.name,
        "is_active": "on",
        "rate": "1",
        "validity_days": "3",
        "max_segments": "10",
        "inbound_allowlist": "62.212.73.112\n10.0.0.0/33",
    }
    page = client.post(url, data).content.decode()
    assert "Line 2 “10.0.0.0/33” is not an IP address or a network" in page
    channel.refresh_from_db()
    assert channel.inbound_allowlist == ""
    data["inbound_allowlist"] = " 62.212.73.112 \n\n10.1.0.0/16"
    assert client.post(url, data).status_code == 302
    channel.refresh_from_db()
    assert channel.inbound_allowlist == "62.212.73.112/32\n10.1.0.0/16"


def test_a_new_inbound_address_stops_the_old_one(world):
    channel = make_channel()
    old = channel.inbound_token
    client = login(world.sysadmin)
    client.post(reverse("platform:channel_rotate_inbound", args=[channel.pk]))
    channel.refresh_from_db()
    assert channel.inbound_token != old
    assert login(world.admin_a).post(
        reverse("platform:channel_rotate_inbound", args=[channel.pk])
    ).status_code in (403, 404)


def test_the_simulate_page_posts_a_message_that_arrives_in_the_portal(
    senders_env, run_tasks, monkeypatch, routed
):
    from messaging.hooks import inbound_url
    from sandbox.wavix.models import SandboxNumber
    from sandbox.wavix.services import webhooks
    from sandbox.wavix.transport import SandboxTransport

    number = senders_env.sms[0]
    SandboxNumber.objects.filter(number=str(number)).update(
        sms_relay_url=inbound_url(senders_env.channel)
    )

    def session() -> requests.Session:  # the post reaches this process's portal, no socket
        s = requests.Session()
        s.mount(settings.PORTAL_BASE_URL + "/", SandboxTransport())
        return s

    monkeypatch.setattr(webhooks, "http_session", session)
    client = login(senders_env.world.admin_a)
    url = reverse("wavix_sandbox:simulate_inbound")
    page = client.get(url).content.decode()
    assert f"+{number}" in page
    response = run_tasks(
        client.post, url, {"to": str(number), "sender": "+16468097065", "text": "Hi there"}
    )
    page = response.content.decode()
    assert "the portal answered 200" in page
    message = Message._base_manager.get(direction="inbound")
    assert message.text == "Hi there" and message.tenant == senders_env.world.a
    assert message.sender == "16468097065"


def test_the_simulate_page_names_what_is_wrong(senders_env):
    client = login(senders_env.world.admin_a)
    url = reverse("wavix_sandbox:simulate_inbound")
    page = client.post(url, {"to": str(senders_env.sms[0]), "sender": "x", "text": ""})
    assert "Write a text, or give an image address" in page.content.decode()
    page = client.post(url, {"to": "1", "sender": "+16468097065", "text": "hi"}).content.decode()
    assert "Select a valid choice" in page
    assert client.get(url).status_code == 200
    from django.test import Client

    assert Client().get(url).status_code == 302  # signed-in users only


def test_the_api_sets_the_allowlist_with_the_same_rule_and_shows_the_inbound_address(world):
    from tests.conftest import api_client

    channel = make_channel()
    api = api_client(world.sysadmin)
    url = f"/api/v1/channels/{channel.pk}/"
    bad = api.patch(url, {"inbound_allowlist": "62.212.73.112\nnope"}, format="json")
    assert bad.status_code == 400
    assert "Line 2 “nope”" in str(bad.json()) and "inbound_allowlist" in str(bad.json())
    good = api.patch(url, {"inbound_allowlist": "62.212.73.112"}, format="json")
    assert good.status_code == 200
    assert good.json()["inbound_allowlist"] == "62.212.73.112/32"
    assert good.json()["inbound_url"].endswith(f"/hooks/inbound/{channel.inbound_token}/")
