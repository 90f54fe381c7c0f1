"""A DIDWW channel in real Chromium, against the fake DIDWW served by the live server over
HTTP: a system administrator creates the channel on the new channel page's DIDWW tab (a host
that is not https refused inline first; the fake's plain http one is allowed while the sandbox
is on), copies the HTTP IN template from its page, pastes its Callback URL on the (fake)
trunk, and a test send from an attached number is accepted, then reported sent and delivered
by DIDWW's callbacks. Inbound, a visitor sends a message with quotes and a new line from the
fake's "simulate inbound" page (DIDWW's HTTP IN trunk, the text put in raw so the JSON breaks)
and it appears in the tenant's message log as typed."""

from __future__ import annotations

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from dids import services as dids_services
from messaging.hooks import inbound_url
from messaging.models import Channel, Message
from messaging.providers.didww import TEMPLATE
from messaging.providers.http import session_for
from messaging.services.channels import channel_create
from sandbox.didww.trunks import DEMO_PASSWORD, DEMO_USERNAME, trunk_configure
from tests.messaging.intake_support import routed  # noqa: F401 - the fixture

from .test_roles import heading, log_in, tenant_nav

pytestmark = pytest.mark.e2e


@pytest.fixture
def fake_didww(live_server, settings, eager_celery, hold_task):
    """The fake on the live server; its carrier steps held until the test lets them go (the
    eager worker would run them at once, before the send's own answer is back)."""
    settings.WAVIX_SANDBOX_ENABLED = True
    settings.PORTAL_BASE_URL = live_server.url
    steps = hold_task("sandbox.didww.tasks", "progress_message")
    yield steps
    for channel in Channel.objects.filter(kind="didww"):
        session_for(channel).close()


def test_a_didww_channel_is_set_up_in_the_browser_and_a_test_send_is_delivered(
    page, live_server, world, fake_didww, screenshot
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    log_in(page, live_server.url, world.sysadmin)
    page.goto(f"{live_server.url}/platform/channels/new/")
    page.get_by_test_id("channel-kinds").get_by_role("link", name="DIDWW").click()
    expect(page.locator("[data-testid=kind-settings] legend")).to_have_text("DIDWW settings")

    page.get_by_label("Name", exact=True).fill("DIDWW main")
    page.get_by_label("Numbers").fill("13325550100-13325550103")
    page.get_by_label("API host").fill("ftp://sms-out.didww.com")
    page.get_by_label("HTTP OUT trunk username").fill(DEMO_USERNAME)
    page.get_by_label("HTTP OUT trunk password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".invalid-feedback")).to_contain_text(
        [re.compile("The address “ftp://sms-out.didww.com” must be an https:// address")]
    )
    page.get_by_label("API host").fill(f"{live_server.url}/didww-sandbox")
    # Secrets are never sent back to the browser: typed again after the refusal.
    page.get_by_label("HTTP OUT trunk username").fill(DEMO_USERNAME)
    page.get_by_label("HTTP OUT trunk password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("Channel “DIDWW main” saved.")
    expect(page.get_by_test_id("channel-kind")).to_have_text("DIDWW")

    # The HTTP IN template to paste on DIDWW, copied with its button.
    box = page.get_by_test_id("didww-template")
    expect(box).to_have_value(TEMPLATE)
    page.get_by_test_id("didww-template-copy").click()
    expect(page.get_by_test_id("didww-template-copy")).to_have_text(re.compile("Copied"))
    assert page.evaluate("navigator.clipboard.readText()") == TEMPLATE
    expect(page.get_by_test_id("didww-template-uuid")).to_have_value(
        re.compile(r'^\{"uuid":"\{SMS_UUID\}",')
    )
    callback = page.get_by_test_id("didww-callback-url").input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/hooks/dlr/[A-Za-z0-9_-]{{32}}/", callback)
    expect(page.get_by_test_id("channel-numbers")).to_contain_text("+13325550100")
    screenshot("didww-channel")
    # On DIDWW: the Callback URL pasted into the HTTP OUT trunk.
    trunk_configure(username=DEMO_USERNAME, callback_url=callback)

    page.get_by_role("link", name="Test send").click()
    expect(heading(page)).to_have_text("Test send on DIDWW main")
    page.get_by_label("From").select_option("13325550100")
    page.get_by_label("To").fill("+1 312 555 0199")
    page.get_by_label("Text").fill('Hello "from" DIDWW')
    page.get_by_role("button", name="Send test").click()
    expect(heading(page)).to_have_text("Test message")
    expect(page.get_by_test_id("message-status")).to_have_text("Accepted", timeout=15_000)
    expect(page.get_by_test_id("provider-id")).to_have_text(re.compile(r"^[0-9a-f-]{36}$"))

    # DIDWW's status callback, then its delivery report, a carrier step apart.
    while fake_didww.messages:
        fake_didww.run_next()
    expect(page.get_by_test_id("message-status")).to_have_text("Delivered", timeout=15_000)
    events = page.get_by_test_id("message-events")
    expect(events.locator("tr[data-source=report][data-status=sent]")).to_have_count(1)
    expect(events.locator("tr[data-source=report][data-status=delivered]")).to_have_count(1)
    screenshot("didww-test-send")
    with scopes_disabled():
        message = Message.objects.get()
    assert message.status == "delivered" and message.text == 'Hello "from" DIDWW'


@pytest.mark.usefixtures("routed")
def test_a_message_from_the_fakes_http_in_trunk_appears_in_the_tenants_log_as_typed(
    page, live_server, world, fake_didww, screenshot
):
    channel = channel_create(
        kind="didww",
        name="DIDWW main",
        config={"base_url": f"{live_server.url}/didww-sandbox"},
        credentials={"username": DEMO_USERNAME, "password": DEMO_PASSWORD},
        numbers="13325550100-13325550101",
    )
    with scopes_disabled():
        dids_services.pool_save(tenant=world.a, text="13325550100")
    # On DIDWW: the HTTP IN trunk's request URL is the channel's inbound webhook.
    trunk_configure(username=DEMO_USERNAME, inbound_url=inbound_url(channel))

    log_in(page, live_server.url, world.admin_a)
    page.goto(f"{live_server.url}/didww-sandbox/_operator/simulate-inbound/")
    expect(heading(page)).to_contain_text("Simulate an inbound message")
    expect(page.get_by_label("Request URL")).to_have_value(inbound_url(channel))
    page.get_by_label("To (the DID)").fill("+1 332 555 0100")
    page.get_by_label("From").fill("+16468097065")
    page.get_by_label("Text").fill('Is the "big" store open\non Sunday?')
    page.get_by_test_id("simulate-send").click()
    expect(page.get_by_test_id("simulate-result")).to_contain_text("the portal answered 200")
    expect(page.get_by_test_id("simulate-body")).to_contain_text('"text":"Is the "big" store')
    screenshot("didww-simulated")

    page.goto(live_server.url)
    tenant_nav(page).locator("a[href$='/messages/']").click()
    expect(page.get_by_text('Is the "big" store open')).to_be_visible()
    message = Message._base_manager.get(direction="inbound")
    # Exactly as sent (a browser sends a textarea's new line as CR LF).
    assert message.tenant == world.a and message.text == 'Is the "big" store open\r\non Sunday?'
