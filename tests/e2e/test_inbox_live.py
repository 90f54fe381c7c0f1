"""The inbox in real Chromium (part C), against the Wavix sandbox on the live server: a new
inbound message appears in the queue tab of two agents without a reload; one picks it up and
it leaves the other's list; the reply (a canned text inserted, the count updating) goes out
from the conversation's number and its delivery state turns to Delivered live (the sandbox's
delivery report); after the person opts out, a reply is refused with the plain reason."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from dids import services as dids_services
from dids.models import Did
from messaging.models import CannedReply, Channel, Message, MessageQueue
from messaging.services.optouts import opt_out_add
from sandbox.wavix.accounts import account_for_key
from sandbox.wavix.seed import seed_account
from tenants.models import Role
from tests.factories import member
from tests.messaging.factories import sender_id
from tests.messaging.inbox import inbound

from .test_roles import log_in

pytestmark = pytest.mark.e2e

LIVE = 3_000  # the bound for a change to reach an open page, in milliseconds


@pytest.fixture
def desk(live_sandbox, settings, world, live_server, tmp_path):
    settings.PORTAL_BASE_URL = live_server.url
    settings.MESSAGING_MEDIA_ROOT = str(tmp_path / "mms")
    sandbox = account_for_key(settings.WAVIX_SANDBOX_API_KEY)
    seed_account(account=sandbox, purchased=10)
    dids_services.sync_start(account=live_sandbox)
    number = str(
        Did.objects.filter(account=live_sandbox, sms_enabled=True, country="US")
        .values_list("number", flat=True)
        .first()
    )
    agent2 = member(world.a, Role.AGENT, email="agent2@acme.example", full_name="Bea Second")
    with scopes_disabled():
        channel = Channel.objects.create(name="Wavix main", wavix_account=live_sandbox)
        sender_id(world.a, number, on=channel)
        queue = MessageQueue.objects.create(tenant=world.a, name="Support")
        queue.members.add(world.agent_a, agent2)
        CannedReply.objects.create(
            tenant=world.a, title="On it", text="Thanks, we’re looking into it."
        )
    return SimpleNamespace(world=world, channel=channel, queue=queue, agent2=agent2, number=number)


def test_two_agents_see_it_live_one_picks_up_replies_and_sees_it_delivered(
    browser, page, live_server, desk, screenshot
):
    world = desk.world
    other = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    other.set_default_timeout(10_000)
    log_in(page, live_server.url, world.agent_a)
    log_in(other, live_server.url, desk.agent2)
    for tab in (page, other):
        tab.goto(f"{live_server.url}/t/acme/inbox/?tab=queues")
        expect(tab.get_by_test_id("inbox-empty")).to_be_visible()

    inbound(desk, "My internet is down since this morning", our=desk.number)
    for tab in (page, other):
        row = tab.get_by_test_id("conversation-row")
        expect(row).to_have_count(1, timeout=LIVE)
        expect(row).to_contain_text("My internet is down")
        expect(row).to_contain_text("Waiting in Support")
    screenshot("inbox-queue-live")

    page.get_by_test_id("conversation-row").click()
    page.get_by_test_id("pickup").click()
    expect(page.locator(".alert-success")).to_contain_text("You picked it up")
    expect(other.get_by_test_id("conversation-row")).to_have_count(0, timeout=LIVE)

    page.get_by_test_id("canned-insert").select_option(label="On it")
    expect(page.get_by_label("Reply", exact=True)).to_have_value("Thanks, we’re looking into it.")
    expect(page.get_by_test_id("segment-encoding")).to_have_text("UCS-2")
    page.get_by_test_id("reply-send").click()
    expect(page.locator(".alert-success")).to_contain_text("Reply queued")
    outbound = page.locator("[data-testid=chat-message][data-direction=outbound]")
    expect(outbound).to_contain_text("Thanks, we’re looking into it.")
    expect(outbound.get_by_test_id("delivery-state")).to_have_attribute(
        "data-status", "delivered", timeout=15_000
    )
    screenshot("conversation-delivered")
    with scopes_disabled():
        reply = Message.objects.get(direction="outbound")
    assert reply.sender == desk.number and reply.status == "delivered"

    # The person opts out (part A's STOP does this after the merge): a reply is refused.
    opt_out_add(tenant=world.a, recipient="+16468097065")
    page.get_by_label("Reply", exact=True).fill("One more thing")
    page.get_by_test_id("reply-send").click()
    expect(page.get_by_test_id("reply-refusal")).to_contain_text(
        "+16468097065 asked not to get messages"
    )
    screenshot("conversation-refused-after-stop")
    with scopes_disabled():
        assert Message.objects.filter(direction="outbound").count() == 1
    other.context.close()
