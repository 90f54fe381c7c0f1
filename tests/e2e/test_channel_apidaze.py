"""An Apidaze channel in real Chromium, against the fake Apidaze served by the live server: a
system administrator creates it (a bad API address refused inline), sees the inbound
webhook to set on each number in Apidaze and what Apidaze thinks of the portal's address,
sends a test that the fake delivers, and a customer's text (the fake's "simulate inbound")
reaches the portal."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from messaging.hooks import dlr_url, inbound_url
from messaging.models import Channel, Message
from messaging.providers import http
from sandbox.apidaze import services as fake_services
from sandbox.apidaze.services import account_save, number_save
from sandbox.apidaze.tasks import deliver_callback

from .test_roles import heading, log_in

pytestmark = pytest.mark.e2e

KEY, SECRET = "ak-e2e-0123456789", "sec-e2e-0123456789"


@pytest.fixture
def fake(live_server, settings, eager_celery, monkeypatch):
    """The fake Apidaze on the live server. Its callbacks go as a worker runs them, after
    their countdown (one second here), so a status follows the send's answer as on a real
    network rather than inside it, as an eager task would."""
    settings.PORTAL_BASE_URL = live_server.url
    settings.WAVIX_SANDBOX_ENABLED = True

    def later(callback_id: int, countdown: float = 0) -> None:
        def run() -> None:
            try:
                deliver_callback.apply((callback_id,))
            finally:
                connection.close()

        threading.Timer(min(countdown, 1.0), run).start()

    monkeypatch.setattr(fake_services, "_enqueue", later)
    yield account_save(api_key=KEY, api_secret=SECRET)
    # The channel's kept-alive connections to the live server end with the test, so the
    # server's threads close their database connections before the database is dropped.
    for session in list(http._sessions.values()):
        session.close()


def test_an_apidaze_channel_is_set_up_and_sends_and_receives(
    page, live_server, world, fake, screenshot
):
    log_in(page, live_server.url, world.sysadmin)
    page.goto(f"{live_server.url}/platform/channels/new/")
    page.get_by_test_id("channel-kinds").get_by_role("link", name="Apidaze").click()
    page.get_by_label("Name").fill("Apidaze main")
    page.get_by_label("Sending rate").fill("5")
    page.get_by_label("Numbers").fill("+1 332 555 0200 - +1 332 555 0201")
    page.get_by_label("API address").fill("ftp://api.apidaze.io")
    page.get_by_label("API key").fill(KEY)
    page.get_by_label("API secret").fill(SECRET)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".invalid-feedback")).to_contain_text(
        [re.compile("The API address “ftp://api.apidaze.io” must be an address starting with")]
    )

    page.get_by_label("API address").fill(f"{live_server.url}/apidaze-sandbox")
    page.get_by_label("API key").fill(KEY)
    page.get_by_label("API secret").fill(SECRET)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("Channel “Apidaze main” saved.")
    channel = Channel.objects.get(name="Apidaze main")
    expect(page.get_by_test_id("apidaze-inbound-url")).to_have_value(inbound_url(channel))
    checks = page.get_by_test_id("domain-checks")
    expect(checks.locator("li[data-ok=yes]")).to_contain_text(
        "The host name “localhost” contains no underscore."
    )
    expect(checks.locator("li[data-ok=no]")).to_contain_text(
        "The portal's address is served over http, not https"
    )
    expect(page.get_by_test_id("apidaze-setup")).to_contain_text("10DLC registration")
    expect(page.locator("body")).not_to_contain_text(SECRET)
    screenshot("channel-apidaze")

    # In Apidaze's console: the status callbacks and each number's messaging webhook.
    account_save(api_key=KEY, api_secret=SECRET, callback_url=dlr_url(channel))
    number_save(account=fake, number="13325550200", webhook_url=inbound_url(channel))

    page.get_by_role("link", name="Test send").click()
    page.get_by_label("From").select_option("13325550200")
    page.get_by_label("To").fill("+1 312 555 0199")
    page.get_by_label("Text").fill("Hello through Apidaze")
    page.get_by_role("button", name="Send test").click()
    expect(heading(page)).to_have_text("Test message")
    expect(page.get_by_test_id("message-status")).to_have_text("Delivered", timeout=15_000)
    expect(page.get_by_test_id("provider-id")).to_have_text(re.compile(r"^[0-9a-f-]{36}$"))

    page.goto(f"{live_server.url}/apidaze-sandbox/_operator/simulate-inbound/")
    page.get_by_label("From").fill("+16468097065")
    page.get_by_label("Text").fill("Is the shop open?")
    page.get_by_test_id("simulate-send").click()
    expect(page.get_by_test_id("simulate-result")).to_contain_text("the portal answered 200")
    with scopes_disabled():
        received = Message.objects.get(direction="inbound")
    assert (received.sender, received.recipient) == ("16468097065", "13325550200")
    assert received.text == "Is the shop open?"
