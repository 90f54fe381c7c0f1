"""Intake in real Chromium: a visitor sends an inbound message from the sandbox's simulate
page (the sandbox posts it to the number's inbound address, which the portal pointed at its
channel when the number entered the pool) and it appears in the tenant's message log; a
tenant admin edits a keyword reply with its live segment count."""

import pytest
from django.conf import settings
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from dids import services as dids_services
from dids.models import Did
from messaging.hooks import inbound_url
from messaging.models import Channel, KeywordReplies, Message
from sandbox.wavix.accounts import account_for_key
from sandbox.wavix.models import SandboxNumber
from sandbox.wavix.seed import seed_account
from tests.messaging.intake_support import routed  # noqa: F401 - the fixture

from .test_roles import heading, log_in, tenant_nav

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("routed")]


@pytest.fixture
def pooled_number(world, live_sandbox, live_server, settings):
    settings.PORTAL_BASE_URL = live_server.url
    seed_account(account=account_for_key(settings.WAVIX_SANDBOX_API_KEY), purchased=12)
    channel = Channel.objects.create(name="Wavix main", wavix_account=live_sandbox)
    dids_services.sync_start(account=live_sandbox)  # runs at once (eager), over HTTP
    number = (
        Did.objects.filter(account=live_sandbox, sms_enabled=True, status="active")
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )
    with scopes_disabled():
        dids_services.pool_save(tenant=world.a, text=str(number))
    # Entering the pool pointed it at the channel, on the sandbox, through Wavix's API.
    assert SandboxNumber.objects.get(number=str(number)).sms_relay_url == inbound_url(channel)
    return number


def test_a_simulated_inbound_message_appears_in_the_tenants_message_log(
    page, live_server, world, pooled_number, screenshot
):
    log_in(page, live_server.url, world.admin_a)
    page.goto(f"{live_server.url}/wavix-sandbox/_operator/simulate-inbound/")
    expect(heading(page)).to_contain_text("Simulate an inbound message")
    page.get_by_label("To (the account's number)").select_option(f"{pooled_number}")
    page.get_by_label("From").fill("+1 646 809 7065")
    page.get_by_label("Text").fill("Is the store open on Sunday?")
    page.get_by_test_id("simulate-send").click()
    expect(page.get_by_test_id("simulate-result")).to_contain_text("the portal answered 200")
    screenshot("intake-simulated")

    tenant_nav(page).locator("a[href$='/messages/']").click()
    expect(page.get_by_text("Is the store open on Sunday?")).to_be_visible()
    message = Message._base_manager.get(direction="inbound")
    assert message.tenant == world.a and message.recipient == str(pooled_number)
    assert settings.WAVIX_SANDBOX_ENABLED


def test_a_tenant_admin_edits_a_keyword_reply_with_its_segment_count(
    page, live_server, world, screenshot
):
    log_in(page, live_server.url, world.admin_a)
    tenant_nav(page).get_by_role("link", name="Keyword replies").click()
    expect(heading(page)).to_have_text("Keyword replies")
    box = page.get_by_label("Reply to HELP")
    expect(box).to_have_attribute(
        "placeholder", "Reply STOP to unsubscribe, START to subscribe again."
    )
    box.fill("")
    box.press_sequentially("Acme: call us at 555-0100 ’")
    counter = page.get_by_test_id("segments-help_text")
    expect(counter.get_by_test_id("segment-encoding")).to_have_text("UCS-2")
    expect(counter.get_by_test_id("segment-segments")).to_have_text("1")
    screenshot("intake-keyword-replies")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Keyword replies saved")).to_be_visible()
    expect(page.get_by_label("Reply to HELP")).to_have_value("Acme: call us at 555-0100 ’")
    with scopes_disabled():
        assert KeywordReplies.objects.get(tenant=world.a).help_text == "Acme: call us at 555-0100 ’"
