"""Compose in real Chromium: the live segment count switches from GSM-7 to UCS-2 as the user
types a curly apostrophe and points at it; a send the rules refuse shows its reason by the
field; a send that passes lands in the message log with the count the page showed."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from messaging.models import Message
from tests.messaging.factories import channel, sender_id

from .test_roles import heading, log_in, tenant_nav

pytestmark = pytest.mark.e2e


@pytest.fixture
def senders(world, monkeypatch):
    # The outbox's worker is another part's: a queued message stays queued here.
    monkeypatch.setattr("messaging.services.outbox.outbox_kick", lambda channel_id: None)
    wavix = channel()
    return sender_id(world.a, "12125550100", on=wavix), sender_id(world.a, "ACME", on=wavix)


def test_compose_counts_live_refuses_with_a_reason_and_sends(
    page, live_server, world, senders, screenshot
):
    number, name = senders
    log_in(page, live_server.url, world.admin_a)
    tenant_nav(page).get_by_role("link", name="New message").click()
    expect(heading(page)).to_have_text("New message")

    box = page.get_by_label("Message")
    box.press_sequentially("Its on its way")
    expect(page.get_by_test_id("segment-encoding")).to_have_text("GSM-7")
    expect(page.get_by_test_id("segment-remaining")).to_have_text("146")
    expect(page.get_by_test_id("segment-forcing")).to_have_count(0)

    box.fill("")
    box.press_sequentially("It’s on its way")
    expect(page.get_by_test_id("segment-encoding")).to_have_text("UCS-2")
    expect(page.get_by_test_id("segment-segments")).to_have_text("1")
    expect(page.get_by_test_id("segment-remaining")).to_have_text("55")
    expect(page.get_by_test_id("forcing-char")).to_have_text(
        "’ at character 3 (U+2019): type ' instead"
    )
    expect(page.locator("[data-testid=segment-preview] mark")).to_have_text("’")
    screenshot("compose-ucs2")

    # A name cannot send to a US number: refused, the reason by the field, input kept.
    page.get_by_label("From").select_option(label="ACME")
    page.get_by_label("To").fill("(646) 809-7065")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".invalid-feedback")).to_contain_text(
        "A name such as “ACME” cannot send to numbers in US"
    )
    expect(page.get_by_label("To")).to_have_value("(646) 809-7065")
    expect(page.get_by_test_id("segment-encoding")).to_have_text("UCS-2")
    screenshot("compose-refused")
    with scopes_disabled():
        assert not Message.objects.exists()

    # Replace the apostrophe as the page suggests, choose the number, send.
    box.fill("")
    box.press_sequentially("It's on its way")
    expect(page.get_by_test_id("segment-encoding")).to_have_text("GSM-7")
    page.get_by_label("From").select_option(label="+12125550100")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "Your 1-segment GSM-7 SMS to +16468097065 is queued"
    )
    expect(page.get_by_test_id("message-segments")).to_contain_text("1 counted")
    expect(page.get_by_test_id("history-entry")).to_contain_text(["Queued"])
    with scopes_disabled():
        message = Message.objects.get()
    assert (message.text, message.encoding, message.segments) == ("It's on its way", "GSM-7", 1)
