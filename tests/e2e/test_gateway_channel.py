"""An HTTP SMS gateway channel in real Chromium, against the BulkSMS fake served by the live
server: a system administrator fills the form from the BulkSMS preset, points it at the fake
and gives the custom header, saves, runs the balance check ("Run test" shows the parsed
balance), and a test send reaches Delivered (the fake posts its report to the channel's
webhook, once the test lets it go)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from messaging.providers.http import _sessions
from sandbox.gateways.credentials import HEADERS
from sandbox.gateways.services import account_set

from .test_roles import heading, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def fake_gateway(live_server, settings, eager_celery):
    settings.WAVIX_SANDBOX_ENABLED = True
    settings.PORTAL_BASE_URL = live_server.url
    account_set(gateway="bulksms", balance=Decimal("73.5"))
    yield f"{live_server.url}/gateway-sandbox/bulksms"
    for session in list(_sessions.values()):
        session.close()  # the live server's threads end their connections with the test


def test_a_gateway_channel_from_the_bulksms_preset(
    page, live_server, world, fake_gateway, hold_task, screenshot
):
    # The fake's report waits until the test lets it go (eager, it would come before the
    # gateway's answer to the send: a real gateway's comes seconds later).
    report = hold_task("sandbox.gateways.tasks", "deliver_report")
    log_in(page, live_server.url, world.sysadmin)
    page.goto(f"{live_server.url}/platform/channels/new/")
    page.get_by_test_id("channel-kinds").get_by_role("link", name="HTTP SMS gateway").click()
    page.get_by_test_id("presets").get_by_role("link", name="BulkSMS").click()
    expect(page.get_by_label("Gateway URL")).to_have_value("https://api.bulksms.com/v1/messages")
    expect(page.get_by_label("Balance field")).to_have_value("credits.balance")

    page.get_by_label("Name", exact=True).fill("BulkSMS")
    page.get_by_label("Numbers").fill("+1 332 555 0300 - +1 332 555 0301")
    page.get_by_label("Gateway URL").fill(f"{fake_gateway}/v1/messages")
    page.get_by_label("Balance check URL").fill(f"{fake_gateway}/v1/profile")
    headers = page.get_by_label("Custom headers")
    expect(headers).to_have_attribute("placeholder", re.compile("Basic <base64 of token id"))
    headers.fill(HEADERS["bulksms"])
    # Bad input first: JSON with GET is refused inline, naming the rule.
    page.get_by_label("Method", exact=True).select_option("GET")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".invalid-feedback")).to_contain_text(
        [re.compile("JSON can be used only with the POST method")]
    )
    page.get_by_label("Method", exact=True).select_option("POST")
    page.get_by_label("Custom headers").fill(HEADERS["bulksms"])  # a secret is typed again
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("Channel “BulkSMS” saved.")

    page.get_by_test_id("gateway-balance").get_by_role("button", name="Run test").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "The gateway answered: the balance is 73.5."
    )
    expect(page.get_by_test_id("balance-value")).to_have_text("73.50")
    screenshot("gateway-channel")

    dlr_url = page.get_by_test_id("dlr-url").input_value()
    account_set(gateway="bulksms", dlr_url=dlr_url)  # set on the gateway's side, as a user would
    page.get_by_role("link", name="Test send").click()
    page.get_by_label("From").select_option("13325550300")
    page.get_by_label("To").fill("+1 312 555 0199")
    page.get_by_label("Text").fill("Hello from the gateway test")
    page.get_by_role("button", name="Send test").click()
    expect(heading(page)).to_have_text("Test message")
    expect(page.get_by_test_id("message-status")).to_have_text("Accepted")
    assert report.run_next() is True  # the fake posts its report to the channel's webhook
    expect(page.get_by_test_id("message-status")).to_have_text("Delivered", timeout=15_000)
    expect(page.get_by_test_id("provider-id")).to_have_text(re.compile(r"^[0-9a-f]{16}$"))

    page.goto(f"{live_server.url}/platform/channels/")
    expect(page.get_by_test_id("channel-balance")).to_have_text(re.compile(r"7\d\.\d\d"))
    screenshot("gateway-channel-list")
