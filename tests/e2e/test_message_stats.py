"""Message statistics in real Chromium: a tenant admin opens them from the sidebar, changes
the period and sees the totals and the chart follow; wrong custom dates are named inline. A
system administrator narrows the figures to one channel from its row."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from messaging.services.stats import stats_rebuild
from tests.messaging.factories import channel, message
from tests.messaging.stats_support import local_noon

from .test_roles import heading, log_in, platform_nav, tenant_nav

pytestmark = pytest.mark.e2e


def chart_total(page, dataset: str) -> int:
    """The sum of one series of the drawn chart, once Chart.js has drawn it."""
    page.wait_for_function(
        "() => { const c = Chart.getChart('stats-chart');"
        " return Boolean(c) && !Chart.animator.running(c); }"
    )
    return page.evaluate(
        "(label) => Chart.getChart('stats-chart').data.datasets"
        ".find(d => d.label === label).data.reduce((a, b) => a + b, 0)",
        dataset,
    )


@pytest.fixture
def traffic(world):
    main, other = channel("Main"), channel("Other")
    for days_ago, count in ((0, 2), (3, 4), (20, 6)):
        for _ in range(count):
            at = local_noon(days_ago)
            message(world.a, on=main, status="delivered", at=at, accepted_at=at)
    message(world.a, on=main, status="undelivered", at=local_noon(0), accepted_at=local_noon(0))
    message(world.a, on=main, direction="inbound", status="received", at=local_noon(3))
    message(world.a, on=other, status="delivered", at=local_noon(1), accepted_at=local_noon(1))
    message(world.b, on=other, status="delivered", at=local_noon(0), accepted_at=local_noon(0))
    stats_rebuild()
    return {"main": main, "other": other}


def test_a_tenant_admin_changes_the_period_and_sees_totals_and_chart(
    page, live_server, world, traffic, screenshot
):
    log_in(page, live_server.url, world.admin_a)
    tenant_nav(page).get_by_role("link", name="Statistics").click()
    expect(heading(page)).to_have_text("Message statistics")
    # The last 7 days by default: 2 + 4 + 1 delivered, 1 not, 1 received.
    expect(page.get_by_test_id("total-delivered")).to_have_text("7")
    expect(page.get_by_test_id("total-failed")).to_have_text("1")
    expect(page.get_by_test_id("total-received")).to_have_text("1")
    expect(page.get_by_test_id("segments-explained")).to_contain_text("billed as one segment")
    assert chart_total(page, "Delivered") == 7
    screenshot("tenant-statistics-week")

    page.get_by_label("Period").select_option(label="Today")
    expect(page.get_by_test_id("total-delivered")).to_have_text("2")
    expect(page).to_have_url(re.compile(r"/t/acme/statistics/\?period=day"))
    assert chart_total(page, "Delivered") == 2
    assert chart_total(page, "Not delivered") == 1

    page.get_by_label("Period").select_option(label="Last 30 days")
    expect(page.get_by_test_id("total-delivered")).to_have_text("13")
    assert chart_total(page, "Delivered") == 13

    page.get_by_label("Period").select_option(label="Custom dates")
    expect(page.get_by_test_id("stats-choose")).to_have_text(
        "Choose the first (From) and the last day (To) of the period."
    )
    today = timezone.localdate()
    page.get_by_label("From").fill((today - timedelta(days=2)).isoformat())
    expect(page.get_by_test_id("stats-choose")).to_have_text(
        "Choose the last day of the period (To) too."
    )
    page.get_by_label("To").fill((today - timedelta(days=5)).isoformat())
    expect(page.get_by_test_id("stats-errors")).to_contain_text("correct To above")
    expect(page.get_by_test_id("field-until")).to_contain_text("is before the first day")
    expect(page.get_by_label("To")).to_have_class(re.compile(r"is-invalid"))
    expect(page.get_by_test_id("total-delivered")).to_have_count(0)
    screenshot("tenant-statistics-bad-dates")

    page.get_by_label("From").fill((today - timedelta(days=25)).isoformat())
    expect(page.get_by_test_id("total-delivered")).to_have_text("6")  # 25 to 5 days ago
    page.get_by_label("To").fill((today - timedelta(days=2)).isoformat())
    expect(page.get_by_test_id("total-delivered")).to_have_text("10")
    expect(page.get_by_test_id("stats-period")).to_contain_text("(24 days)")
    assert chart_total(page, "Delivered") == 10
    expect(page.locator("main")).not_to_contain_text("Globex")
    screenshot("tenant-statistics-custom")


def test_a_system_administrator_narrows_the_figures_to_one_channel(
    page, live_server, world, traffic, screenshot
):
    log_in(page, live_server.url, world.sysadmin)
    platform_nav(page).get_by_role("link", name="Statistics").click()
    expect(heading(page)).to_have_text("Message statistics")
    # The last 7 days: Acme's 2 + 4 on Main and 1 on Other, Globex's 1 on Other.
    expect(page.get_by_test_id("total-delivered")).to_have_text("8")
    rows = page.get_by_test_id("stats-channels").locator("tbody tr")
    expect(rows.get_by_role("link")).to_have_text(["Main", "Other"])
    expect(page.get_by_test_id("stats-tenants")).to_contain_text("Globex Corporation")
    screenshot("platform-statistics")

    rows.get_by_role("link", name="Other").click()
    expect(heading(page)).to_have_text("Message statistics: Other")
    expect(page.get_by_test_id("total-delivered")).to_have_text("2")
    assert chart_total(page, "Delivered") == 2
