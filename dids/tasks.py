"""Celery tasks for numbers: thin, taking ids, re-reading and locking their rows."""

import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal import audit
from portal.models import WavixAccount
from portal.wavix.client import WavixClient
from portal.wavix.errors import WavixError

from . import services
from .models import Did, NumberOrder, SyncRun
from .sync import run_sync

log = logging.getLogger(__name__)


@shared_task(name="dids.tasks.sync_inventory")
def sync_inventory(run_id: int) -> str:
    """Runs a queued sync. Running it twice is harmless: only a queued run starts."""
    with transaction.atomic():
        run = (
            SyncRun.objects.select_for_update().select_related("account").filter(pk=run_id).first()
        )
        if run is None or run.status != SyncRun.Status.QUEUED:
            return "skipped"
        run.status, run.started_at = SyncRun.Status.RUNNING, timezone.now()
        run.save(update_fields=["status", "started_at"])
    try:
        run = run_sync(run, WavixClient.for_account(run.account))
    except WavixError as exc:
        return _finish(run, SyncRun.Status.FAILED, str(exc))
    except Exception as exc:
        log.exception("inventory sync %s failed", run_id)
        _finish(run, SyncRun.Status.FAILED, f"Unexpected error: {exc.__class__.__name__}")
        raise
    return _finish(run, SyncRun.Status.SUCCEEDED, "")


def _finish(run: SyncRun, status: str, error: str) -> str:
    SyncRun.objects.filter(pk=run.pk).update(
        status=status, error=error[:2000], finished_at=timezone.now()
    )
    return status


@shared_task(name="dids.tasks.sync_all_accounts")
def sync_all_accounts() -> int:
    """The periodic sync (WAVIX_SYNC_INTERVAL_MINUTES): one run per account."""
    accounts = list(WavixAccount.objects.all())
    for account in accounts:
        services.sync_start(account=account, trigger="schedule")
    return len(accounts)


@shared_task(name="dids.tasks.run_order")
def run_order(order_id: int) -> str:
    """Carries out a queued order on Wavix. Only a queued order starts, so a second delivery
    of the task does nothing; the outcome (or Wavix's reason) stays on the order."""
    with transaction.atomic():
        order = NumberOrder.objects.select_for_update().filter(pk=order_id).first()
        if order is None or order.status != NumberOrder.Status.QUEUED:
            return "skipped"
        order.status = NumberOrder.Status.RUNNING
        order.save(update_fields=["status"])
    client = WavixClient.for_account(order.account)
    try:
        note = ORDER_STEPS[order.kind](order, client)
    except WavixError as exc:
        return _finish_order(order, NumberOrder.Status.FAILED, str(exc))
    except Exception as exc:
        log.exception("order %s failed", order_id)
        _finish_order(
            order, NumberOrder.Status.FAILED, f"Unexpected error: {exc.__class__.__name__}"
        )
        raise
    return _finish_order(order, NumberOrder.Status.SUCCEEDED, note)


def _finish_order(order: NumberOrder, status: str, error: str) -> str:
    order.status, order.error, order.finished_at = status, error[:2000], timezone.now()
    order.save(update_fields=["status", "error", "finished_at"])
    return status


def _buy(order: NumberOrder, client) -> str:
    client.add_to_cart(order.numbers)
    client.checkout(order.numbers)
    note = ""
    if order.tenant is not None:
        try:
            services.pool_add_numbers(tenant=order.tenant, numbers=[int(n) for n in order.numbers])
        except ValidationError as exc:
            note = "Bought, but not added to the pool: " + "; ".join(exc.messages)
    services.sync_start(account=order.account, trigger="purchase", user=order.requested_by)
    return note


def _dids_of(order: NumberOrder) -> list[Did]:
    return list(Did.objects.filter(number__in=[int(n) for n in order.numbers]))


def _return(order: NumberOrder, client) -> str:
    dids = _dids_of(order)
    client.return_numbers([int(d.wavix_id) for d in dids if d.wavix_id])
    now = timezone.now()
    with transaction.atomic():
        befores = [audit.snapshot(d) for d in dids]
        Did.objects.filter(pk__in=[d.pk for d in dids]).update(
            status=Did.Status.RELEASED, released_at=now, updated_at=now
        )
        for d in dids:
            d.status, d.released_at = Did.Status.RELEASED, now
        audit.record_many(
            [(d, "update", b, audit.snapshot(d)) for d, b in zip(dids, befores, strict=True)],
            message="returned",
        )
    return ""


def _destination(order: NumberOrder, client) -> str:
    dids = _dids_of(order)
    updated = client.update_numbers(
        [int(d.wavix_id) for d in dids if d.wavix_id], destinations=order.payload["destinations"]
    )
    by_id = {str(item.get("id")): item for item in updated or []}
    with transaction.atomic():
        for did in dids:
            before = audit.snapshot(did)
            did.destination = by_id.get(did.wavix_id, {}).get(
                "destination", order.payload["destinations"]
            )
            did.save(update_fields=["destination", "updated_at"])
            audit.record(did, "update", before, audit.snapshot(did))
    return ""


ORDER_STEPS = {
    NumberOrder.Kind.BUY: _buy,
    NumberOrder.Kind.RETURN: _return,
    NumberOrder.Kind.DESTINATION: _destination,
}
