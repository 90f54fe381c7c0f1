"""Sender IDs in real Chromium against the Wavix sandbox (served by the live server): a tenant
admin registers a name for the United Kingdom (allow-listed at once) and France (paperwork:
"manual registration needed" with what to do), sees France move on once Wavix lists it, and
deletes it after a warning that sending from it stops."""

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from dids import services as dids_services
from dids.models import Did
from messaging.models import Channel, SenderId
from messaging.tasks import sync_sender_ids
from sandbox.wavix.accounts import account_for_key
from sandbox.wavix.models import SandboxSenderId
from sandbox.wavix.seed import seed_account
from sandbox.wavix.services.senders import sender_id_allowlist

from .test_roles import heading, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def numbers(live_sandbox, settings, world):
    account = live_sandbox
    seed_account(account=account_for_key(settings.WAVIX_SANDBOX_API_KEY), purchased=40)
    dids_services.sync_start(account=account)
    Channel.objects.create(name="Wavix", wavix_account=account)
    sms = sorted(
        Did.objects.filter(sms_enabled=True, status="active").values_list("number", flat=True)
    )
    with scopes_disabled():
        dids_services.pool_save(tenant=world.a, text=";".join(map(str, sms[:3])))
    return sms[:3]


def test_a_name_registered_where_france_needs_manual_registration(
    page, live_server, world, numbers, screenshot
):
    log_in(page, live_server.url, world.admin_a)
    page.goto(f"{live_server.url}/t/acme/")
    page.locator("nav [data-nav=tenant]").get_by_role("link", name="Sender IDs").click()
    expect(heading(page)).to_have_text("Sender IDs")
    page.get_by_role("link", name="Add a name").click()
    expect(heading(page)).to_have_text("A name as sender ID")
    countries = page.get_by_label("Destination countries")
    expect(countries.locator("option[value=US]")).to_have_count(0)

    # A name with a character Wavix does not take is refused inline; nothing is saved.
    page.get_by_label("Sender name").fill("Acme!")
    countries.select_option(["GB", "FR"])
    page.get_by_role("button", name="Save and register").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("“Acme!” is not a valid sender name")
    with scopes_disabled():
        assert not SenderId.objects.exists()

    page.get_by_label("Sender name").fill("Acme")
    page.get_by_label("Destination countries").select_option(["GB", "FR"])
    page.get_by_role("button", name="Save and register").click()
    expect(heading(page)).to_have_text("Acme")
    state = page.get_by_test_id("sender-countries")
    expect(state.locator("tr[data-country=GB]")).to_contain_text("Allow-listed")
    france = state.locator("tr[data-country=FR]")
    expect(france).to_contain_text("Manual registration needed")
    expect(france).to_contain_text("France needs paperwork before a name can send there")
    expect(page.get_by_test_id("sender-state")).to_contain_text("Done")
    screenshot("sender-id-manual-registration")

    # Wavix's provisioning team finishes France; the periodic sync brings it in.
    sender_id_allowlist(sender=SandboxSenderId.objects.get(sender_id="Acme"), countries=["FR"])
    sync_sender_ids()
    page.reload()
    expect(page.get_by_test_id("sender-countries").locator("tr[data-country=FR]")).to_contain_text(
        "Allow-listed"
    )

    page.get_by_role("button", name="Delete").click()
    dialog = page.locator("#confirm-modal")
    expect(dialog).to_contain_text(re.compile("Sending from it stops at once"))
    dialog.get_by_role("button", name="Delete sender ID").click()
    expect(heading(page)).to_have_text("Sender IDs")
    expect(page.get_by_text("messages can no longer be sent from it")).to_be_visible()
    assert not SandboxSenderId.objects.filter(sender_id="Acme").exists()
