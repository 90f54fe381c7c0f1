"""SIP trunks in real Chromium against the Wavix sandbox (served by the live server): a system
administrator creates a digest trunk (bad input refused inline), shares it with a tenant,
deletes another after confirming; the tenant admin sees the trunk without secrets, sets a
caller ID, and reads its call records with totals, a chart and a CSV export."""

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from dids import services as dids_services
from dids.models import Did
from sandbox.wavix.accounts import account_for_key
from sandbox.wavix.models import SandboxTrunk
from sandbox.wavix.seed import seed_account
from trunks.models import Cdr, SipTrunk, TrunkAssignment
from trunks.tasks import pull_cdrs

from .test_roles import heading, log_in, table_rows

pytestmark = pytest.mark.e2e


@pytest.fixture
def wavix(live_sandbox, settings, world):
    account = live_sandbox
    seed_account(account=account_for_key(settings.WAVIX_SANDBOX_API_KEY), purchased=40)
    dids_services.sync_start(account=account)
    active = sorted(
        Did.objects.filter(status="active", number__lt=2 * 10**10).values_list("number", flat=True)
    )
    return account, active


def test_trunk_lifecycle_sharing_and_call_records(
    page, browser, live_server, world, wavix, screenshot
):
    account, active = wavix
    log_in(page, live_server.url, world.sysadmin)
    page.locator("nav [data-nav=platform]").get_by_role("link", name="Trunks").click()
    expect(heading(page)).to_have_text("SIP trunks")
    page.get_by_role("link", name="New trunk").click()
    expect(heading(page)).to_have_text("New SIP trunk")

    # Bad input first: refused inline, nothing saved.
    page.get_by_role("textbox", name="Label").fill("Acme PBX")
    page.get_by_label("Password", exact=True).fill("weak")
    page.get_by_label("Allowed addresses").fill("0.0.0.0/0")
    page.get_by_label("Caller ID", exact=True).fill("19995550100")
    page.get_by_role("button", name="Save and push to Wavix").click()
    expect(page.locator(".invalid-feedback")).to_contain_text(
        [
            re.compile("The password must be at least 12 characters"),
            re.compile("“0.0.0.0/0” is broader than /27: Wavix takes single addresses"),
            re.compile(r"\+19995550100 is not an active number of the Wavix account"),
        ]
    )
    screenshot("trunk-form-errors")
    assert not SipTrunk.objects.exists()

    page.get_by_role("button", name="Generate").click()
    generated = page.get_by_test_id("generated")
    expect(generated).to_have_value(re.compile(r"^.{20}$"))
    page.get_by_label("Allowed addresses").fill("")
    page.get_by_label("Caller ID", exact=True).fill(str(active[0]))
    page.get_by_label("Maximum channels (concurrent calls)").fill("8")
    page.get_by_role("button", name="Save and push to Wavix").click()

    expect(heading(page)).to_have_text("Acme PBX")
    expect(page.locator(".alert-success")).to_contain_text("pushing it to Wavix")
    expect(page.get_by_test_id("sync-state")).to_contain_text("In sync")
    trunk = SipTrunk.objects.get()
    expect(page.get_by_test_id("trunk-settings")).to_contain_text(trunk.sip_username)
    expect(page.get_by_test_id("trunk-settings")).to_contain_text("••••••••")
    assert SandboxTrunk.objects.get(pk=trunk.wavix_id).max_channels == 8
    screenshot("trunk-detail")

    # Share it with Acme: a number of Globex is refused, then a good pool is saved.
    dids_services.pool_save(tenant=world.b, text=str(active[5]))
    page.get_by_role("link", name="Share with a tenant").click()
    page.get_by_label("Tenant").select_option(label="Acme Telecom")
    page.get_by_label("DID pool on this trunk").fill(f"{active[0]};{active[1]};{active[5]}")
    page.get_by_label("Maximum concurrent calls").fill("4")
    page.get_by_role("button", name="Share").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("already belong to Globex")
    page.get_by_label("DID pool on this trunk").fill(f"{active[0]};{active[1]}")
    page.get_by_role("button", name="Share").click()
    expect(table_rows(page, "share-table")).to_have_count(1)
    expect(table_rows(page, "share-table").first).to_contain_text("Acme Telecom")
    screenshot("trunk-shared")

    # The tenant admin's view: connection details, no secret, caller IDs of its own numbers.
    tenant_context = browser.new_context(viewport={"width": 1366, "height": 900})
    tenant = tenant_context.new_page()
    log_in(tenant, live_server.url, world.admin_a)
    tenant.locator("nav [data-nav=tenant]").get_by_role("link", name="Trunks").click()
    expect(table_rows(tenant, "tenant-trunk-table")).to_have_count(1)
    tenant.get_by_role("link", name="Acme PBX").click()
    connection = tenant.get_by_test_id("connection")
    expect(connection).to_contain_text(trunk.sip_username)
    expect(connection).to_contain_text("sip.wavix.net")
    expect(connection).not_to_contain_text(trunk.password)
    tenant.get_by_label("Caller IDs").fill(str(active[5]))
    tenant.get_by_role("button", name="Save caller IDs").click()
    expect(tenant.locator(".invalid-feedback")).to_contain_text("Not numbers of yours")
    tenant.get_by_label("Caller IDs").fill(str(active[1]))
    tenant.get_by_role("button", name="Save caller IDs").click()
    expect(tenant.locator(".alert-success")).to_contain_text("Caller IDs on “Acme PBX” saved")
    with scopes_disabled():
        assert TrunkAssignment.objects.get().caller_ids == [active[1]]

    # Call records: pulled from the sandbox; the tenant sees its calls, totals and a chart.
    from sandbox.wavix.models import SandboxCdr

    SandboxCdr.objects.filter(direction="placed").update(caller=str(active[0]))
    pull_cdrs()
    tenant.locator("nav [data-nav=tenant]").get_by_role("link", name="Call records").click()
    expect(heading(tenant)).to_have_text("Call records")
    with scopes_disabled():
        mine = Cdr.objects.filter(tenant=world.a)
        total, received = mine.count(), mine.filter(direction="received").count()
    assert total > received
    expect(tenant.get_by_test_id("total-calls")).to_have_text(str(total))
    tenant.get_by_label("Direction").select_option(label="Received (inbound)")
    expect(tenant.get_by_test_id("total-calls")).to_have_text(str(received))
    tenant.get_by_label("Direction").select_option(label="Placed (outbound)")
    expect(tenant.get_by_test_id("total-calls")).to_have_text(str(total - received))
    expect(tenant.get_by_test_id("cdr-table").locator("tbody tr").first).to_contain_text(
        str(active[0])
    )
    tenant.wait_for_function("() => Boolean(Chart.getChart('cdr-chart'))")
    with tenant.expect_download() as download:
        tenant.get_by_test_id("cdr-export").click()
    assert download.value.suggested_filename == "acme-call-records.csv"
    tenant.screenshot(path="test-artifacts/tenant-call-records.png", full_page=True)
    tenant_context.close()

    # Deleting a trunk asks first, then removes it on Wavix.
    page.goto(f"{live_server.url}/platform/trunks/new/")
    page.get_by_role("textbox", name="Label").fill("Spare trunk")
    page.get_by_label("Password", exact=True).fill("An0ther-Str0ng-Pass")
    page.get_by_label("Caller ID", exact=True).fill(str(active[2]))
    page.get_by_role("button", name="Save and push to Wavix").click()
    expect(page.get_by_test_id("sync-state")).to_contain_text("In sync")
    spare = SipTrunk.objects.get(label="Spare trunk")
    page.get_by_role("button", name="Delete").click()
    dialog = page.locator("#confirm-modal")
    expect(dialog).to_contain_text("Delete the trunk “Spare trunk” on Wavix?")
    dialog.get_by_role("button", name="Delete trunk").click()
    expect(heading(page)).to_have_text("SIP trunks")
    expect(table_rows(page, "trunk-table")).to_have_count(1)
    assert not SandboxTrunk.objects.filter(pk=spare.wavix_id).exists()


