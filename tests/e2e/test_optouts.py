"""Opt-outs in real Chromium: a tenant admin checks a CSV (a bad row named, nothing imported),
imports the corrected file as checked, filters the list, removes one after confirming, and
exports the rest."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from messaging.models import OptOut

from .test_roles import heading, log_in, table_rows

pytestmark = pytest.mark.e2e


def test_opt_outs_imported_after_a_dry_run_removed_and_exported(
    page, live_server, world, tmp_path, screenshot
):
    bad = tmp_path / "bad.csv"
    bad.write_text("recipient,sender,note\n+447700900123,,asked by phone\nhello,,\n")
    good = tmp_path / "good.csv"
    good.write_text("recipient,sender,note\n+447700900123,,asked by phone\n447700900124,Acme,\n")
    log_in(page, live_server.url, world.admin_a)
    page.goto(f"{live_server.url}/t/acme/")
    page.locator("nav [data-nav=tenant]").get_by_role("link", name="Opt-outs").click()
    expect(heading(page)).to_have_text("Opt-outs")
    page.get_by_role("link", name="Import CSV").click()

    page.get_by_label("File").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    report = page.get_by_test_id("import-report")
    expect(report).to_contain_text("1 row with errors")
    expect(report.locator("tr[data-line='3']")).to_contain_text("“hello”")
    expect(page.get_by_test_id("apply-import")).to_have_count(0)
    with scopes_disabled():
        assert not OptOut.objects.exists()

    page.get_by_label("File").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_test_id("import-report")).to_contain_text("Checked: 2 to add")
    screenshot("optout-import-checked")
    page.get_by_test_id("apply-import").click()
    page.locator("#confirm-modal").get_by_role("button", name="Import").click()
    expect(heading(page)).to_have_text("Opt-outs")
    expect(table_rows(page, "optout-table")).to_have_count(2)

    page.get_by_role("searchbox").fill("+44 7700 900124")
    expect(table_rows(page, "optout-table")).to_have_count(1)
    row = table_rows(page, "optout-table").first
    expect(row).to_contain_text("Acme")
    row.get_by_role("button", name="Remove").click()
    dialog = page.locator("#confirm-modal")
    expect(dialog).to_contain_text("Your messages reach this number again")
    dialog.get_by_role("button", name="Remove opt-out").click()
    expect(page.get_by_text("Opt-out of +447700900124 from Acme removed")).to_be_visible()
    with scopes_disabled():
        assert list(OptOut.objects.values_list("recipient", flat=True)) == ["447700900123"]

    with page.expect_download() as download:
        page.get_by_test_id("optout-export").click()
    exported = download.value.path().read_text()
    assert "447700900123" in exported and "447700900124" not in exported
