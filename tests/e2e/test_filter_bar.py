"""The shared filter bar in real Chromium: each filter change replaces the list's query string,
so the address, the export link and the page links carry each filter once, however many
changes came before."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from dids import services as dids_services
from tests.factories import call_record, days_ago, wavix_account

from .test_roles import log_in

pytestmark = pytest.mark.e2e


def one_copy_each(url: str) -> dict[str, str]:
    """The query of `url` as {name: value}, failing if any name is there more than once."""
    query = parse_qs(urlsplit(url).query, keep_blank_values=True)
    repeated = {name: values for name, values in query.items() if len(values) > 1}
    assert not repeated, f"{url} repeats {repeated}"
    return {name: values[0] for name, values in query.items()}


def filled(url: str) -> dict[str, str]:
    """The filters of `url` that have a value (the bar also sends its empty ones)."""
    return {name: value for name, value in one_copy_each(url).items() if value}


@pytest.fixture
def lists(world):
    account = wavix_account()
    for i in range(60):
        call_record(account, tenant=world.a, started_at=days_ago(i % 5), call_id=f"c{i}")
    with scopes_disabled():
        dids_services.pool_save(tenant=world.a, text="12025550100-12025550199")
    return account


# (address, who, a choice filter, the values chosen one after the other, a text filter, the
# export link's test id)
LISTS = [
    (
        "/platform/calls/",
        "sysadmin",
        "direction",
        ["placed", "received", "placed"],
        "number",
        "cdr-export",
    ),
    (
        "/platform/numbers/inventory/",
        "sysadmin",
        "status",
        ["active", "inactive", "released"],
        "q",
        None,
    ),
    ("/platform/tenants/", "sysadmin", "status", ["active", "suspended", "active"], "q", None),
    (
        "/t/acme/numbers/",
        "admin_a",
        "status",
        ["not_held", "active", "not_held"],
        "q",
        "number-export",
    ),
]


@pytest.mark.parametrize(("path", "who", "name", "values", "text", "export"), LISTS)
def test_each_filter_change_replaces_the_query_string(
    page, live_server, world, lists, path, who, name, values, text, export
):
    log_in(page, live_server.url, getattr(world, who))
    page.goto(f"{live_server.url}{path}")
    for value in values:
        page.locator(f".filter-bar select[name={name}]").select_option(value)
        expect(page).to_have_url(re.compile(rf"[?&]{name}={value}(&|$)"))
    page.locator(f".filter-bar input[name={text}]").fill("12")
    page.locator(f".filter-bar input[name={text}]").press("Enter")
    expect(page).to_have_url(re.compile(rf"[?&]{text}=12(&|$)"))

    query = one_copy_each(page.url)
    assert query[name] == values[-1] and query[text] == "12"
    assert urlsplit(page.url).path == path
    if export:
        href = page.get_by_test_id(export).get_attribute("href")
        assert one_copy_each(href) == query


def test_page_links_carry_the_filters_once(page, live_server, world, lists):
    log_in(page, live_server.url, world.sysadmin)
    page.goto(f"{live_server.url}/platform/calls/")
    for value in ["received", "placed", "received", "placed"]:
        page.locator(".filter-bar select[name=direction]").select_option(value)
        expect(page).to_have_url(re.compile(rf"direction={value}"))
    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    assert filled(page.url) == {"direction": "placed", "page": "2"}
    href = page.get_by_role("link", name="Previous").get_attribute("href")
    assert filled(href) == {"direction": "placed", "page": "1"}
    assert filled(page.get_by_test_id("cdr-export").get_attribute("href")) == {
        "direction": "placed"
    }
