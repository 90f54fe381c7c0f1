"""The inventory sync's bookkeeping: upserts per page in constant queries, a no-change re-run
writes nothing, numbers gone from Wavix are released (not deleted), runs record counts.
(The sync against the Wavix sandbox over HTTP is in tests/wavix/.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from dids.models import Did, SyncRun
from dids.services.sync import apply_page, run_sync
from portal.models import AuditEntry, WavixAccount
from portal.services import wavix_account_save
from portal.wavix.client import Page

pytestmark = pytest.mark.django_db


def item(number: int, **overrides) -> dict:
    return {
        "id": number % 100000,
        "number": str(number),
        "status": "active",
        "city": "NEW YORK, NY",
        "country": "United States",
        "country_short_name": "US",
        "destination": [],
        "require_docs": [],
        "sms_enabled": True,
        "monthly_fee": "1.50",
        "label": None,
        "paid_until": "2026-12-31",
        **overrides,
    }


class FakeWavix:
    def __init__(self, items, per_page=100):
        self.items, self.per_page = items, per_page

    def iter_numbers(self, per_page=100):
        pages = [
            self.items[i : i + self.per_page] for i in range(0, len(self.items), self.per_page)
        ] or [[]]
        for n, chunk in enumerate(pages, start=1):
            yield Page(
                items=chunk,
                page=n,
                per_page=self.per_page,
                total=len(self.items),
                total_pages=len(pages),
            )


@pytest.fixture
def account(db):
    return wavix_account_save(
        name="Main", base_url="https://api.wavix.com", auth_mode="bearer", api_key="key-123456"
    )


def sync(account, items, per_page=100):
    run = SyncRun.objects.create(account=account, status="running")
    run = run_sync(run, FakeWavix(items, per_page))
    SyncRun.objects.filter(pk=run.pk).update(status="succeeded")
    return run


def test_first_sync_creates_then_a_rerun_writes_nothing(account):
    items = [item(16468097000 + i) for i in range(250)]
    run = sync(account, items)
    assert (run.created, run.updated, run.unchanged, run.released) == (250, 0, 0, 0)
    assert run.pages_done == 3 and run.pages_total == 3
    did = Did.objects.get(number=16468097000)
    assert did.account == account and did.monthly_fee == 1.5 and did.country == "US"

    with CaptureQueriesContext(connection) as ctx:
        rerun = sync(account, items)
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE")) and "dids_did" in q["sql"]
    ]
    assert writes == []
    assert (rerun.created, rerun.updated, rerun.unchanged) == (0, 0, 250)


def test_changes_and_releases_are_applied_and_audited(account):
    sync(account, [item(16468097000 + i) for i in range(10)])
    changed = [item(16468097000 + i) for i in range(8)]
    changed[0] = item(16468097000, status="inactive", require_docs=["proof of address"])
    run = sync(account, changed)
    assert (run.updated, run.unchanged, run.released) == (1, 7, 2)
    assert Did.objects.get(number=16468097000).required_docs == ["proof of address"]
    released = Did.objects.get(number=16468097009)
    assert released.status == "released" and released.released_at is not None
    with scopes_disabled():
        entry = AuditEntry.objects.filter(object_id=str(released.pk)).latest("id")
    assert entry.changes["status"] == ["active", "released"]
    # A released number that comes back is held again.
    back = sync(account, changed + [item(16468097009)])
    assert back.updated == 1 and Did.objects.get(number=16468097009).status == "active"


def test_queries_per_page_do_not_grow_with_page_size(account):
    def queries(count, start):
        with CaptureQueriesContext(connection) as ctx:
            apply_page(account, [item(start + i) for i in range(count)], {}, set())
        return len(ctx)

    assert queries(5, 16460000000) == queries(100, 16461000000)


def test_sync_runs_one_at_a_time_per_account(account, django_capture_on_commit_callbacks):
    from dids.services import sync_start

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = sync_start(account=account)
        second = sync_start(account=account)
    assert first.pk == second.pk and len(callbacks) == 1
    assert WavixAccount.objects.get().sync_runs.count() == 1
