"""The new-tenant form in real Chromium: the slug follows the name as it is typed, from the
portal's own script file (no inline script), until the slug is edited by hand."""

import pytest
from playwright.sync_api import expect

from tenants.models import Tenant

from .test_roles import log_in

pytestmark = pytest.mark.e2e


def test_the_slug_is_filled_from_the_name_as_you_type(page, live_server, world):
    log_in(page, live_server.url, world.sysadmin)
    page.goto(f"{live_server.url}/platform/tenants/new/")
    assert page.locator("script:not([src])").count() == 0
    name, slug = page.get_by_label("Name"), page.get_by_label("Slug")

    name.press_sequentially("Café Olé & Co. ")
    expect(slug).to_have_value("cafe-ole-co")
    name.fill("Initech — Dallas Office")
    expect(slug).to_have_value("initech-dallas-office")

    # Once edited by hand, the slug is left alone.
    slug.fill("initech-dfw")
    name.fill("Initech Dallas")
    expect(slug).to_have_value("initech-dfw")
    page.get_by_role("button", name="Create tenant").click()
    expect(page).to_have_url(f"{live_server.url}/platform/tenants/initech-dfw/")
    assert Tenant.objects.get(slug="initech-dfw").name == "Initech Dallas"

    # An existing tenant's slug is in its addresses: editing the name does not change it.
    page.goto(f"{live_server.url}/platform/tenants/initech-dfw/edit/")
    page.get_by_label("Name").fill("Initech Texas")
    expect(page.get_by_label("Slug")).to_have_value("initech-dfw")
