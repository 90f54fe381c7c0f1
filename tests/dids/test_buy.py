"""The purchase wizard's parameters: every step answers a bad value with a message naming the
parameter, the value and the rule (never a 500), and the review and checkout keep what was
chosen. Runs against the Wavix sandbox in process."""

import html

import pytest

from dids.models import NumberOrder
from sandbox.wavix.models import SandboxCity, SandboxCountry
from sandbox.wavix.seed import seed_catalogue
from tenants.models import Tenant

from ..conftest import login

pytestmark = pytest.mark.django_db

HOSTILE = ["abc", "²", "1.5", "[]", "\x00", "-1", "0", "9" * 5000, "99999999999"]


@pytest.fixture
def catalogue(world, sandbox_account):
    seed_catalogue()
    us = SandboxCountry.objects.get(name="United States")
    chicago = SandboxCity.objects.get(name="CHICAGO, IL")
    return {
        "account": sandbox_account.pk,
        "country": us.pk,
        "region": chicago.region_id,
        "city": chicago.pk,
    }


def text(response) -> str:
    return html.unescape(response.content.decode())


STEPS = [
    ("/platform/numbers/buy/", "get", ["account", "country", "region", "city", "page"]),
    ("/platform/numbers/buy/countries/", "get", ["account"]),
    ("/platform/numbers/buy/areas/", "get", ["account", "country", "region"]),
    ("/platform/numbers/buy/numbers/", "get", ["account", "country", "city", "page"]),
    ("/platform/numbers/buy/review/", "post", ["account", "country", "region", "city"]),
    ("/platform/numbers/buy/checkout/", "post", ["account"]),
]
LABELS = {
    "account": "Wavix account",
    "country": "Country",
    "region": "State or province",
    "city": "City",
    "page": "Page",
}


@pytest.mark.parametrize(("url", "method", "names"), STEPS)
def test_every_step_names_a_bad_parameter_and_its_rule(world, catalogue, url, method, names):
    client = login(world.sysadmin)
    good = {**catalogue, "numbers": "13127840000|1.00|1.00"}
    for name in names:
        for value in HOSTILE:
            response = getattr(client, method)(url, {**good, name: value})
            assert response.status_code == 400, (url, name, value, response.status_code)
            high = 10_000 if name == "page" else 2**31 - 1
            assert f"{LABELS[name]}: “" in text(response), (url, name, value)
            assert f"is not a whole number from 1 to {high}." in text(response), (url, name)
    assert not NumberOrder.objects.exists()


def test_a_step_loaded_by_htmx_shows_the_problem_in_place(world, catalogue):
    response = login(world.sysadmin).get(
        "/platform/numbers/buy/countries/", {"account": "abc"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200  # htmx swaps only a successful answer
    page = text(response)
    assert 'data-testid="buy-error"' in page and "Wavix did not answer" not in page
    assert "Wavix account: “abc” is not a whole number from 1 to 2147483647." in page


def test_an_unknown_account_or_country_is_named(world, catalogue):
    client = login(world.sysadmin)
    page = text(client.get("/platform/numbers/buy/countries/", {"account": "4242"}))
    assert "Wavix account: there is no account 4242; choose one listed." in page
    page = text(client.get("/platform/numbers/buy/areas/", {**catalogue, "country": "4242"}))
    assert "Country: Wavix offers no country 4242 here." in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "Numbers: “abc” is not a number for sale (its digits, activation fee and monthly"),
        ("1312784²|1|1", "is not a number for sale"),
        ("13127840000|NaN|1", "Activation fee of +13127840000: “NaN” is not an amount in USD"),
        ("13127840000|1|-1", "Monthly fee of +13127840000: “-1” is not an amount in USD"),
        ("13127840000|1|1|1", "is not a number for sale"),
        ("1|1|" + "9" * 100, "is not a number for sale"),
    ],
)
def test_a_bad_chosen_number_is_named(world, catalogue, value, message):
    client = login(world.sysadmin)
    for url in ["/platform/numbers/buy/review/", "/platform/numbers/buy/checkout/"]:
        response = client.post(url, {**catalogue, "numbers": value})
        assert response.status_code == 400 and message in text(response), url
    assert not NumberOrder.objects.exists()


def test_too_many_numbers_for_one_order_are_refused(world, catalogue):
    numbers = [f"{13127840000 + i}|1|1" for i in range(101)]
    response = login(world.sysadmin).post(
        "/platform/numbers/buy/review/", {**catalogue, "numbers": numbers}
    )
    assert response.status_code == 400
    assert "Numbers: 101 chosen; one order buys at most 100." in text(response)


def test_checkout_into_an_unknown_tenant_is_refused_keeping_the_order(world, catalogue):
    world.b.status = Tenant.Status.SUSPENDED
    world.b.save()
    client = login(world.sysadmin)
    chosen = {**catalogue, "numbers": ["13127840000|1.00|2.50", "13127840007|1.00|2.50"]}
    for slug in ["nobody", "globex", "\x00", "acme\x00", "²", "\x00" * 60]:
        response = client.post("/platform/numbers/buy/checkout/", {**chosen, "tenant": slug})
        assert response.status_code == 400
        page = text(response)
        assert "Tenant: “" in page and "is not an active tenant; choose one." in page
        # The review again, with both numbers and their totals.
        assert "+13127840000" in page and "+13127840007" in page and "$5.00 / month" in page
    assert not NumberOrder.objects.exists()

    response = client.post("/platform/numbers/buy/checkout/", {**chosen, "tenant": "acme"})
    assert response.status_code == 302
    order = NumberOrder.objects.get()
    assert order.numbers == ["13127840000", "13127840007"] and order.tenant == world.a
    # The totals are the server's sum of the fees, whatever a form might add.
    assert order.payload["fees"] == {"activation_total": "2.00", "monthly_total": "5.00"}


def test_review_with_nothing_chosen_keeps_the_place(world, catalogue):
    response = login(world.sysadmin).post("/platform/numbers/buy/review/", catalogue)
    assert response.status_code == 400
    page = text(response)
    assert "Choose at least one number to buy." in page
    query = response.context["query"]
    for name in ("country", "region", "city"):
        assert f"{name}={catalogue[name]}" in query
