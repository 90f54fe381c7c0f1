"""Enabling SMS on numbers from the inventory, against the Wavix sandbox: US and Canadian
numbers are SMS-enabled on Wavix by an order carried out in the background (its progress
counted), other countries are refused with the reason, and every list of numbers shows which
are SMS-enabled."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from dids import services as dids_services
from dids.models import Did, NumberOrder
from dids.services.orders import order_sms_enable
from portal.models import AuditEntry
from sandbox.wavix.models import SandboxNumber
from sandbox.wavix.seed import seed_account
from tests.conftest import login


@pytest.fixture
def inventory(world, sandbox_account, run_tasks):
    seed_account(account=sandbox_account.sandbox, purchased=40)
    SandboxNumber.objects.filter(account=sandbox_account.sandbox).update(sms_enabled=False)
    run_tasks(dids_services.sync_start, account=sandbox_account)
    dids = Did.objects.filter(account=sandbox_account, status="active")
    nanp = [d.number for d in dids if d.country in ("US", "CA")]
    other = [d.number for d in dids if d.country not in ("US", "CA", "")]
    assert nanp
    return sandbox_account, nanp, other


def test_us_numbers_are_sms_enabled_on_wavix_by_a_background_order(inventory, run_tasks):
    account, nanp, _ = inventory
    chosen = nanp[:3]
    order = run_tasks(order_sms_enable, numbers=chosen)
    order.refresh_from_db()
    assert order.status == "succeeded", order.error
    assert order.percent == 100 and order.progress_done == 3
    assert set(
        SandboxNumber.objects.filter(number__in=[str(n) for n in chosen]).values_list(
            "sms_enabled", flat=True
        )
    ) == {True}
    assert set(Did.objects.filter(number__in=chosen).values_list("sms_enabled", flat=True)) == {
        True
    }
    with scopes_disabled():
        audited = AuditEntry.objects.filter(
            content_type__model="did", action="update", changes__has_key="sms_enabled"
        )
        assert audited.count() == 3


def test_other_countries_are_refused_with_the_reason(inventory):
    _, nanp, other = inventory
    if not other:
        pytest.skip("the sandbox seeded no number outside the US and Canada")
    with pytest.raises(ValidationError) as error:
        order_sms_enable(numbers=[nanp[0], other[0]])
    text = " ".join(error.value.messages)
    assert f"+{other[0]}" in text and "US and Canadian numbers only" in text
    assert not NumberOrder.objects.exists()


def test_numbers_already_sms_enabled_are_not_ordered_again(inventory, run_tasks):
    _, nanp, _ = inventory
    run_tasks(order_sms_enable, numbers=nanp[:1])
    with pytest.raises(ValidationError, match="SMS-enabled already"):
        order_sms_enable(numbers=nanp[:1])


def test_the_inventory_action_queues_the_order_and_shows_its_progress(inventory, world):
    _, nanp, _ = inventory
    client = login(world.sysadmin)
    page = client.get(reverse("platform:inventory_list")).content.decode()
    assert "Enable SMS" in page and 'data-confirm="Enable SMS on Wavix' in page
    response = client.post(reverse("platform:inventory_sms_enable"), {"numbers": nanp[:2]})
    assert response.status_code == 302 and response.url == reverse("platform:order_list")
    orders = client.get(reverse("platform:order_list")).content.decode()
    assert "Enable SMS" in orders and 'data-polling="on"' in orders
    assert "0 of 2 numbers" in orders and 'aria-label="Numbers SMS-enabled so far"' in orders


def test_the_inventory_action_refuses_nothing_chosen(world):
    client = login(world.sysadmin)
    response = client.post(reverse("platform:inventory_sms_enable"), follow=True)
    assert "Choose the numbers to enable SMS on." in response.content.decode()


def test_every_list_of_numbers_shows_which_are_sms_enabled(inventory, world, run_tasks):
    account, nanp, _ = inventory
    run_tasks(order_sms_enable, numbers=nanp[:2])
    with scopes_disabled():
        dids_services.pool_save(tenant=world.a, name="Direct", text="\n".join(map(str, nanp[:4])))
    admin = login(world.sysadmin)
    inventory_page = admin.get(reverse("platform:inventory_list"), {"sms_enabled": "yes"})
    assert inventory_page.content.decode().count('title="SMS-enabled on Wavix"') == 2
    pools = admin.get(reverse("platform:pool_list")).content.decode()
    sms_cell = re.search(r'data-testid="pool-sms">(.*?)</td>', pools, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", sms_cell).strip() == "2"
    tenant = login(world.admin_a).get(reverse("tenant:number_list", args=[world.a.slug]))
    assert tenant.content.decode().count('title="SMS-enabled on Wavix"') == 2
