# ruff: noqa: F811 - pytest fixtures imported from a shared module are used as arguments
"""Routing in real Chromium: a tenant admin finds a message waiting in the unrouted list,
sets the number's rule in the form (the agent field appears with its radio), routes the
message by hand; and reads a webhook endpoint's delivery log with a failed delivery, delivers
it again, and sees it delivered."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from dids.models import Did
from dids.services import pool_save
from messaging.models import Channel, Message, WebhookDelivery
from messaging.services.routing import RuleData, message_route, number_route_save
from messaging.services.tenant_webhooks import WebhookRunner, endpoint_save

from ..factories import wavix_account
from ..messaging.routing_support import inbound, receiver  # noqa: F401 - a fixture
from .test_roles import heading, log_in

pytestmark = pytest.mark.e2e

NUMBER = 16468097061


@pytest.fixture
def acme_sms(world):
    account = wavix_account()
    with scopes_disabled():
        Did.objects.create(account=account, number=NUMBER, sms_enabled=True, status="active")
        pool_save(tenant=world.a, text=str(NUMBER))
    return Channel.objects.create(name="Acme channel", wavix_account=account)


def test_an_unrouted_message_is_routed_by_hand_after_setting_the_rule(
    page, live_server, world, acme_sms, screenshot
):
    waiting = inbound(acme_sms, to=NUMBER, text="Is anyone reading this?")
    message_route(message=waiting)
    log_in(page, live_server.url, world.admin_a)
    page.goto(f"{live_server.url}/t/acme/")
    page.locator("nav [data-nav=tenant]").get_by_role("link", name="Unrouted messages").click()
    expect(heading(page)).to_have_text("Unrouted messages")
    row = page.locator(f"tr[data-number='{NUMBER}']")
    expect(row).to_contain_text("Is anyone reading this?")
    row.get_by_role("link", name="Set its rule first").click()

    expect(heading(page)).to_have_text("Rule of +16468097061")
    agent = page.get_by_label("Agent", exact=True)
    expect(agent).to_be_hidden()
    page.get_by_label("An agent").check()
    expect(agent).to_be_visible()
    page.get_by_role("button", name="Save the rule").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("Choose the agent")
    page.get_by_label("An agent").check()
    page.get_by_label("Agent", exact=True).select_option(label=str(world.agent_a))
    page.get_by_role("button", name="Save the rule").click()
    expect(page.get_by_test_id(f"destination-{NUMBER}")).to_have_text(f"Agent {world.agent_a}")
    screenshot("routing-rules")

    page.locator("nav [data-nav=tenant]").get_by_role("link", name="Unrouted messages").click()
    page.locator(f"tr[data-number='{NUMBER}']").get_by_role("button", name="Route it").click()
    expect(page.get_by_text("1 message(s) delivered")).to_be_visible()
    expect(page.get_by_text("No message waits")).to_be_visible()
    with scopes_disabled():
        routed = Message.objects.get(pk=waiting.pk)
        assert routed.conversation.assignee == world.agent_a and routed.unrouted == ""


def test_the_delivery_log_shows_a_failed_delivery_and_delivers_it_again(
    page, live_server, world, acme_sms, receiver, screenshot
):
    endpoint, _ = endpoint_save(tenant=world.a, name="CRM", url=receiver.url)
    number_route_save(
        tenant=world.a, number=str(NUMBER), data=RuleData(destination="webhook", endpoint=endpoint)
    )
    receiver.answers = [500]
    message_route(message=inbound(acme_sms, to=NUMBER, text="Order status?"))
    with scopes_disabled():
        delivery = WebhookDelivery.objects.get()
        # Its 24 hours nearly over: the next attempt would come after them.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            give_up_at=timezone.now() + timedelta(seconds=5)
        )
    WebhookRunner.run(delivery.pk)

    log_in(page, live_server.url, world.admin_a)
    page.goto(f"{live_server.url}/t/acme/")
    page.locator("nav [data-nav=tenant]").get_by_role("link", name="Webhooks").click()
    page.get_by_role("link", name="CRM").click()
    expect(heading(page)).to_have_text("Endpoint “CRM”")
    row = page.locator(f"tr[data-delivery='{delivery.pk}']")
    expect(row.get_by_test_id("delivery-state")).to_contain_text("Failed")
    expect(row).to_contain_text("HTTP 500")
    expect(row).to_contain_text("boom: try later")
    expect(page.get_by_test_id("recipe")).to_contain_text("hmac.compare_digest")
    screenshot("webhook-delivery-log")
    row.get_by_role("button", name="Deliver again").click()
    expect(page.get_by_text("The delivery is sent again now")).to_be_visible()
    WebhookRunner.run(delivery.pk)
    page.reload()
    row = page.locator(f"tr[data-delivery='{delivery.pk}']")
    expect(row.get_by_test_id("delivery-state")).to_contain_text("Delivered")
    expect(row).to_contain_text("HTTP 200")
    expect(row.get_by_role("button", name="Deliver again")).to_have_count(0)
