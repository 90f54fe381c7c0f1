"""The message log in real Chromium: a tenant admin filters the tenant's messages, sees the
totals follow, and opens a message to read its status history and the provider's answers."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import days_ago
from tests.messaging.factories import channel, message

from .test_roles import heading, log_in, table_rows, tenant_nav

pytestmark = pytest.mark.e2e


def test_the_message_log_with_a_messages_status_history(page, live_server, world, screenshot):
    channel()
    message(
        world.a,
        status="delivered",
        text="Delivered one",
        charge=Decimal("0.0079"),
        provider_segments=1,
        at=days_ago(1),
    )
    message(
        world.a,
        status="undelivered",
        reason="Destination unreachable",
        text="Lost one",
        recipient="16465550000",
        charge=Decimal("0.0079"),
        provider_segments=2,
        at=days_ago(0),
        events=[
            ("accepted", "provider", "", {"message_id": "wx-1", "status": "accepted"}),
            ("sent", "report", "", {"status": "sent"}),
            ("undelivered", "report", "Destination unreachable", {"error": "unreachable"}),
        ],
    )
    message(world.b, text="Globex only", at=days_ago(0))

    log_in(page, live_server.url, world.admin_a)
    tenant_nav(page).locator("a[href$='/messages/']").click()
    expect(heading(page)).to_have_text("Messages")
    expect(table_rows(page, "message-table")).to_have_count(2)
    expect(page.get_by_test_id("total-segments")).to_have_text("3")
    expect(page.get_by_test_id("total-charge")).to_have_text("$0.0158")
    expect(page.get_by_test_id("message-table")).not_to_contain_text("Globex only")

    page.get_by_label("Status").select_option(label="Not delivered")
    expect(table_rows(page, "message-table")).to_have_count(1)
    expect(page.get_by_test_id("total-messages")).to_have_text("1")
    expect(page).to_have_url(re.compile(r"/t/acme/messages/\?.*status=undelivered"))
    screenshot("message-log-filtered")

    table_rows(page, "message-table").get_by_role("link").click()
    expect(heading(page)).to_have_text("Message to +16465550000")
    entries = page.get_by_test_id("history-entry")
    expect(entries).to_have_count(4)
    expect(entries.get_by_test_id("message-status")).to_have_text(
        ["Queued", "Accepted", "Sent", "Not delivered"]
    )
    expect(entries.nth(3)).to_contain_text("Destination unreachable")
    entries.nth(1).locator("summary").click()
    expect(entries.nth(1).get_by_test_id("history-detail")).to_contain_text('"message_id": "wx-1"')
    screenshot("message-detail-history")
