"""The tenant dashboard's trunks and calls: a tenant admin sees the trunks shared with the
tenant and the tenant's own calls of the last 7 days (never another tenant's), agents see
neither (as in the sidebar), and the page costs the same queries for few rows or many."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from trunks import services

from ..conftest import login, shown
from ..factories import call_record, days_ago, sip_trunk, wavix_account

pytestmark = pytest.mark.django_db

NUMBERS = iter(range(16480000000, 16490000000, 10))


def share(trunk, tenant, max_calls: int):
    with scopes_disabled():
        return services.assignment_save(
            trunk=trunk, tenant=tenant, numbers=str(next(NUMBERS)), max_calls=max_calls
        )


@pytest.fixture
def shared(world):
    account = wavix_account()
    east, west, globex = (sip_trunk(account, label=label) for label in ("East", "West", "Gx"))
    share(east, world.a, 4)
    share(west, world.a, 6)
    share(east, world.b, 3)
    share(globex, world.b, 8)
    call_record(account, tenant=world.a, trunk=east, started_at=days_ago(0), duration=45)
    call_record(
        account, tenant=world.a, trunk=west, started_at=days_ago(6), duration=75, charge="1.10"
    )
    call_record(account, tenant=world.a, started_at=days_ago(7), duration=900, charge="5")
    call_record(account, tenant=world.b, trunk=east, started_at=days_ago(1), duration=60)
    call_record(account, started_at=days_ago(2), duration=60, charge="2")  # nobody's number
    return account


def test_a_tenant_admin_sees_its_trunks_and_its_calls_of_the_last_7_days(world, shared):
    page = login(world.admin_a).get("/t/acme/").content.decode()
    assert shown(page, "shared-trunks") == "2"
    assert shown(page, "shared-max-calls") == "10"
    assert ">East</a>" in page and ">West</a>" in page and ">Gx</a>" not in page
    assert "up to 4 concurrent calls" in page and "up to 6 concurrent calls" in page
    # Acme's two calls of the window: not the older one, Globex's or nobody's.
    assert shown(page, "recent-calls-count") == "2"
    assert shown(page, "recent-calls-minutes") == "2.0"
    assert shown(page, "recent-calls-cost") == "$1.10"

    globex = login(world.admin_b).get("/t/globex/").content.decode()
    assert shown(globex, "shared-trunks") == "2"
    assert shown(globex, "shared-max-calls") == "11"
    assert shown(globex, "recent-calls-count") == "1"


def test_the_dashboard_links_to_the_tenant_pages_and_they_agree(world, shared):
    client = login(world.admin_a)
    page = client.get("/t/acme/").content.decode()
    assert 'href="/t/acme/trunks/"' in page
    since = (timezone.localdate() - timedelta(days=6)).isoformat()
    calls_url = f"/t/acme/calls/?since={since}"
    assert f'href="{calls_url}"' in page
    calls = client.get(calls_url).content.decode()
    assert shown(calls, "total-calls") == shown(page, "recent-calls-count")
    assert shown(calls, "total-minutes") == shown(page, "recent-calls-minutes")
    trunks = client.get("/t/acme/trunks/").context["object_list"]
    assert len(trunks) == int(shown(page, "shared-trunks"))


def test_agents_see_neither_trunks_nor_calls(world, shared):
    page = login(world.agent_a).get("/t/acme/").content.decode()
    assert 'data-testid="stat-members"' in page
    for hidden in ("tenant-trunks", "recent-calls", "/t/acme/trunks/", "/t/acme/calls/"):
        assert hidden not in page


def test_a_tenant_without_trunks_or_calls_sees_zeros(world):
    page = login(world.admin_a).get("/t/acme/").content.decode()
    assert shown(page, "shared-trunks") == "0"
    assert shown(page, "shared-max-calls") == "0"
    assert shown(page, "recent-calls-count") == "0"
    assert "No trunk is shared with Acme Telecom yet." in page


def grow(world, n: int) -> None:
    account = wavix_account(name=f"Wavix {next(NUMBERS)}")
    for _ in range(n):
        trunk = sip_trunk(account)
        for tenant in (world.a, world.b):
            share(trunk, tenant, 2)
            call_record(account, tenant=tenant, trunk=trunk, started_at=days_ago(n % 7))
            call_record(account, tenant=tenant, trunk=trunk, started_at=days_ago(9))


def test_the_dashboard_costs_the_same_queries_for_few_rows_or_many(
    world, django_assert_num_queries
):
    client = login(world.admin_a)
    client.get("/t/acme/")  # the first visit records the tenant as the user's last one
    grow(world, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/t/acme/").status_code == 200
    grow(world, 30)
    with django_assert_num_queries(len(few)):
        page = client.get("/t/acme/").content.decode()
    assert shown(page, "shared-trunks") == "31"
    assert shown(page, "recent-calls-count") == "31"
    assert page.count("concurrent calls</span>") == 5 and "All 31 trunks" in page
