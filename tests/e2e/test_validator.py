"""A tenant admin validates numbers in real Chromium against the Wavix sandbox (served by the
same live server over HTTP): a pasted list (its bad entry listed by line, then the cost, the
job's progress, the results table, the CSV link), and one number laid out as Wavix's table."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .test_roles import heading, log_in

pytestmark = pytest.mark.e2e


def open_validator(page: Page, base_url: str, user) -> None:
    log_in(page, base_url, user)
    page.locator("nav [data-nav=tenant]").get_by_role("link", name="Number validator").click()
    expect(heading(page)).to_have_text("Number validator")


def test_a_pasted_list_is_costed_validated_and_exported(
    page: Page, live_server, live_sandbox, world
):
    open_validator(page, live_server.url, world.admin_a)
    page.get_by_test_id("validate-list-link").click()
    form = page.get_by_test_id("validate-list-form")
    form.get_by_label("Analysis (adds type, carrier, ported, unallocated)").check()
    form.get_by_label("Numbers").fill("+16468097065\n+16468097062\nnot a number\n+44 7537 151866")
    form.get_by_role("button", name="Check the numbers and the cost").click()
    errors = page.get_by_test_id("parse-errors")
    expect(errors).to_contain_text("1 entry is not a phone number and would not be sent")
    expect(errors).to_contain_text("not a number")
    page.get_by_label("Numbers").fill("+16468097065\n+16468097062\n+44 7537 151866")
    page.get_by_role("button", name="Check the numbers and the cost").click()
    expect(page.get_by_test_id("estimate-line")).to_have_text("3 numbers × 0.005 = 0.015")
    page.get_by_test_id("validate-run").click()
    job = page.get_by_test_id("validation-job")
    expect(job).to_have_attribute("data-status", "succeeded")
    expect(page.get_by_test_id("validation-counts")).to_contain_text(
        "3 of 3 numbers validated, 1 invalid"
    )
    table = page.get_by_test_id("validation-results")
    expect(table.locator("tr[data-number='16468097062']")).to_contain_text("Unallocated")
    expect(table.locator("tr[data-number='447537151866']")).to_contain_text("Stour Marine")
    page.get_by_label("Valid").select_option("no")
    expect(table.locator("tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_test_id("validation-export").click()
    text = Path(download.value.path()).read_text()
    assert text.splitlines()[0].startswith("number,valid,type,carrier")
    assert "16468097062,no,landline" in text


def test_one_number_shows_its_cost_then_wavixs_table(page: Page, live_server, live_sandbox, world):
    open_validator(page, live_server.url, world.admin_a)
    page.get_by_test_id("validate-number-link").click()
    form = page.get_by_test_id("validate-number-form")
    form.get_by_label("Phone number").fill("+971 56 948 3322")
    form.get_by_role("button", name="Check the cost").click()
    expect(page.get_by_test_id("estimate-line")).to_have_text("1 number × 0.015 = 0.015")
    page.get_by_test_id("validate-run").click()
    table = page.get_by_test_id("validation-seed-table")
    expect(page.get_by_test_id("validation-valid")).to_have_text("Valid")
    expect(table.locator("tr[data-field='Current carrier']")).to_contain_text("Etisalat")
    expect(table.locator("tr[data-field='Timezone']")).to_contain_text("UTC+04:00")
    expect(table.locator("tr[data-field='Phone number country']")).to_contain_text("(AE)")
