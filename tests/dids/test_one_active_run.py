"""One inventory sync and one E911 reconcile at a time per account: two requests at the same
moment (both checking before either commits) make one run, and the second joins it instead
of failing."""

import pytest
from django.db.models.query import QuerySet

from dids import services
from dids.models import E911ReconcileRun, SyncRun
from dids.services import reconcile


def race(monkeypatch, model):
    """The first check for an active run of `model` sees none, as if it ran just before
    another request committed its run: that run exists by the time this one inserts."""
    real_first = QuerySet.first
    state = {"raced": False}

    def first(self):
        if self.model is model and not state["raced"]:
            state["raced"] = True
            model.objects.create(account=state["account"], trigger="manual")
            return None
        return real_first(self)

    monkeypatch.setattr(QuerySet, "first", first)
    return state


@pytest.mark.parametrize(
    ("model", "start"),
    [(SyncRun, services.sync_start), (E911ReconcileRun, reconcile.reconcile_start)],
    ids=["inventory sync", "E911 reconcile"],
)
def test_two_requests_at_the_same_moment_make_one_run(
    sandbox_account, monkeypatch, django_capture_on_commit_callbacks, model, start
):
    state = race(monkeypatch, model)
    state["account"] = sandbox_account
    with django_capture_on_commit_callbacks() as queued:
        run = start(account=sandbox_account, trigger="api")
    assert model.objects.filter(account=sandbox_account).count() == 1
    assert run.pk == model.objects.get().pk and run.trigger == "manual"  # joined the other
    assert queued == []  # the other request queued its own task


def test_reconcile_now_twice_joins_the_queued_run(sandbox_account):
    first = reconcile.reconcile_start(account=sandbox_account)
    second = reconcile.reconcile_start(account=sandbox_account)
    assert first.pk == second.pk
    assert E911ReconcileRun.objects.count() == 1
