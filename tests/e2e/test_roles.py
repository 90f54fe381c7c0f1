"""What each role sees, in real Chromium, after logging in through the real login page."""

import re

import pytest
from playwright.sync_api import Page, expect

from tenants.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

PLATFORM_NAV = [
    "Overview",
    "Tenants",
    "Numbers",
    "Inventory",
    "Number validator",
    "Trunks",
    "Call records",
    "Call flows",
    "Channels",
    "Messages",
    "Statistics",
    "Unrouted messages",
    "Sender IDs",
    "Wavix accounts",
    "Users",
    "Audit log",
    "API tokens",
]


def log_in(page: Page, base_url: str, user) -> None:
    page.goto(f"{base_url}/login/")
    expect(page.get_by_role("heading", name="Telecom portal")).to_be_visible()
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # Leaving /login/ means the credentials were accepted and the session cookie works.
    expect(page).not_to_have_url(re.compile(r"/login/"))


def heading(page: Page):
    return page.locator("main h1")


def sidebar(page: Page):
    return page.locator("nav.app-sidebar")


def platform_nav(page: Page):
    return page.locator("nav [data-nav=platform]")


def tenant_nav(page: Page):
    return page.locator("nav [data-nav=tenant]")


def nav_links(nav):
    return nav.get_by_role("link")


def table_rows(page: Page, test_id: str):
    return page.get_by_test_id(test_id).locator("tbody tr")


def test_system_administrator_sees_the_platform(page, live_server, world, screenshot):
    log_in(page, live_server.url, world.sysadmin)

    expect(page).to_have_url(f"{live_server.url}/platform/")
    expect(heading(page)).to_have_text("Platform overview")
    expect(nav_links(platform_nav(page))).to_have_text(PLATFORM_NAV)
    expect(page.get_by_test_id("user-menu")).to_contain_text("System admin")
    # Let the chart finish its animation, or the screenshot shows half-grown bars.
    page.wait_for_function(
        "() => { const c = Chart.getChart('changes-chart');"
        " return Boolean(c) && !Chart.animator.running(c); }"
    )
    screenshot("sysadmin-platform-overview")

    nav_links(platform_nav(page)).filter(has_text="Tenants").click()
    expect(page).to_have_url(f"{live_server.url}/platform/tenants/")
    expect(heading(page)).to_have_text("Tenants")
    rows = table_rows(page, "tenant-table")
    expect(rows).to_have_count(2)
    expect(rows.get_by_role("link")).to_have_text(["Acme Telecom", "Globex Corporation"])
    expect(rows.locator("code")).to_have_text(["acme", "globex"])
    screenshot("sysadmin-tenant-list")

    rows.get_by_role("link", name="Acme Telecom").click()
    expect(page).to_have_url(f"{live_server.url}/platform/tenants/acme/")
    expect(heading(page)).to_contain_text("Acme Telecom")
    members = table_rows(page, "tenant-members")
    expect(members).to_have_count(2)
    expect(members.filter(has_text="admin@acme.example")).to_contain_text("Tenant admin")
    expect(members.filter(has_text="agent@acme.example")).to_contain_text("Agent")
    expect(members.filter(has_text="globex.example")).to_have_count(0)
    screenshot("sysadmin-tenant-detail")


def test_tenant_admin_sees_their_tenant_only(page, live_server, world, screenshot):
    log_in(page, live_server.url, world.admin_a)

    expect(page).to_have_url(f"{live_server.url}/t/acme/")
    expect(heading(page)).to_have_text("Acme Telecom")
    expect(nav_links(tenant_nav(page))).to_have_text(
        [
            "Dashboard",
            "Numbers",
            "Documents",
            "E911",
            "Number validator",
            "Inbox",
            "New message",
            "Messages",
            "Statistics",
            "Sender IDs",
            "Opt-outs",
            "Contacts",
            "Canned replies",
            "Inbound routing",
            "Webhooks",
            "Unrouted messages",
            "Keyword replies",
            "Users",
            "Trunks",
            "Call records",
            "Speech search",
            "Voice campaigns",
            "Audit log",
            "API tokens",
        ]
    )
    expect(sidebar(page)).to_be_visible()
    expect(platform_nav(page)).to_have_count(0)
    expect(sidebar(page)).not_to_contain_text("Platform")
    screenshot("tenant-admin-dashboard")

    nav_links(tenant_nav(page)).filter(has_text="Users").click()
    expect(page).to_have_url(f"{live_server.url}/t/acme/users/")
    expect(heading(page)).to_have_text("Users")
    rows = table_rows(page, "member-table")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="admin@acme.example")).to_have_count(1)
    expect(rows.filter(has_text="agent@acme.example")).to_have_count(1)
    expect(page.get_by_test_id("member-table")).not_to_contain_text("globex.example")
    expect(page.get_by_role("link", name="Invite")).to_be_visible()
    screenshot("tenant-admin-users")

    response = page.goto(f"{live_server.url}/t/globex/")
    assert response.status == 404
    expect(heading(page)).to_have_text("Not found")
    expect(page.locator("main")).not_to_contain_text("Globex")
    screenshot("tenant-admin-other-tenant-404")


