"""Inbound addresses on Wavix, against the sandbox: an SMS-enabled number that enters a
tenant's pool gets its `sms_relay_url` pointed at the channel's intake (in bulk, as a job with
progress), one that leaves every pool is cleared, one that becomes SMS-enabled in a pool is
pointed, the first sync points pooled numbers with no address; drift is listed on the channel
page and fixed by its button."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from dids import services as dids_services
from dids.models import Did
from dids.services.orders import order_sms_enable
from messaging.hooks import inbound_url
from messaging.models import Channel, RelayJob
from messaging.services import channels as messaging_channels
from messaging.services import relay
from sandbox.wavix.models import SandboxNumber
from sandbox.wavix.seed import seed_account
from tests.conftest import login


@pytest.fixture
def relay_env(world, sandbox_account, run_tasks):
    seed_account(account=sandbox_account.sandbox, purchased=40)
    run_tasks(dids_services.sync_start, account=sandbox_account)
    channel = Channel.objects.create(name="Wavix main", wavix_account=sandbox_account)
    dids = Did.objects.filter(account=sandbox_account, status="active")
    sms = sorted(dids.filter(sms_enabled=True).values_list("number", flat=True))
    plain = sorted(dids.filter(sms_enabled=False).values_list("number", flat=True))
    with scopes_disabled():
        Did.objects.filter(number__in=sms).update(sms_relay_url="")
    SandboxNumber.objects.filter(account=sandbox_account.sandbox).update(sms_relay_url=None)
    return world, sandbox_account, channel, sms, plain


def on_wavix(number) -> str | None:
    return SandboxNumber.objects.get(number=str(number)).sms_relay_url


def give(tenant, numbers, run_tasks, pool=None):
    with scopes_disabled():
        text = ";".join(map(str, numbers))
        return run_tasks(dids_services.pool_save, tenant=tenant, pool=pool, text=text)[0]


def test_sms_numbers_entering_a_pool_are_pointed_at_the_channel(relay_env, run_tasks):
    world, account, channel, sms, plain = relay_env
    give(world.a, [*sms[:3], plain[0]], run_tasks)
    url = inbound_url(channel)
    assert [on_wavix(n) for n in sms[:3]] == [url] * 3
    assert Did.objects.get(number=sms[0]).sms_relay_url == url
    assert on_wavix(plain[0]) is None  # not SMS-enabled: Wavix has no inbound for it
    assert on_wavix(sms[3]) is None  # in no pool
    job = RelayJob.objects.get()
    assert job.status == "succeeded" and job.numbers_done == job.numbers_total == 3
    assert job.percent == 100


def test_numbers_leaving_every_pool_are_cleared(relay_env, run_tasks):
    world, account, channel, sms, plain = relay_env
    pool = give(world.a, sms[:3], run_tasks)
    give(world.a, sms[:1], run_tasks, pool=pool)
    assert on_wavix(sms[0]) == inbound_url(channel)
    assert on_wavix(sms[1]) is None and on_wavix(sms[2]) is None
    assert Did.objects.get(number=sms[1]).sms_relay_url == ""
    with scopes_disabled():
        run_tasks(dids_services.pool_delete, pool=pool)
    assert on_wavix(sms[0]) is None


def test_a_number_moving_to_another_tenant_stays_pointed(relay_env, run_tasks):
    world, account, channel, sms, plain = relay_env
    pool = give(world.a, sms[:2], run_tasks)
    give(world.a, sms[:1], run_tasks, pool=pool)
    give(world.b, sms[1:2], run_tasks)
    assert on_wavix(sms[1]) == inbound_url(channel)


def test_the_job_works_out_the_address_when_it_runs(relay_env, run_tasks, hold_task):
    world, account, channel, sms, plain = relay_env
    held = hold_task("messaging.tasks", "run_relay_job")
    pool = give(world.a, sms[:1], run_tasks)  # queued: point it
    with scopes_disabled():
        run_tasks(dids_services.pool_delete, pool=pool)  # queued: clear it
    give(world.b, sms[:1], run_tasks)  # queued: point it again
    while held.messages:  # the worker takes them in any order; the last word is the pool's
        held.messages.reverse()
        held.run_next()
    assert on_wavix(sms[0]) == inbound_url(channel)


def test_many_numbers_go_in_batches_with_progress(relay_env, run_tasks, monkeypatch):
    world, account, channel, sms, plain = relay_env
    monkeypatch.setattr(relay, "BATCH", 2)
    before = account.transport.request_count
    give(world.a, sms[:5], run_tasks)
    job = RelayJob.objects.get()
    assert job.numbers_done == 5 and job.status == "succeeded"
    assert account.transport.request_count - before == 3  # PATCH /v1/numbers: 2 + 2 + 1
    assert {on_wavix(n) for n in sms[:5]} == {inbound_url(channel)}


def test_a_transient_wavix_failure_retries_the_job(relay_env, run_tasks, hold_task):
    world, account, channel, sms, plain = relay_env
    from sandbox.wavix.faults import faults_set

    held = hold_task("messaging.tasks", "run_relay_job")
    give(world.a, sms[:2], run_tasks)
    faults_set(account=account.sandbox, error_rate=1.0, error_status=503, path_prefix="/v1/numbers")
    held.run_next()
    job = RelayJob.objects.get()
    assert job.status == "retrying" and job.numbers_done == 0
    faults_set(account=account.sandbox, error_rate=0.0)
    held.run_next()
    job.refresh_from_db()
    assert job.status == "succeeded" and on_wavix(sms[0]) == inbound_url(channel)


def test_a_number_enabled_for_sms_in_a_pool_is_pointed(relay_env, run_tasks):
    world, account, channel, sms, plain = relay_env
    nanp = [n for n in plain if Did.objects.get(number=n).country in ("US", "CA")]
    give(world.a, nanp[:1], run_tasks)
    assert not RelayJob.objects.exists()
    run_tasks(order_sms_enable, numbers=nanp[:1])
    assert on_wavix(nanp[0]) == inbound_url(channel)


def test_the_sync_stores_the_address_and_points_pooled_numbers_that_have_none(relay_env, run_tasks):
    world, account, channel, sms, plain = relay_env
    with scopes_disabled():
        dids_services.pool_save(tenant=world.a, text=";".join(map(str, sms[:2])))  # no commit
    elsewhere = "https://elsewhere.example/sms"
    SandboxNumber.objects.filter(number=str(sms[1])).update(sms_relay_url=elsewhere)
    run_tasks(dids_services.sync_start, account=account)
    assert on_wavix(sms[0]) == inbound_url(channel)
    # Pointed elsewhere on purpose, maybe: left alone, shown as drift.
    assert on_wavix(sms[1]) == elsewhere
    assert Did.objects.get(number=sms[1]).sms_relay_url == elsewhere
    assert list(
        relay.pointed_elsewhere(account_id=account.pk).values_list("number", flat=True)
    ) == [sms[1]]


def test_drift_is_shown_on_the_channel_page_and_pointed_here(relay_env, run_tasks):
    world, account, channel, sms, plain = relay_env
    give(world.a, sms[:3], run_tasks)
    SandboxNumber.objects.filter(number__in=[str(n) for n in sms[:2]]).update(
        sms_relay_url="https://elsewhere.example/sms"
    )
    run_tasks(dids_services.sync_start, account=account)
    client = login(world.sysadmin)
    page = client.get(reverse("platform:channel_edit", args=[channel.pk])).content.decode()
    assert "2 SMS numbers in pools receive their messages elsewhere" in page
    assert "elsewhere.example" in page
    response = run_tasks(client.post, reverse("platform:channel_relay_fix", args=[channel.pk]))
    assert response.status_code == 302
    assert {on_wavix(n) for n in sms[:3]} == {inbound_url(channel)}
    page = client.get(reverse("platform:channel_edit", args=[channel.pk])).content.decode()
    assert "Every SMS number in a pool receives its messages here" in page


def test_the_drift_button_is_for_system_administrators_only(relay_env):
    world, account, channel, sms, plain = relay_env
    response = login(world.admin_a).post(reverse("platform:channel_relay_fix", args=[channel.pk]))
    assert response.status_code in (403, 404)
    assert not RelayJob.objects.exists()


def test_a_new_channel_points_the_pooled_sms_numbers_at_itself(world, sandbox_account, run_tasks):
    from messaging.services.channels import channel_create

    seed_account(account=sandbox_account.sandbox, purchased=20)
    run_tasks(dids_services.sync_start, account=sandbox_account)
    sms = sorted(
        Did.objects.filter(account=sandbox_account, sms_enabled=True).values_list(
            "number", flat=True
        )
    )
    give(world.a, sms[:2], run_tasks)  # no channel yet: nothing to point at
    assert not RelayJob.objects.exists()
    channel = run_tasks(channel_create, wavix_account=sandbox_account, name="Wavix new")
    assert [on_wavix(n) for n in sms[:2]] == [inbound_url(channel)] * 2


def test_a_relay_jobs_pool_lookups_do_not_grow_with_its_numbers(relay_env, run_tasks):
    """Whether each number is pooled is one annotation of the numbers' query, not a lookup per
    number: starting a job for 3 numbers and for 20 costs the same queries."""
    world, account, channel, sms, plain = relay_env
    give(world.a, sms[:20], run_tasks)
    with scopes_disabled():
        Did.objects.filter(number__in=sms).update(sms_relay_url="")

    def queries_for(numbers) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            relay.relay_start(account=account, numbers=numbers, reason="test")
        return len(captured.captured_queries)

    few, many = queries_for(sms[:3]), queries_for(sms[:20])
    assert few == many


def test_deleting_the_channel_clears_its_numbers_inbound_address(relay_env, run_tasks):
    world, account, channel, sms, plain = relay_env
    give(world.a, sms[:2], run_tasks)
    assert on_wavix(sms[0]) == inbound_url(channel)
    run_tasks(messaging_channels.channel_delete, channel=channel)
    assert on_wavix(sms[0]) is None and on_wavix(sms[1]) is None
    assert not Did.objects.filter(number__in=sms[:2]).exclude(sms_relay_url="").exists()
    job = RelayJob.objects.order_by("-pk").first()
    assert job.status == "succeeded" and "channel was deleted" in job.reason
