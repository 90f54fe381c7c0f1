"""A tenant admin sets emergency addresses in real Chromium against the Wavix sandbox (served by
the same live server over HTTP), through each of Wavix's four validation outcomes: a full
match, a corrected ZIP, candidate addresses, and no match; then deletes one after the warning."""

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from dids import services
from dids.models import E911Address
from sandbox.wavix.accounts import account_for_key
from sandbox.wavix.models import SandboxE911Record
from sandbox.wavix.seed import seed_account

from .test_roles import heading, log_in

pytestmark = pytest.mark.e2e

NUMBER = "+16468097065"
MAIN_ST = {
    "Name": "Head office",
    "Street number": "100",
    "Street": "Main St",
    "Location": "Suite 200",
    "City": "Springfield",
    "State or province": "IL",
    "ZIP or postal code": "62701",
}


@pytest.fixture
def acme_numbers(live_sandbox, settings, world):
    """Acme's pool holds numbers held on the sandbox account, synced into the inventory."""
    seed_account(account=account_for_key(settings.WAVIX_SANDBOX_API_KEY), purchased=40)
    services.sync_start(account=live_sandbox)  # runs at once (eager), over HTTP to the sandbox
    services.pool_save(tenant=world.a, text="16468097065-16468097066;16468097070-16468097080")
    return world


def open_form(page: Page, base_url: str, user) -> None:
    log_in(page, base_url, user)
    page.locator("nav [data-nav=tenant]").get_by_role("link", name="E911").click()
    expect(heading(page)).to_have_text("E911 emergency addresses")
    expect(page.get_by_test_id("e911-alert")).to_contain_text(
        "10 US/Canadian numbers without an emergency address"
    )
    row = page.locator(f"[data-testid=e911-table] tr[data-number='{NUMBER[1:]}']")
    expect(row).to_contain_text("E911: no address")
    row.get_by_role("link", name="Set address").click()
    expect(heading(page)).to_have_text("Emergency address")


def fill(page: Page, address: dict) -> None:
    form = page.get_by_test_id("e911-address-form")
    for label, value in address.items():
        form.get_by_label(label, exact=True).fill(value)
    form.get_by_role("button", name="Validate with Wavix").click()


def outcome(page: Page):
    return page.get_by_test_id("e911-outcome")


def expect_provisioned(page: Page, line: str) -> None:
    expect(heading(page)).to_have_text("Set emergency address")
    job = page.get_by_test_id("e911-job")
    expect(job).to_have_attribute("data-status", "succeeded")
    expect(job).to_contain_text("Done")
    expect(job.get_by_test_id("e911-state")).to_have_text("E911: provisioned")
    expect(job).to_contain_text(line)


def test_full_match_then_set_then_delete_after_the_warning(
    page, live_server, acme_numbers, screenshot
):
    open_form(page, live_server.url, acme_numbers.admin_a)
    fill(page, MAIN_ST)
    expect(outcome(page)).to_have_attribute("data-outcome", "full_match")
    expect(outcome(page)).to_contain_text("Full match. Wavix confirmed the address.")
    line = "100 Main St, Suite 200, Springfield, IL 62701-1504"
    expect(page.get_by_test_id("e911-suggested")).to_have_text(line)
    screenshot("e911-full-match")

    page.get_by_role("button", name="Set this address on 1 number").click()
    expect_provisioned(page, line)
    screenshot("e911-provisioned")

    page.goto(f"{live_server.url}/t/acme/numbers/?q=%2B1646809706")
    number_row = page.get_by_test_id("number-table").locator("tr", has_text=NUMBER)
    expect(number_row).to_contain_text("E911: provisioned")
    expect(number_row).to_contain_text(line)

    page.goto(f"{live_server.url}/t/acme/e911/")
    row = page.locator(f"[data-testid=e911-table] tr[data-number='{NUMBER[1:]}']")
    row.get_by_role("button", name="Delete").click()
    dialog = page.locator("#confirm-modal")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(
        f"Delete the emergency address of {NUMBER}? Emergency calling (911) is deactivated"
    )
    screenshot("e911-delete-warning")
    dialog.get_by_role("button", name="Delete and deactivate E911").click()
    expect(page.get_by_test_id("e911-job")).to_contain_text("E911: deleted")
    expect(page.locator("main")).to_contain_text("emergency calling stops for them")
    assert not SandboxE911Record.objects.filter(phone_number=NUMBER[1:]).exists()