def test_agent_sees_no_admin_pages(page, live_server, world, screenshot):
    log_in(page, live_server.url, world.agent_a)

    expect(page).to_have_url(f"{live_server.url}/t/acme/")
    expect(heading(page)).to_have_text("Acme Telecom")
    expect(nav_links(tenant_nav(page))).to_have_text(
        [
            "Dashboard",
            "Numbers",
            "E911",
            "Inbox",
            "New message",
            "Sender IDs",
            "Opt-outs",
            "Contacts",
            "Canned replies",
            "Users",
        ]
    )
    expect(platform_nav(page)).to_have_count(0)
    screenshot("agent-dashboard")

    nav_links(tenant_nav(page)).filter(has_text="Users").click()
    expect(page).to_have_url(f"{live_server.url}/t/acme/users/")
    expect(table_rows(page, "member-table")).to_have_count(2)
    expect(page.get_by_role("link", name="Invite")).to_have_count(0)
    member_table = page.get_by_test_id("member-table")
    expect(member_table.get_by_role("button", name="Remove")).to_have_count(0)

    response = page.goto(f"{live_server.url}/t/acme/audit/")
    assert response.status == 403
    expect(heading(page)).to_have_text("Not allowed")
    screenshot("agent-audit-403")


def test_support_staff_land_in_the_django_admin(page, live_server, world, screenshot):
    log_in(page, live_server.url, world.support)

    expect(page).to_have_url(f"{live_server.url}/admin/")
    content = page.locator("#content-main")
    expect(content.get_by_role("link", name="Tenants", exact=True)).to_be_visible()
    expect(content.get_by_role("link", name="Users", exact=True)).to_be_visible()
    screenshot("support-admin-index")

    content.get_by_role("link", name="Tenants", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/admin/tenants/tenant/")
    expect(page.locator("#result_list")).to_contain_text("Acme Telecom")
    expect(page.locator("#result_list")).to_contain_text("Globex Corporation")

    # The portal itself: no platform navigation, and the platform pages are refused.
    response = page.goto(f"{live_server.url}/platform/")
    assert response.status == 403
    expect(heading(page)).to_have_text("Not allowed")
    expect(sidebar(page)).to_be_visible()
    expect(sidebar(page).get_by_role("link", name="Django admin")).to_be_visible()
    expect(platform_nav(page)).to_have_count(0)
    screenshot("support-platform-403")


def open_invite_form(page: Page, base_url: str):
    page.goto(f"{base_url}/t/acme/users/")
    page.get_by_role("link", name="Invite").click()
    expect(page).to_have_url(f"{base_url}/t/acme/users/new/")
    expect(heading(page)).to_have_text("Invite someone to Acme Telecom")
    return page.locator("main form[method=post]")


def test_tenant_admin_invites_an_agent(page, live_server, world, screenshot, eager_celery):
    log_in(page, live_server.url, world.admin_a)
    form = open_invite_form(page, live_server.url)
    form.get_by_label("E-mail address").fill("new.agent@acme")
    form.get_by_role("button", name="Send invitation").click()

    # Refused: the form comes back with the error under the e-mail field, input kept.
    expect(page).to_have_url(f"{live_server.url}/t/acme/users/new/")
    email_group = form.locator("div.mb-3").filter(has=page.locator("#id_email"))
    expect(email_group.locator(".invalid-feedback")).to_contain_text("Enter a valid email")
    expect(form.get_by_label("E-mail address")).to_have_value("new.agent@acme")
    screenshot("tenant-admin-invite-error")

    form.get_by_label("E-mail address").fill("new.agent@acme.example")
    form.get_by_role("button", name="Send invitation").click()
    expect(page).to_have_url(f"{live_server.url}/t/acme/users/invitations/")
    expect(page.get_by_role("alert")).to_have_text(
        "Invitation sent to new.agent@acme.example. They join as Agent once they accept it."
    )
    row = table_rows(page, "invitation-table").filter(has_text="new.agent@acme.example")
    expect(row).to_contain_text("Pending")
    expect(row.get_by_role("button", name="Resend")).to_be_visible()
    screenshot("tenant-admin-invited")
    assert not User.objects.filter(email="new.agent@acme.example").exists()
