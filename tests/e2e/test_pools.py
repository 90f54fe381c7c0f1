"""A system administrator imports pools from CSV in real Chromium: the dry run's report, then
Import, which applies the rows the dry run kept (no file sent again)."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from dids.models import DidPool

from .test_roles import heading, log_in

pytestmark = pytest.mark.e2e

CSV = (
    "tenant,pool,numbers\n"
    "acme,Direct,+1 212 736 0000;16468097070-16468097080\n"
    "globex,Direct,+1 (312) 555-0150\n"
)


def test_a_dry_run_then_import_applies_the_checked_rows(page, live_server, world, tmp_path):
    path = tmp_path / "pools.csv"
    path.write_text(CSV)
    log_in(page, live_server.url, world.sysadmin)
    page.goto(f"{live_server.url}/platform/numbers/import/")
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_role("button", name="Dry run").click()
    expect(page.get_by_test_id("import-summary")).to_contain_text("All 2 rows are valid")
    with scopes_disabled():
        assert not DidPool.objects.exists()
    page.get_by_test_id("apply-import").click()
    dialog = page.locator("#confirm-modal")
    expect(dialog).to_contain_text("Apply all 2 rows?")
    dialog.get_by_role("button", name="Import").click()
    expect(heading(page)).to_have_text("Numbers and pools")
    expect(page.get_by_text("Imported 2 pool(s).")).to_be_visible()
    with scopes_disabled():
        specs = dict(DidPool.objects.values_list("tenant__slug", "spec"))
    assert specs == {"acme": "12127360000;16468097070-16468097080", "globex": "13125550150"}
