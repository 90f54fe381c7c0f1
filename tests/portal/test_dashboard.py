"""The platform overview's trunks and calls: the figures a system administrator sees, the
lists they link to agree with them, and the page costs the same queries for few rows or many."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from trunks.models import ForeignTrunk, TrunkReconcile

from ..conftest import login, shown
from ..factories import call_record, days_ago, sip_trunk, wavix_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def trunks_and_calls(world):
    account = wavix_account()
    sip_trunk(account, label="Active", sync_state="in_sync", wavix_id=1, wavix_status="active")
    sip_trunk(
        account,
        label="Changed",
        sync_state="in_sync",
        wavix_id=2,
        wavix_status="pending",
        drift="changed",
    )
    sip_trunk(account, label="New", sync_state="pending")  # not on Wavix yet: nothing to approve
    sip_trunk(
        account, label="Broken", sync_state="failed", wavix_id=3, wavix_status="", drift="missing"
    )
    sip_trunk(account, label="Refused", sync_state="in_sync", wavix_id=4, wavix_status="rejected")
    ForeignTrunk.objects.create(account=account, wavix_id=99, label="Made on Wavix")
    TrunkReconcile.objects.create(account=account, checked_at=timezone.now(), ok=True)
    call_record(account, tenant=world.a, started_at=days_ago(0), duration=90, charge="0.25")
    call_record(account, tenant=world.b, started_at=days_ago(6), duration=30, charge="0.50")
    call_record(account, started_at=days_ago(3), duration=60, charge="0.05")  # nobody's number
    call_record(account, tenant=world.a, started_at=days_ago(7), duration=600, charge="9.00")
    return account


def test_the_overview_shows_trunks_by_state_and_the_calls_of_the_last_7_days(
    world, trunks_and_calls
):
    client = login(world.sysadmin)
    response = client.get("/platform/")
    page = response.content.decode()

    assert shown(page, "trunks-total") == "5"
    assert shown(page, "trunks-in-sync") == "3"
    assert shown(page, "trunks-pending") == "1"
    assert shown(page, "trunks-failed") == "1"
    assert shown(page, "trunks-awaiting-approval") == "2"  # “Changed” and “Broken”
    assert shown(page, "trunks-drift-changed") == "1"
    assert shown(page, "trunks-drift-missing") == "1"
    assert shown(page, "trunks-foreign") == "1"
    assert shown(page, "trunks-drift") == "3"
    assert "Wavix check: last" in page

    # Every tenant's calls and those of no tenant, in the window only (not 7 days ago).
    assert shown(page, "recent-calls-count") == "3"
    assert shown(page, "recent-calls-minutes") == "3.0"
    assert shown(page, "recent-calls-cost") == "$0.80"
    chart = response.context["calls"].chart
    assert len(chart["labels"]) == 7 and sum(chart["calls"]) == 3
    assert chart["calls"][0] == 1 and chart["calls"][-1] == 1
    assert 'id="calls-chart"' in page and "js/cdr-chart.js" in page


def test_the_overview_links_to_lists_that_agree_with_it(world, trunks_and_calls):
    client = login(world.sysadmin)
    page = client.get("/platform/").content.decode()
    for state, label in [("in_sync", "Active"), ("pending", "New"), ("failed", "Broken")]:
        url = f"/platform/trunks/?sync_state={state}"
        assert f'href="{url}"' in page
        listed = client.get(url).context["object_list"]
        assert len(listed) == int(shown(page, f"trunks-{state.replace('_', '-')}"))
        assert label in {t.label for t in listed}
    for drift, label in [("changed", "Changed"), ("missing", "Broken")]:
        url = f"/platform/trunks/?drift={drift}"
        assert f'href="{url}"' in page
        assert [t.label for t in client.get(url).context["object_list"]] == [label]

    since = (timezone.localdate() - timedelta(days=6)).isoformat()
    calls_url = f"/platform/calls/?since={since}"
    assert f'href="{calls_url}"' in page
    calls = client.get(calls_url).content.decode()
    assert shown(calls, "total-calls") == shown(page, "recent-calls-count")
    assert shown(calls, "total-cost") == shown(page, "recent-calls-cost")


def test_an_empty_platform_shows_zeros(world):
    page = login(world.sysadmin).get("/platform/").content.decode()
    assert shown(page, "trunks-total") == "0"
    assert shown(page, "recent-calls-count") == "0"
    assert shown(page, "recent-calls-cost") == "$0.00"
    assert "Wavix check: not run yet" in page


def grow(world, n: int) -> None:
    """n more trunks in every state and 2n calls, in and out of the window, on a new account
    with its reconcile and a trunk only Wavix has."""
    account = wavix_account(name=f"Wavix {ForeignTrunk.objects.count()}")
    states = ["in_sync", "pending", "failed"]
    for i in range(n):
        trunk = sip_trunk(
            account, sync_state=states[i % 3], wavix_id=i + 1, wavix_status="pending", drift=""
        )
        call_record(account, tenant=world.a, trunk=trunk, started_at=days_ago(i % 7))
        call_record(account, tenant=world.b, trunk=trunk, started_at=days_ago(8 + i % 5))
    ForeignTrunk.objects.create(account=account, wavix_id=10_000 + n, label="Made on Wavix")
    TrunkReconcile.objects.create(account=account, checked_at=timezone.now(), ok=False)


def test_the_overview_costs_the_same_queries_for_few_rows_or_many(world, django_assert_num_queries):
    client = login(world.sysadmin)
    grow(world, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/platform/").status_code == 200
    grow(world, 40)
    with django_assert_num_queries(len(few)):
        page = client.get("/platform/").content.decode()
    assert shown(page, "trunks-total") == "41"
    assert "2 accounts could not be checked" in page


def test_awaiting_approval_and_on_wavix_only_open_the_trunks_they_count(world, trunks_and_calls):
    client = login(world.sysadmin)
    page = client.get("/platform/").content.decode()

    awaiting_url = "/platform/trunks/?review=awaiting"
    assert f'href="{awaiting_url}"' in page
    listed = client.get(awaiting_url).context["object_list"]
    assert sorted(t.label for t in listed) == ["Broken", "Changed"]
    assert len(listed) == int(shown(page, "trunks-awaiting-approval"))

    foreign_url = "/platform/trunks/?drift=foreign"
    assert f'href="{foreign_url}"' in page
    response = client.get(foreign_url)
    assert list(response.context["object_list"]) == []
    foreign = response.content.decode()
    assert 'data-testid="foreign-trunks"' in foreign and "Made on Wavix" in foreign
    assert len(response.context["foreign"]) == int(shown(page, "trunks-foreign"))

    # A list filtered to portal trunks leaves out the trunks only Wavix has.
    assert "Made on Wavix" not in client.get(awaiting_url).content.decode()
