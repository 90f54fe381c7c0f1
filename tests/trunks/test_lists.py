"""Trunk and call-record lists cost the same number of queries for few rows or many."""

import pytest
from django_scopes import scopes_disabled

from portal.services import wavix_account_save
from tenants.models import Tenant
from trunks import services
from trunks.models import Cdr, SipTrunk

from ..conftest import query_counts

pytestmark = pytest.mark.django_db

PAGES = [
    ("sysadmin", "/platform/trunks/"),
    ("sysadmin", "/platform/calls/"),
    ("admin_a", "/t/acme/trunks/"),
    ("admin_a", "/t/acme/calls/"),
]
API = [
    ("sysadmin", None, "/api/v1/trunks/"),
    ("sysadmin", None, "/api/v1/trunk-shares/"),
    ("sysadmin", None, "/api/v1/cdrs/"),
    ("admin_a", "a", "/api/v1/tenants/acme/trunks/"),
    ("admin_a", "a", "/api/v1/tenants/acme/cdrs/"),
]


def grow(world, n):
    account = wavix_account_save(
        name=f"W{SipTrunk.objects.count()}",
        base_url="https://api.wavix.com",
        auth_mode="bearer",
        api_key="k" * 32,
    )
    start = 16470000000 + SipTrunk.objects.count() * 100
    for i in range(n):
        trunk = SipTrunk.objects.create(
            account=account, label=f"T{start + i}", password="x", sync_state="in_sync"
        )
        with scopes_disabled():
            services.assignment_save(
                trunk=trunk, tenant=world.a, numbers=str(start + i), max_calls=2
            )
            Cdr.objects.bulk_create(
                Cdr(
                    account=account,
                    tenant=tenant,
                    trunk=trunk,
                    call_id=f"{start + i}-{tenant.pk}",
                    direction="placed",
                    started_at="2026-01-05T10:00:00Z",
                    from_number=str(start + i),
                    to_number="12025550143",
                    disposition="answered",
                    duration=30,
                )
                for tenant in Tenant.objects.all()
            )


def test_page_query_counts_do_not_grow_with_rows(world):
    small, large = query_counts(world, grow, pages=PAGES, small=2, large=30)
    assert large == small


def test_api_query_counts_do_not_grow_with_rows(world):
    small, large = query_counts(world, grow, api=API, small=2, large=30)
    assert large == small
