"""The inventory pages a system administrator uses: the list with its filters, "Sync now" and
the runs' live progress, returning numbers and setting destinations, and the same through the
API. Runs against the Wavix sandbox in process."""

import pytest
from django_scopes import scopes_disabled

from dids.models import Did, NumberOrder, SyncRun
from dids.services import pool_save, sync_start
from sandbox.wavix.models import SandboxDestination
from sandbox.wavix.seed import seed_account

from ..conftest import api_client, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(world, sandbox_account, run_tasks):
    """40 numbers held on the sandbox account, brought in by a sync; Acme's pool holds two."""
    seed_account(account=sandbox_account.sandbox, purchased=40)
    run_tasks(sync_start, account=sandbox_account)
    pool_save(tenant=world.a, text="16468097065-16468097066", name="Main")
    return sandbox_account


def rows(html: str) -> int:
    return html.count('<tr data-number="')


def test_inventory_shows_each_number_with_the_tenant_holding_it(world, synced):
    page = login(world.sysadmin).get("/platform/numbers/inventory/?q=1646809706").content.decode()

    assert "+16468097065" in page and "+16468097066" in page
    assert page.count("Acme Telecom") >= 2
    pooled = login(world.sysadmin).get("/platform/numbers/inventory/?pooled=yes").content.decode()
    assert rows(pooled) == 2
    unpooled = login(world.sysadmin).get("/platform/numbers/inventory/?pooled=no").content.decode()
    assert rows(unpooled) == 25 and "1–25 of 38" in unpooled


def test_inventory_is_for_system_administrators_only(world, synced):
    for user in (world.admin_a, world.agent_a):
        assert login(user).get("/platform/numbers/inventory/").status_code == 403
    assert api_client(world.admin_a, world.a).get("/api/v1/inventory/").status_code == 403


def test_sync_now_queues_one_run_and_the_list_polls_until_it_ends(world, sandbox_account):
    client = login(world.sysadmin)

    response = client.post(f"/platform/wavix/{sandbox_account.pk}/sync/", follow=True)
    again = client.post(f"/platform/wavix/{sandbox_account.pk}/sync/", follow=True)

    assert SyncRun.objects.count() == 1
    assert "Sync of “Sandbox” queued." in response.content.decode()
    assert "Sync of “Sandbox” queued." in again.content.decode()
    table = client.get("/platform/numbers/sync/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-polling="on"' in table and 'hx-trigger="every 1s"' in table
    SyncRun.objects.update(status="succeeded")
    table = client.get("/platform/numbers/sync/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-polling="off"' in table and "hx-trigger" not in table


def test_returning_a_pooled_number_is_refused_with_the_pool_named(world, synced):
    client = login(world.sysadmin)

    response = client.post(
        "/platform/numbers/inventory/return/", {"numbers": ["16468097065"]}, follow=True
    )

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/platform/numbers/inventory/"
    assert "16468097065 already belong to Acme Telecom (pool “Main”)" in page
    assert "remove them from the pool first" in page
    assert not NumberOrder.objects.exists()


def test_returning_a_free_number_queues_an_order_that_returns_it(world, synced, run_tasks):
    client = login(world.sysadmin)

    response = run_tasks(
        client.post, "/platform/numbers/inventory/return/", {"numbers": ["16468097070"]}
    )

    assert response.status_code == 302 and response.url == "/platform/numbers/orders/"
    assert NumberOrder.objects.get().status == "succeeded"
    assert Did.objects.get(number=16468097070).status == Did.Status.RELEASED


def test_destination_form_explains_a_bad_value_and_keeps_the_input(world, synced):
    client = login(world.sysadmin)

    response = client.post(
        "/platform/numbers/inventory/destination/",
        {"numbers": "16468097070,16468097071", "kind": "pstn", "value": "12ab"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "“12ab” is not a phone number in E.164 digits." in page
    assert 'value="12ab"' in page and "+16468097071" in page
    assert not NumberOrder.objects.exists()


def test_destination_of_several_numbers_is_set_on_wavix(world, synced, run_tasks):
    client = login(world.sysadmin)

    response = run_tasks(
        client.post,
        "/platform/numbers/inventory/destination/",
        {"numbers": "16468097070,16468097071", "kind": "pstn", "value": "+14155550100"},
    )

    assert response.status_code == 302
    on_wavix = SandboxDestination.objects.filter(
        number__number__in=["16468097070", "16468097071"]
    ).values_list("destination", flat=True)
    assert sorted(on_wavix) == ["14155550100", "14155550100"]


def test_api_lists_the_inventory_and_starts_a_sync(world, synced, run_tasks):
    client = api_client(world.sysadmin)

    listing = client.get("/api/v1/inventory/?pooled=yes").json()
    started = run_tasks(client.post, "/api/v1/sync-runs/", {}, format="json")

    assert [n["number"] for n in listing["results"]] == [16468097065, 16468097066]
    assert {n["tenant"] for n in listing["results"]} == {"acme"}
    assert started.status_code == 202
    run = SyncRun.objects.get(pk=started.json()["id"])
    assert run.status == "succeeded" and run.unchanged == 40
    with scopes_disabled():
        assert client.get(f"/api/v1/sync-runs/{run.pk}/").json()["unchanged"] == 40


def test_a_number_routed_to_a_trunk_shows_the_trunk_by_its_label(world, sandbox_account, run_tasks):
    seed_account(account=sandbox_account.sandbox, purchased=3)
    number = sandbox_account.sandbox.numbers.order_by("number").first()
    trunk = sandbox_account.sandbox.trunks.create(
        name="70001", label="Head office PBX", password="x"
    )
    SandboxDestination.objects.create(
        number=number,
        destination="70001",
        transport=SandboxDestination.Transport.TRUNK,
        trunk=trunk,
    )
    run_tasks(sync_start, account=sandbox_account)

    page = login(world.sysadmin).get(f"/platform/numbers/inventory/?q={number.number}")

    row = page.content.decode().split(f'data-number="{number.number}"')[1].split("</tr>")[0]
    assert "Head office PBX" in row and 'title="SIP trunk 70001"' in row


def test_inventory_shows_the_wavix_label_beside_the_tenants_own(world, synced):
    from django_scopes import scope

    from dids.models import DidNote

    Did.objects.filter(number=16468097065).update(label="Billing")
    with scope(tenant=world.a):
        DidNote.objects.create(tenant=world.a, number=16468097065, label="Reception desk")
    page = login(world.sysadmin).get("/platform/numbers/inventory/?q=16468097065").content.decode()
    cell = page.split('data-testid="inventory-labels">')[1].split("</td>")[0]
    assert "Wavix: Billing" in cell and "Acme Telecom: Reception desk" in cell


def test_number_orders_show_their_numbers_with_plus(world):
    from ..factories import wavix_account

    NumberOrder.objects.create(
        kind="buy",
        account=wavix_account(),
        numbers=["16468097065", "16468097066"],
        requested_by=world.sysadmin,
        status="succeeded",
    )
    page = login(world.sysadmin).get("/platform/numbers/orders/").content.decode()
    assert "+16468097065, +16468097066" in page
