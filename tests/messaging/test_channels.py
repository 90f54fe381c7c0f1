"""Channels, as a system administrator manages them: one per Wavix account, settings within
bounds (the field, the value and the rule named), pause keeps messages queued and resume sends
them, delete refused while messages wait, a new webhook address, every change in the audit
log with its tokens masked; the pages and the platform API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from dids.models import Did
from messaging.models import Channel, ChannelLogEntry, Message, Outbox
from messaging.services import channels as services
from portal.models import AuditEntry
from tests.conftest import api_client, login
from tests.factories import wavix_account

from .test_channels_support import make_channel, make_message


@pytest.fixture
def kicks(monkeypatch):
    """The outbox wake-ups sent (the outbox part sends them on)."""
    sent: list[int] = []
    monkeypatch.setattr(
        "messaging.services.outbox.outbox_kick", lambda *, channel_id: sent.append(channel_id)
    )
    return sent


def test_a_wavix_account_has_one_channel(world):
    account = wavix_account("Main")
    make_channel(account)
    with pytest.raises(ValidationError) as error:
        make_channel(account, name="Another")
    assert "“Main” already has a channel" in str(error.value.message_dict["wavix_account"])


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("rate", Decimal("0"), "The sending rate “0” must be between 0.01 and 100"),
        ("rate", Decimal("250"), "The sending rate “250” must be between 0.01 and 100"),
        ("validity_days", 0, "Days to expire “0” must be between 1 and 14"),
        ("max_segments", 99, "The maximum segments “99” must be between 1 and 30"),
    ],
)
def test_settings_out_of_bounds_are_refused_naming_the_value(world, field, value, says):
    with pytest.raises(ValidationError) as error:
        make_channel(**{field: value})
    assert says in error.value.message_dict[field][0]
    assert not Channel.objects.exists()


def test_a_channel_name_is_used_once(world):
    make_channel(name="Main")
    with pytest.raises(ValidationError) as error:
        make_channel(name="Main")
    assert error.value.message_dict["name"] == [
        "A channel named “Main” exists already; choose another name."
    ]


def test_pausing_keeps_messages_queued_and_resuming_wakes_the_outbox(
    world, kicks, django_capture_on_commit_callbacks
):
    channel = make_channel()
    queued = make_message(channel, status="queued", provider_id=None)
    channel = services.channel_pause(channel=channel, reason="Carrier maintenance")
    assert not channel.is_active and channel.paused_reason == "Carrier maintenance"
    assert Message._base_manager.get(pk=queued.pk).status == "queued"
    with django_capture_on_commit_callbacks(execute=True):
        channel = services.channel_resume(channel=channel)
    assert channel.is_active and channel.paused_reason == ""
    assert kicks == [channel.pk]


def test_resuming_through_the_settings_wakes_the_outbox_too(
    world, kicks, django_capture_on_commit_callbacks
):
    channel = services.channel_pause(channel=make_channel())
    with django_capture_on_commit_callbacks(execute=True):
        services.channel_update(channel=channel, is_active=True, rate=Decimal("5"))
    assert kicks == [channel.pk]


def test_delete_is_refused_while_messages_are_queued(world):
    channel = make_channel()
    make_message(channel, status="queued", provider_id=None)
    with pytest.raises(ValidationError) as error:
        services.channel_delete(channel=channel)
    assert "still has 1 message queued" in error.value.messages[0]
    assert Channel.objects.filter(pk=channel.pk).exists()


def test_a_channel_with_sent_messages_keeps_them_and_says_pause_instead(world):
    channel = make_channel()
    make_message(channel, status="delivered")
    with pytest.raises(ValidationError) as error:
        services.channel_delete(channel=channel)
    assert "pause it instead" in error.value.messages[0]


def test_an_unused_channel_is_deleted_and_audited(world):
    channel = make_channel()
    services.channel_delete(channel=channel)
    assert not Channel.objects.exists()
    with scopes_disabled():
        assert AuditEntry.objects.filter(
            action="delete", object_id=str(channel.pk), content_type__model="channel"
        ).exists()


def test_every_change_is_audited_and_the_tokens_never_appear(world):
    channel = make_channel()
    old_token = channel.dlr_token
    channel = services.channel_update(channel=channel, rate=Decimal("2.5"))
    channel = services.channel_rotate_token(channel=channel)
    with scopes_disabled():
        entries = list(
            AuditEntry.objects.filter(
                object_id=str(channel.pk), content_type__model="channel"
            ).order_by("id")
        )
    assert [e.action for e in entries] == ["create", "update", "update"]
    assert entries[1].changes["rate"] == ["1.00", "2.5"]
    assert "dlr_token" in entries[2].changes  # the rotation shows, masked
    dump = str([(e.before, e.after, e.changes) for e in entries])
    assert old_token not in dump and channel.dlr_token not in dump
    assert channel.inbound_token not in dump


# The pages ---------------------------------------------------------------------------------


def test_only_system_administrators_see_channels(world):
    channel = make_channel()
    for user in (world.admin_a, world.support):
        assert login(user).get(reverse("platform:channel_list")).status_code == 403
        assert (
            login(user).get(reverse("platform:channel_edit", args=[channel.pk])).status_code == 403
        )


def test_the_list_shows_each_channel_s_state_at_a_glance(world):
    active = make_channel(name="Main")
    paused = services.channel_pause(channel=make_channel(name="Backup"), reason="Out of credit")
    message = make_message(active, status="queued", provider_id=None)
    Outbox.objects.create(message=message, channel=active, due_at=message.created_at)
    services.channel_set_error(channel_id=paused.pk, error="Wavix refused: 401 Unauthorized")
    page = login(world.sysadmin).get(reverse("platform:channel_list")).content.decode()
    assert "Main" in page and "Backup" in page
    assert "Out of credit" in page
    assert "Wavix refused: 401 Unauthorized" in page
    assert 'data-testid="channel-queued">1<' in page
    filtered = login(world.sysadmin).get(reverse("platform:channel_list"), {"state": "paused"})
    assert "Backup" in filtered.content.decode() and ">Main<" not in filtered.content.decode()


def test_create_with_bad_input_shows_the_errors_inline_and_saves_nothing(world):
    account = wavix_account("Main")
    response = login(world.sysadmin).post(
        reverse("platform:channel_create"),
        {
            "name": "Main",
            "wavix_account": account.pk,
            "rate": "500",
            "validity_days": "3",
            "max_segments": "10",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "The sending rate “500” must be between 0.01 and 100" in response.content.decode()
    assert not Channel.objects.exists()


def test_create_then_edit_shows_the_absolute_webhook_address(world, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.net"
    account = wavix_account("Main")
    client = login(world.sysadmin)
    response = client.post(
        reverse("platform:channel_create"),
        {
            "name": "Main",
            "wavix_account": account.pk,
            "rate": "10",
            "validity_days": "2",
            "max_segments": "6",
            "media_text": "Picture message",
            "is_active": "on",
        },
    )
    channel = Channel.objects.get()
    assert response.status_code == 302
    assert (channel.rate, channel.validity_days, channel.max_segments) == (Decimal("10"), 2, 6)
    page = client.get(response.url).content.decode()
    assert f"https://portal.example.net/hooks/dlr/{channel.dlr_token}/" in page
    assert 'data-copy-target="#dlr-url"' in page


def test_pause_resume_and_delete_from_the_pages(world, kicks):
    channel = make_channel()
    client = login(world.sysadmin)
    client.post(reverse("platform:channel_pause", args=[channel.pk]))
    assert not Channel.objects.get().is_active
    page = client.get(reverse("platform:channel_edit", args=[channel.pk])).content.decode()
    assert "Paused" in page and 'data-confirm="Delete the channel' in page
    client.post(reverse("platform:channel_resume", args=[channel.pk]))
    assert Channel.objects.get().is_active
    make_message(channel, status="queued", provider_id=None)
    response = client.post(reverse("platform:channel_delete", args=[channel.pk]), follow=True)
    assert "still has 1 message queued" in response.content.decode()
    assert Channel.objects.exists()


def test_test_send_offers_only_the_channel_s_sms_enabled_numbers(world, kicks):
    channel = make_channel()
    other = make_channel(name="Other")
    Did.objects.create(account=channel.wavix_account, number=13125550100, sms_enabled=True)
    Did.objects.create(account=channel.wavix_account, number=13125550101, sms_enabled=False)
    Did.objects.create(account=other.wavix_account, number=13125550102, sms_enabled=True)
    client = login(world.sysadmin)
    page = client.get(reverse("platform:channel_test", args=[channel.pk])).content.decode()
    assert 'value="13125550100"' in page
    assert 'value="13125550101"' not in page and 'value="13125550102"' not in page
    refused = client.post(
        reverse("platform:channel_test", args=[channel.pk]),
        {"sender": "13125550102", "recipient": "+1 312 555 0199", "text": "Hi"},
    )
    assert "13125550102 is not one of the available choices" in refused.content.decode()
    bad_to = client.post(
        reverse("platform:channel_test", args=[channel.pk]),
        {"sender": "13125550100", "recipient": "555-0199", "text": "Hi"},
    )
    assert "“555-0199”" in bad_to.content.decode()
    assert not Message._base_manager.exists()


def test_test_send_queues_a_message_without_a_tenant_and_its_page_follows_it(world, kicks):
    channel = make_channel()
    Did.objects.create(account=channel.wavix_account, number=13125550100, sms_enabled=True)
    client = login(world.sysadmin)
    response = client.post(
        reverse("platform:channel_test", args=[channel.pk]),
        {"sender": "13125550100", "recipient": "+1 312 555 0199", "text": "Hello from the test"},
    )
    with scopes_disabled():
        message = Message.objects.get()
    assert (message.tenant, message.source, message.recipient) == (None, "test", "13125550199")
    assert Outbox.objects.filter(message=message, status="queued").exists()
    page = client.get(response.url).content.decode()
    assert 'data-polling="on"' in page and "Hello from the test" in page
    assert 'data-testid="message-status">Queued<' in page


def test_the_debug_log_page_lists_the_channel_s_requests(world):
    channel = make_channel(debug_log=True)
    ChannelLogEntry.objects.create(
        channel=channel,
        method="POST",
        url="https://api.wavix.com/v3/messages",
        status_code=201,
        request_body='{"to": "13125550199", "appid": "[redacted]"}',
        response_body='{"message_id": "m-1"}',
        duration_ms=120,
    )
    ChannelLogEntry.objects.create(
        channel=make_channel(name="Other"), method="GET", url="https://api.wavix.com/other"
    )
    page = login(world.sysadmin).get(reverse("platform:channel_log"), {"channel": channel.pk})
    text = page.content.decode()
    assert "/v3/messages" in text and "[redacted]" in text
    assert "/other" not in text


# The platform API --------------------------------------------------------------------------


def test_the_api_creates_updates_pauses_and_deletes_channels(world, kicks):
    account = wavix_account("Main")
    api = api_client(world.sysadmin)
    created = api.post(
        "/api/v1/channels/",
        {"name": "Main", "wavix_account": account.pk, "rate": "5"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["dlr_url"].endswith(f"/hooks/dlr/{Channel.objects.get().dlr_token}/")
    bad = api.patch(f"/api/v1/channels/{body['id']}/", {"max_segments": 99}, format="json")
    assert bad.status_code == 400
    assert "“99” must be between 1 and 30" in str(bad.json()["errors"]["max_segments"])
    assert api.post(f"/api/v1/channels/{body['id']}/pause/").json()["is_active"] is False
    assert api.post(f"/api/v1/channels/{body['id']}/resume/").json()["is_active"] is True
    assert api.delete(f"/api/v1/channels/{body['id']}/").status_code == 204
    assert not Channel.objects.exists()


def test_the_api_is_for_system_administrators_only(world):
    make_channel()
    assert api_client(world.admin_a, world.a).get("/api/v1/channels/").status_code in (403, 404)
