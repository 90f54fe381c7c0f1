"""A channel test send in real Chromium, against the Wavix sandbox served by the live server:
a system administrator creates the channel (bad input refused inline), copies its webhook
address, sends a test from one of its SMS-enabled numbers, and watches the provider's answer
and each delivery report arrive (the sandbox posts them to the channel's webhook)."""

from __future__ import annotations

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from dids import services as dids_services
from dids.models import Did
from messaging.models import Message, WebhookEvent
from sandbox.wavix.accounts import account_for_key
from sandbox.wavix.models import SandboxNumber
from sandbox.wavix.seed import seed_account

from .test_roles import heading, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def wavix(live_sandbox, settings, world, live_server):
    settings.PORTAL_BASE_URL = live_server.url
    sandbox = account_for_key(settings.WAVIX_SANDBOX_API_KEY)
    seed_account(account=sandbox, purchased=10)
    dids_services.sync_start(account=live_sandbox)
    number = (
        Did.objects.filter(account=live_sandbox, sms_enabled=True, country="US")
        .values_list("number", flat=True)
        .first()
    )
    assert number and SandboxNumber.objects.get(number=str(number)).sms_enabled
    return live_sandbox, number


def test_a_channel_test_send(page, live_server, world, wavix, screenshot):
    account, number = wavix
    log_in(page, live_server.url, world.sysadmin)
    page.locator("nav [data-nav=platform]").get_by_role("link", name="Channels").click()
    expect(heading(page)).to_have_text("Messaging channels")
    page.get_by_role("link", name="New channel").click()

    # Bad input first: refused inline, naming the value.
    page.get_by_label("Name").fill("Wavix main")
    page.get_by_label("Wavix account").select_option(label=account.name)
    page.get_by_label("Sending rate").fill("500")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".invalid-feedback")).to_contain_text(
        [re.compile("The sending rate “500” must be between 0.01 and 100")]
    )
    page.get_by_label("Sending rate").fill("5")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("Channel “Wavix main” saved.")
    expect(page.get_by_test_id("dlr-url")).to_have_value(
        re.compile(rf"^{re.escape(live_server.url)}/hooks/dlr/[A-Za-z0-9_-]{{32}}/$")
    )
    expect(page.get_by_test_id("channel-numbers")).to_contain_text(f"+{number}")
    screenshot("channel-form")

    page.get_by_role("link", name="Test send").click()
    expect(heading(page)).to_have_text("Test send on Wavix main")
    page.get_by_label("From").select_option(str(number))
    page.get_by_label("To").fill("+1 312 555 0199")
    page.get_by_label("Text").fill("Hello from the channel test")
    page.get_by_role("button", name="Send test").click()

    expect(heading(page)).to_have_text("Test message")
    expect(page.get_by_test_id("message-status")).to_have_text("Delivered", timeout=15_000)
    events = page.get_by_test_id("message-events")
    # The provider's answer: its id for the message (with the sandbox eager, its reports
    # may come before the answer to the send itself).
    expect(page.get_by_test_id("provider-id")).to_have_text(re.compile(r"^[0-9a-f-]{8,}$"))
    expect(events.locator("tr[data-source=report][data-status=delivered]")).to_have_count(1)
    expect(page.get_by_test_id("test-message")).to_have_attribute("data-polling", "off")
    screenshot("channel-test-send")

    with scopes_disabled():
        message = Message.objects.get()
    assert message.tenant is None and message.source == "test"
    assert message.charge is not None
    assert WebhookEvent.objects.filter(message=message, state="processed").exists()
