"""`make run`'s first start: the inventory is synced before the URL is printed, then the E911
and trunk checks run, so a newcomer's first pages show numbers, E911 state and drift."""

from io import StringIO

import pytest
from django.core.management import call_command

from dids.models import Did, E911ReconcileRun, SyncRun
from sandbox.wavix.seed import seed_account
from trunks.models import TrunkReconcile

pytestmark = pytest.mark.django_db(transaction=True)


def test_first_start_syncs_then_checks_wavix_and_later_starts_do_nothing(
    sandbox_account, eager_celery
):
    seed_account(account=sandbox_account.sandbox, purchased=30)
    out = StringIO()

    call_command("first_start", stdout=out)

    assert Did.objects.filter(account=sandbox_account).count() == 30
    assert "Inventory of Sandbox: succeeded, 30 numbers" in out.getvalue()
    assert E911ReconcileRun.objects.get(account=sandbox_account).status == "succeeded"
    assert TrunkReconcile.objects.get(account=sandbox_account).ok is True

    call_command("first_start", stdout=StringIO())

    assert SyncRun.objects.count() == 1 and E911ReconcileRun.objects.count() == 1


def test_a_sync_that_does_not_finish_in_time_is_reported_not_awaited(sandbox_account):
    seed_account(account=sandbox_account.sandbox, purchased=3)  # no worker runs the sync

    with pytest.raises(Exception, match="did not finish within 1 s; it goes on in the worker"):
        call_command("first_start", "--timeout", "1", stdout=StringIO())

    assert SyncRun.objects.get().status == "queued"
