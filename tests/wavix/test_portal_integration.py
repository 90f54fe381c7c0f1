"""The portal against the Wavix sandbox, end to end through the real client over HTTP (in
process): inventory sync, buying, returning, destinations and "Test connection", as a system
administrator would see them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from dids import services
from dids.models import Did, DidPool, NumberOrder, SyncRun
from sandbox.wavix.faults import faults_set
from sandbox.wavix.models import SandboxDestination, SandboxNumber, SandboxStockNumber
from sandbox.wavix.seed import seed_account, seed_catalogue

from ..conftest import login

pytestmark = pytest.mark.django_db


def sync(account, run_tasks) -> SyncRun:
    run = run_tasks(services.sync_start, account=account)
    run.refresh_from_db()
    return run


def test_first_sync_brings_every_number_with_one_request_per_page(sandbox_account, run_tasks):
    seed_account(account=sandbox_account.sandbox, purchased=250)
    before = sandbox_account.transport.request_count

    run = sync(sandbox_account, run_tasks)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error
    assert (run.created, run.updated, run.released) == (250, 0, 0)
    assert (run.pages_done, run.pages_total) == (3, 3)
    assert sandbox_account.transport.request_count - before == 3
    waiting = SandboxNumber.objects.filter(status="inactive").values_list("number", flat=True)
    assert waiting, "the seed keeps some numbers inactive while their documents are reviewed"
    held = Did.objects.filter(account=sandbox_account).exclude(status=Did.Status.RELEASED)
    assert held.count() == 250
    assert set(held.filter(status=Did.Status.INACTIVE).values_list("number", flat=True)) == {
        int(n) for n in waiting
    }
    wavix = SandboxNumber.objects.get(account=sandbox_account.sandbox, number="16468097065")
    did = Did.objects.get(number=16468097065)
    assert did.wavix_id == str(wavix.id) and did.city == wavix.city.name
    assert did.monthly_fee == wavix.monthly_fee


def test_a_rerun_with_nothing_changed_writes_no_number(sandbox_account, run_tasks):
    seed_account(account=sandbox_account.sandbox, purchased=120)
    sync(sandbox_account, run_tasks)

    with CaptureQueriesContext(connection) as queries:
        rerun = sync(sandbox_account, run_tasks)

    assert rerun.status == SyncRun.Status.SUCCEEDED
    assert (rerun.created, rerun.updated, rerun.unchanged, rerun.released) == (0, 0, 120, 0)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if '"dids_did"' in q["sql"] and q["sql"].lstrip().startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []


def test_changes_on_wavix_are_brought_in_and_gone_numbers_released(sandbox_account, run_tasks):
    seed_account(account=sandbox_account.sandbox, purchased=30)
    sync(sandbox_account, run_tasks)
    numbers = SandboxNumber.objects.filter(account=sandbox_account.sandbox)
    changed, gone = numbers[0], numbers[1]
    changed.sms_enabled, changed.label = not changed.sms_enabled, "Front desk"
    changed.save()
    gone.delete()

    run = sync(sandbox_account, run_tasks)

    assert (run.created, run.updated, run.released) == (0, 1, 1)
    assert Did.objects.get(number=int(changed.number)).label == "Front desk"
    released = Did.objects.get(number=int(gone.number))
    assert released.status == Did.Status.RELEASED and released.released_at is not None


def test_a_failing_wavix_fails_the_run_with_the_reason(sandbox_account, run_tasks):
    seed_account(account=sandbox_account.sandbox, purchased=10)
    faults_set(account=sandbox_account.sandbox, error_rate=1.0, error_status=503)

    run = sync(sandbox_account, run_tasks)

    assert run.status == SyncRun.Status.FAILED
    assert "503" in run.error
    assert not Did.objects.exists()
    page = login_sysadmin_page(sandbox_account, "/platform/numbers/sync/")
    assert "503" in page and "Failed" in page


def login_sysadmin_page(account, url):
    from tenants import services as tenant_services

    admin = tenant_services.user_create(
        email="ops@portal.example", password="x-Long-Pass-123", is_system_admin=True
    )
    return login(admin).get(url).content.decode()


def test_buying_puts_the_number_in_inventory_and_the_tenants_pool(
    world, sandbox_account, run_tasks
):
    seed_catalogue()
    stock = SandboxStockNumber.objects.filter(require_docs=[]).first()

    order = run_tasks(
        services.order_buy,
        account=sandbox_account,
        numbers=[stock.number],
        tenant=world.a,
        user=world.sysadmin,
    )

    order.refresh_from_db()
    assert order.status == NumberOrder.Status.SUCCEEDED, order.error
    assert SandboxNumber.objects.filter(
        account=sandbox_account.sandbox, number=stock.number
    ).exists()
    assert not SandboxStockNumber.objects.filter(number=stock.number).exists()
    did = Did.objects.get(number=int(stock.number))
    assert did.status == Did.Status.ACTIVE and did.account == sandbox_account
    with scopes_disabled():
        pool = DidPool.objects.get(tenant=world.a, name="Direct")
    assert str(stock.number) in pool.spec


def test_a_pooled_number_cannot_be_returned_until_the_pool_lets_it_go(
    world, sandbox_account, run_tasks
):
    seed_account(account=sandbox_account.sandbox, purchased=20)
    sync(sandbox_account, run_tasks)
    number = 16468097065
    pool, _ = services.pool_save(tenant=world.a, text=str(number), name="Main")

    with pytest.raises(ValidationError) as refused:
        services.order_return(numbers=[number], user=world.sysadmin)
    assert f"+{number}" in str(refused.value) or str(number) in str(refused.value)
    assert "Acme Telecom" in str(refused.value) and "pool" in str(refused.value)
    assert NumberOrder.objects.count() == 0

    services.pool_delete(pool=pool)
    order = run_tasks(services.order_return, numbers=[number], user=world.sysadmin)

    order.refresh_from_db()
    assert order.status == NumberOrder.Status.SUCCEEDED, order.error
    assert Did.objects.get(number=number).status == Did.Status.RELEASED
    assert not SandboxNumber.objects.filter(number=str(number)).exists()


def test_setting_a_destination_changes_it_on_wavix(world, sandbox_account, run_tasks):
    seed_account(account=sandbox_account.sandbox, purchased=20)
    sync(sandbox_account, run_tasks)
    number = 16468097066

    order = run_tasks(
        services.order_destination,
        numbers=[number],
        kind="sip_uri",
        value="100@pbx.acme.example",
        user=world.sysadmin,
    )

    order.refresh_from_db()
    assert order.status == NumberOrder.Status.SUCCEEDED, order.error
    on_wavix = SandboxDestination.objects.filter(number__number=str(number))
    assert [(d.destination, d.transport) for d in on_wavix] == [("100@pbx.acme.example", 1)]
    assert Did.objects.get(number=number).destination[0]["destination"] == "100@pbx.acme.example"


def test_a_destination_that_is_not_a_sip_uri_is_refused_before_wavix(sandbox_account):
    with pytest.raises(ValidationError) as refused:
        services.order_destination(numbers=[16468097066], kind="sip_uri", value="not a uri")
    assert "“not a uri” is not a SIP URI" in str(refused.value)
    assert sandbox_account.transport.request_count == 0


def test_test_connection_names_the_account_or_the_reason(world, sandbox_account):
    client = login(world.sysadmin)
    url = f"/platform/wavix/{sandbox_account.pk}/test/"

    ok = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Connected" in ok

    from portal.services import wavix_account_save
    from portal.wavix.client import session_for_account

    wrong = wavix_account_save(
        account=sandbox_account,
        name="Sandbox",
        base_url=sandbox_account.base_url,
        auth_mode="bearer",
        api_key="wrong-key-000000",
    )
    session_for_account(wrong).mount("http://wavix-sandbox.test/", sandbox_account.transport)
    refused = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "401" in refused or "Unauthorized" in refused
    assert "allow-list" in refused
    assert "wrong-key-000000" not in refused
