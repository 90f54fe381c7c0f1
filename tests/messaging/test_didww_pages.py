"""The DIDWW channel's pages for a system administrator: the new channel page's DIDWW tab
asks for the API host and the HTTP OUT trunk's credentials (a password input, refused inline
when wrong, naming the value); the channel's page then gives the two HTTP IN templates to
paste, the trunk settings, and the delivery reports address as the HTTP OUT trunk's Callback
URL, and never the credentials. The demo seeds one channel on the fake, once."""

from __future__ import annotations

import html
import io
import re

from django.urls import reverse

from messaging.hooks import dlr_url, inbound_url
from messaging.models import Channel
from messaging.providers.didww import TEMPLATE, TEMPLATE_WITH_UUID
from sandbox.didww.demo import seed_demo_didww
from sandbox.didww.trunks import demo_trunk
from tests.conftest import login

FORM = {
    "name": "DIDWW main",
    "rate": "5",
    "validity_days": "3",
    "max_segments": "10",
    "is_active": "on",
    "numbers": "13325550100-13325550102",
    "base_url": "https://us.sms-out.didww.com",
    "username": "trunk-user-81",
    "password": "trunk-pass-f00d",
}


def textarea(page: str, element_id: str) -> str:
    match = re.search(rf'<textarea[^>]*id="{element_id}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no textarea #{element_id}"
    return html.unescape(match.group(1))


def test_the_didww_tab_asks_for_the_trunk_and_creates_the_channel(world, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.net"
    client = login(world.sysadmin)
    url = reverse("platform:channel_create") + "?kind=didww"
    page = client.get(url).content.decode()
    assert "DIDWW settings" in page and "https://eu.sms-out.didww.com" in page
    assert re.search(r'<input type="password" name="password"', page)
    response = client.post(url, FORM)
    assert response.status_code == 302
    channel = Channel.objects.get()
    assert channel.kind == "didww" and channel.config == {"base_url": FORM["base_url"]}
    assert channel.secrets() == {"username": "trunk-user-81", "password": "trunk-pass-f00d"}
    assert channel.numbers == "13325550100-13325550102"

    page = client.get(response["Location"]).content.decode()
    assert textarea(page, "didww-template") == TEMPLATE
    assert textarea(page, "didww-template-uuid") == TEMPLATE_WITH_UUID
    assert 'data-copy-target="#didww-template"' in page
    assert f'value="{dlr_url(channel)}" data-testid="didww-callback-url"' in page
    assert inbound_url(channel) in page
    assert "https://us.sms-out.didww.com/outbound_messages" in page
    assert "trunk-pass-f00d" not in page and "trunk-user-81" not in page


def test_a_plain_http_host_is_refused_inline_naming_it(world):
    client = login(world.sysadmin)
    url = reverse("platform:channel_create") + "?kind=didww"
    response = client.post(url, {**FORM, "base_url": "http://sms-out.didww.com"})
    assert response.status_code == 200
    assert "The address “http://sms-out.didww.com” must be an https:// address" in (
        response.content.decode()
    )
    assert not Channel.objects.exists()


def test_the_demo_seeds_one_channel_on_the_fake_and_points_the_trunk_back_at_it(db, settings):
    settings.WAVIX_SANDBOX_ENABLED = True
    out = io.StringIO()
    channel = seed_demo_didww("http://127.0.0.1:8000", out)
    again = seed_demo_didww("http://127.0.0.1:8000/", out)
    assert again.pk == channel.pk and Channel.objects.filter(kind="didww").count() == 1
    assert channel.config["base_url"] == "http://127.0.0.1:8000/didww-sandbox"
    assert channel.numbers == "13325550100-13325550109"
    trunk = demo_trunk()
    path = reverse("hooks:dlr", kwargs={"token": channel.dlr_token})
    assert trunk.callback_url == f"http://127.0.0.1:8000{path}"
    assert trunk.inbound_url.endswith(f"/hooks/inbound/{channel.inbound_token}/")
    assert "created" in out.getvalue()


def test_with_the_sandbox_on_the_channel_page_links_to_the_fakes_inbound_page(world, settings):
    settings.WAVIX_SANDBOX_ENABLED = True
    client = login(world.sysadmin)
    client.post(reverse("platform:channel_create") + "?kind=didww", FORM)
    channel = Channel.objects.get()
    page = client.get(reverse("platform:channel_edit", args=[channel.pk])).content.decode()
    assert reverse("didww_sandbox:simulate_inbound") in page
    settings.WAVIX_SANDBOX_ENABLED = False
    page = client.get(reverse("platform:channel_edit", args=[channel.pk])).content.decode()
    assert "didww-simulate" not in page