def test_a_zip_typo_is_corrected_beside_the_input_and_accepted(
    page, live_server, acme_numbers, screenshot
):
    open_form(page, live_server.url, acme_numbers.admin_a)
    fill(page, {**MAIN_ST, "ZIP or postal code": "62710"})
    expect(outcome(page)).to_have_attribute("data-outcome", "corrected")
    expect(outcome(page)).to_contain_text("Address corrected.")
    changed = page.get_by_test_id("e911-correction").locator("tr[data-changed=yes]")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text(re.compile(r"ZIP or postal code\s*62710\s*62701"))
    # The input stays as typed, to edit instead of accepting.
    expect(page.get_by_label("ZIP or postal code")).to_have_value("62710")
    screenshot("e911-corrected")

    page.get_by_role("button", name="Accept the correction and set it on 1 number").click()
    expect_provisioned(page, "100 Main St, Suite 200, Springfield, IL 62701-1504")
    with scopes_disabled():
        assert E911Address.objects.get(number=int(NUMBER[1:])).zip_code == "62701"


def test_a_vague_street_gives_candidates_to_choose_from(
    page, live_server, acme_numbers, screenshot
):
    open_form(page, live_server.url, acme_numbers.admin_a)
    fill(
        page,
        {
            **MAIN_ST,
            "Street number": "1501",
            "Street": "Broadway",
            "Location": "",
            "City": "New York",
            "State or province": "NY",
            "ZIP or postal code": "10036",
        },
    )
    expect(outcome(page)).to_have_attribute("data-outcome", "candidates")
    candidates = page.get_by_test_id("e911-candidates")
    expect(candidates.get_by_role("radio")).to_have_count(3)
    expect(page.get_by_role("button", name=re.compile("Set this address"))).to_have_count(0)
    screenshot("e911-candidates")

    candidates.get_by_label("1501 Broadway, New York, NY 10036-5601").check()
    candidates.get_by_label("Location (suite, floor, room)").fill("Floor 3")
    candidates.get_by_role("button", name="Use the chosen address").click()
    expect(outcome(page)).to_have_attribute("data-outcome", "full_match")
    line = "1501 Broadway, Floor 3, New York, NY 10036-5601"
    expect(page.get_by_test_id("e911-suggested")).to_have_text(line)
    page.get_by_role("button", name="Set this address on 1 number").click()
    expect_provisioned(page, line)


def test_an_unknown_street_is_no_match_edit_and_retry(page, live_server, acme_numbers, screenshot):
    open_form(page, live_server.url, acme_numbers.admin_a)
    fill(page, {**MAIN_ST, "Street": "Nowhere Rd"})
    expect(outcome(page)).to_have_attribute("data-outcome", "no_match")
    expect(outcome(page)).to_contain_text("No match. Wavix does not know this address")
    expect(page.get_by_role("button", name=re.compile("Set this address"))).to_have_count(0)
    screenshot("e911-no-match")

    fill(page, {"Street": "Main St"})
    expect(outcome(page)).to_have_attribute("data-outcome", "full_match")


def test_local_rules_show_inline_errors_before_wavix(page, live_server, acme_numbers, screenshot):
    open_form(page, live_server.url, acme_numbers.admin_a)
    fill(page, {**MAIN_ST, "State or province": "XX", "City": ""})
    form = page.get_by_test_id("e911-address-form")
    state = form.locator("div.mb-3").filter(has=page.locator("#id_state"))
    expect(state.locator(".invalid-feedback")).to_have_text(
        "“XX” is not a US state or Canadian province code: use two letters, e.g. IL or ON."
    )
    city = form.locator("div.mb-3").filter(has=page.locator("#id_city"))
    expect(city.locator(".invalid-feedback")).to_have_text(
        "City is required for an emergency address."
    )
    expect(outcome(page)).to_have_count(0)
    screenshot("e911-local-errors")