def test_the_password_hides_for_ip_authentication_and_an_ip_trunk_has_none(
    page, live_server, world, wavix
):
    account, active = wavix
    log_in(page, live_server.url, world.sysadmin)
    page.goto(f"{live_server.url}/platform/trunks/new/")
    password = page.get_by_test_id("password-field")
    expect(password).to_be_visible()
    expect(password).not_to_contain_text("Leave empty to keep the current password")
    # Required fields, the caller ID included, show an asterisk after their label.
    asterisk = "(label) => getComputedStyle(label, '::after').content"
    for label in ["Label", "Caller ID", "Wavix account"]:
        name = page.locator("label.form-label", has_text=re.compile(f"^{label}$"))
        assert name.evaluate(asterisk) == '" *"', label
    assert page.locator("label[for=id_call_limit]").evaluate(asterisk) == "none"

    page.get_by_label("IP address").check()
    expect(password).to_be_hidden()
    page.get_by_label("Digest (username and password)").check()
    expect(password).to_be_visible()
    page.get_by_label("Password", exact=True).fill("typed-then-dropped-1A")
    page.get_by_label("IP address").check()
    expect(password).to_be_hidden()

    page.get_by_role("textbox", name="Label").fill("Office by IP")
    page.get_by_label("Allowed addresses").fill("203.0.113.10")
    page.get_by_label("Caller ID", exact=True).fill(str(active[0]))
    page.get_by_role("button", name="Save and push to Wavix").click()
    expect(heading(page)).to_have_text("Office by IP")
    expect(page.get_by_test_id("trunk-password")).to_have_text(
        "none (not used with IP authentication)"
    )
    trunk = SipTrunk.objects.get()
    assert trunk.is_ip_auth and not trunk.password_known  # the hidden field was not sent
