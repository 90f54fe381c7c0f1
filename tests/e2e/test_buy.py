"""A system administrator buys numbers in real Chromium against the Wavix sandbox (served by
the same live server over HTTP): country → state → city → numbers → review → confirm; the
order runs, and the numbers are in the inventory and in the chosen tenant's pool."""

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from dids.models import Did, DidPool, NumberOrder

from .test_roles import heading, log_in, table_rows

pytestmark = pytest.mark.e2e


def test_buy_two_numbers_into_a_tenants_pool(page, live_server, world, live_sandbox, screenshot):
    log_in(page, live_server.url, world.sysadmin)
    page.goto(f"{live_server.url}/platform/numbers/buy/")
    expect(heading(page)).to_have_text("Buy numbers")

    page.get_by_label("Country").select_option(label="United States")
    page.get_by_label("State or province").select_option(label="Illinois")
    page.get_by_label("City").select_option(label="CHICAGO, IL (312784)")
    offers = table_rows(page, "numbers-for-sale")
    expect(offers.first).to_contain_text("+1312")
    chosen = [offers.nth(i).locator("td.font-monospace").inner_text() for i in (0, 1)]
    for i in (0, 1):
        offers.nth(i).get_by_role("checkbox").check()
    screenshot("buy-numbers-for-sale")
    page.get_by_role("button", name="Review order").click()

    expect(heading(page)).to_have_text("Review order")
    review = page.get_by_test_id("order-review")
    expect(review.locator("tbody tr")).to_have_count(2)
    expect(review.locator("tfoot")).to_have_text(
        re.compile(r"Total \(2\)\s*\$2\.00\s*\$2\.00 / month")
    )
    page.get_by_label("Put them in a tenant's pool (optional)").select_option(label="Acme Telecom")
    page.get_by_role("button", name="Buy 2 numbers").click()
    dialog = page.locator("#confirm-modal")
    expect(dialog).to_contain_text("Buy 2 numbers on “Sandbox”? Wavix charges $")
    screenshot("buy-confirm")
    dialog.get_by_role("button", name="Buy").click()

    expect(heading(page)).to_have_text("Number orders")
    expect(page.locator(".alert-success")).to_contain_text("Queued")
    expect(table_rows(page, "order-table").first).to_contain_text("Done")
    screenshot("buy-order-done")

    numbers = sorted(int(n.lstrip("+")) for n in chosen)
    assert NumberOrder.objects.get().numbers == [str(n) for n in numbers]
    assert sorted(Did.objects.values_list("number", flat=True)) == numbers
    with scopes_disabled():
        pool = DidPool.objects.get(tenant=world.a, name="Direct")
    assert pool.size == 2

    page.goto(f"{live_server.url}/platform/numbers/inventory/")
    inventory = table_rows(page, "inventory-table")
    expect(inventory).to_have_count(2)
    expect(inventory.first).to_contain_text("Acme Telecom")


def test_the_wizard_keeps_what_was_entered(page, live_server, world, live_sandbox):
    log_in(page, live_server.url, world.sysadmin)
    page.goto(f"{live_server.url}/platform/numbers/buy/")
    page.get_by_label("Country").select_option(label="United States")
    page.get_by_label("State or province").select_option(label="Illinois")
    page.get_by_label("City").select_option(label="CHICAGO, IL (312784)")
    offers = table_rows(page, "numbers-for-sale")
    expect(offers.first).to_contain_text("+1312")

    # "Review order" with nothing chosen: the same place, saying what is missing.
    page.get_by_role("button", name="Review order").click()
    expect(heading(page)).to_have_text("Buy numbers")
    expect(page.get_by_test_id("buy-problem")).to_have_text("Choose at least one number to buy.")
    expect(page.get_by_label("Country").locator("option:checked")).to_have_text("United States")
    expect(page.get_by_label("State or province").locator("option:checked")).to_have_text(
        "Illinois"
    )
    expect(page.get_by_label("City").locator("option:checked")).to_have_text("CHICAGO, IL (312784)")
    expect(offers.first).to_contain_text("+1312")

    # Ticked on page 1, then Next and Previous: still ticked.
    first_page = [offers.nth(i).locator("td.font-monospace").inner_text() for i in (0, 2)]
    offers.nth(0).get_by_role("checkbox").check()
    offers.nth(2).get_by_role("checkbox").check()
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(page.get_by_test_id("chosen-elsewhere")).to_have_text(
        f"Also chosen: {first_page[0]}, {first_page[1]}."
    )
    second_page = offers.nth(0).locator("td.font-monospace").inner_text()
    offers.nth(0).get_by_role("checkbox").check()
    page.get_by_role("link", name="Previous").click()
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    checked = [offers.nth(i).get_by_role("checkbox") for i in range(3)]
    expect(checked[0]).to_be_checked()
    expect(checked[1]).not_to_be_checked()
    expect(checked[2]).to_be_checked()
    expect(page.get_by_test_id("chosen-elsewhere")).to_have_text(f"Also chosen: {second_page}.")

    page.get_by_role("button", name="Review order").click()
    expect(heading(page)).to_have_text("Review order")
    expect(page.get_by_test_id("order-review").locator("tbody td.font-monospace")).to_have_text(
        sorted([*first_page, second_page])
    )
