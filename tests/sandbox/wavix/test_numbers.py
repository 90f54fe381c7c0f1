"""Numbers in the sandbox: buying through the cart, configuring, releasing, and the seed that
fills an account (inside and outside the portal's demo pools)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from sandbox.wavix.accounts import account_create
from sandbox.wavix.models import SandboxCartItem, SandboxNumber, SandboxStockNumber
from sandbox.wavix.seed import purchased_plan, seed_account, seed_catalogue, seed_cdrs

pytestmark = pytest.mark.django_db

US, GB = 8652, 8726


def for_sale(sandbox, country=US, **params):
    city = sandbox.get(f"/v1/buy/countries/{country}/cities").json()["cities"][0]
    path = f"/v1/buy/countries/{country}/cities/{city['id']}/dids"
    return sandbox.get(path, params=params).json()["dids"]


def test_checkout_moves_cart_numbers_to_the_account(sandbox):
    seed_catalogue()
    dids = for_sale(sandbox, per_page=3)
    wanted = [d["number"] for d in dids]
    sandbox.put("/v1/buy/cart", json={"ids": wanted})
    assert sandbox.post("/v1/buy/cart/checkout", json={"ids": wanted[:2]}).json() == {
        "success": True
    }
    bought = sandbox.get("/v1/numbers").json()["items"]
    assert sorted(n["number"] for n in bought) == sorted(wanted[:2])
    first = next(n for n in bought if n["number"] == dids[0]["number"])
    assert first["monthly_fee"] == dids[0]["monthly_fee"] and first["status"] == "active"
    assert first["city"] == dids[0]["city"] and first["country_short_name"] == "US"
    # Bought numbers leave the stock and the cart; the third stays in the cart, for sale.
    assert not SandboxStockNumber.objects.filter(number__in=wanted[:2]).exists()
    cart = sandbox.get("/v1/buy/cart").json()["dids"]
    assert [d["number"] for d in cart] == [wanted[2]]


def test_numbers_needing_documents_are_bought_inactive(sandbox):
    seed_catalogue()
    german = next(d for d in for_sale(sandbox, country=8669) if d["require_docs"])
    assert german["require_docs"] == [1, 2]
    sandbox.put("/v1/buy/cart", json={"ids": [german["number"]]})
    sandbox.post("/v1/buy/cart/checkout", json={"ids": [german["number"]]})
    number = sandbox.get("/v1/numbers").json()["items"][0]
    assert number["status"] == "inactive" and number["require_docs"] == ["1", "2"]


def test_checkout_of_a_number_not_in_the_cart_is_404_and_buys_nothing(sandbox):
    seed_catalogue()
    a, b = (d["number"] for d in for_sale(sandbox, per_page=2))
    sandbox.put("/v1/buy/cart", json={"ids": [a]})
    response = sandbox.post("/v1/buy/cart/checkout", json={"ids": [a, b]})
    assert response.status_code == 404
    assert response.json()["message"] == f"Numbers not in the cart: {b}"
    assert not sandbox.account.numbers.exists()


def test_a_number_bought_by_another_account_leaves_every_cart(sandbox):
    seed_catalogue()
    number = for_sale(sandbox, per_page=1)[0]["number"]
    other = account_create(api_key="other-key-0123456789")
    stock = SandboxStockNumber.objects.get(number=number)
    SandboxCartItem.objects.create(account=other, stock_number=stock)
    sandbox.put("/v1/buy/cart", json={"ids": [number]})
    sandbox.post("/v1/buy/cart/checkout", json={"ids": [number]})
    assert not SandboxCartItem.objects.filter(account=other).exists()
    assert sandbox.put("/v1/buy/cart", json={"ids": [number]}).status_code == 404


def test_sms_filter_lists_only_text_enabled_numbers(sandbox):
    seed_catalogue()
    everything = for_sale(sandbox, per_page=100)
    texting = for_sale(sandbox, per_page=100, text_enabled_only="true")
    assert {d["sms_enabled"] for d in everything} == {True, False}
    assert texting and all(d["sms_enabled"] for d in texting)
    assert for_sale(sandbox, country=GB, text_enabled_only="true") == []


def test_inbound_sms_can_be_enabled_on_us_and_canadian_numbers_only(seeded):
    london = seeded.account.numbers.filter(city__country__short_name="GB").first()
    response = seeded.patch(f"/v1/numbers/{london.pk}", json={"sms_enabled": True})
    assert response.status_code == 400
    assert "US and Canadian numbers only" in response.json()["message"]
    london.refresh_from_db()
    assert not london.sms_enabled


def test_a_destination_on_another_accounts_trunk_is_refused(seeded):
    other = account_create(api_key="other-key-0123456789")
    seed_account(account=other, purchased=4)
    foreign = other.trunks.first()
    number = seeded.account.numbers.first()
    body = {
        "destinations": [
            {"destination": "x", "priority": 1, "transport": 5, "trunk_id": foreign.pk}
        ]
    }
    response = seeded.patch(f"/v1/numbers/{number.pk}", json=body)
    assert response.status_code == 400
    assert response.json()["message"].startswith(
        "Missing or invalid parameter destinations[0].trunk_id: must be a SIP trunk"
    )


def test_numbers_filter_by_search_label_and_city(seeded):
    numbers = seeded.account.numbers
    labelled = numbers.exclude(label=None).first()
    body = seeded.get("/v1/numbers", params={"label": labelled.label, "per_page": 100}).json()
    assert {n["label"] for n in body["items"]} == {labelled.label}
    unlabelled = seeded.get("/v1/numbers", params={"label_present": "false"}).json()
    assert unlabelled["pagination"]["total"] == numbers.filter(label=None).count()
    found = seeded.get("/v1/numbers", params={"search": "1646809707"}).json()["items"]
    assert {n["number"] for n in found} <= {f"1646809707{i}" for i in range(10)} and found
    city_id = numbers.first().city_id
    in_city = seeded.get("/v1/numbers", params={"city_id": city_id, "per_page": 100}).json()
    assert in_city["pagination"]["total"] == numbers.filter(city_id=city_id).count()


def test_releasing_an_unknown_number_is_404_and_releases_nothing(seeded):
    number = seeded.account.numbers.first()
    response = seeded.delete("/v1/numbers", params={"ids": [number.pk, 999999]})
    assert response.status_code == 404
    assert seeded.account.numbers.filter(pk=number.pk).exists()


def test_release_needs_ids_or_dids_but_not_both(seeded):
    response = seeded.delete("/v1/numbers")
    assert response.status_code == 422 and "ids" in response.json()["message"]


def test_seed_puts_a_good_share_of_numbers_in_the_demo_pools():
    plan = [number for number, _ in purchased_plan(300)]
    assert len(plan) == len(set(plan)) == 300
    acme = {16468097065, 16468097066, *range(16468097070, 16468097081)}
    assert acme <= set(plan)
    assert set(range(13125550100, 13125550160)) <= set(plan)
    globex = [n for n in plan if 12125550000 <= n <= 12126549999]
    assert len(globex) == 150
    outside = [
        n
        for n in plan
        if n not in acme
        and not 13125550100 <= n <= 13125550199
        and not 12125550000 <= n <= 12126549999
        and n != 14155550123
    ]
    assert len(outside) == 77


def test_seed_is_idempotent(sandbox):
    first = seed_account(account=sandbox.account, purchased=30)
    again = seed_account(account=sandbox.account, purchased=30)
    assert first.purchased == 30 and first.cdrs > 0 and first.stock > 0
    assert (again.purchased, again.cdrs, again.stock) == (0, 0, 0)
    assert sandbox.account.numbers.count() == 30
    assert sandbox.account.sender_ids.count() == 1 and sandbox.account.trunks.count() == 1
    # Asking for more adds only the difference.
    assert seed_account(account=sandbox.account, purchased=45).purchased == 15


def test_seed_cdrs_adds_repeatable_calls_of_the_given_numbers_through_the_trunk(sandbox):
    seed_account(account=sandbox.account, purchased=10)
    trunk, ours = sandbox.account.trunks.get(), ["16468097065", "16468097066"]
    fields = ("direction", "caller", "callee", "disposition", "duration", "charge", "sip_trunk")

    def added(seed: str) -> list[tuple]:
        last = sandbox.account.cdrs.order_by("-id").values_list("id", flat=True).first()
        count = seed_cdrs(
            account=sandbox.account, numbers=ours, trunk=trunk, days=3, per_day=5, seed=seed
        )
        rows = sandbox.account.cdrs.filter(id__gt=last).order_by("id")
        assert count == rows.count() == 15
        since = timezone.now() - dt.timedelta(days=3)
        assert all(since <= r.date <= timezone.now() for r in rows)
        return list(rows.values_list(*fields))

    first = added("demo")
    assert first == added("demo") != added("other")
    for direction, caller, callee, *_, sip_trunk in first:
        own = caller if direction == "placed" else callee
        assert own in ours
        assert sip_trunk == (trunk.name if direction == "placed" else None)


def test_seeded_numbers_are_not_for_sale(sandbox):
    seed_account(account=sandbox.account, purchased=300)
    held = set(sandbox.account.numbers.values_list("number", flat=True))
    assert not SandboxStockNumber.objects.filter(number__in=held).exists()
    assert SandboxStockNumber.objects.count() >= 300  # some hundreds for sale


def test_seed_command_makes_many_purchased_numbers_in_seconds(db, settings, capsys):
    started = time.monotonic()
    call_command("sandbox_seed", purchased=20_000)
    elapsed = time.monotonic() - started
    account_numbers = SandboxNumber.objects.filter(account__api_key=settings.WAVIX_SANDBOX_API_KEY)
    assert account_numbers.count() == 20_000
    assert elapsed < 30, f"seeding 20,000 numbers took {elapsed:.1f}s"
    assert "20000 purchased numbers" in capsys.readouterr().out
