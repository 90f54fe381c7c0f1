"""Celery tasks for numbers: thin, taking ids, re-reading and locking their rows."""

import logging
from dataclasses import dataclass

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from portal import audit
from portal.models import WavixAccount
from portal.wavix.client import WavixClient
from portal.wavix.errors import WavixError, WavixNotFound
from portal.wavix.retry import WAVIX_TASKS, Retry, is_transient

from . import e911_services, imports, services
from .models import Did, E911Address, E911Job, E911ReconcileRun, NumberOrder, SyncRun
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


def _finish(run: SyncRun | E911ReconcileRun, status: str, error: str) -> str:
    """Ends a run (an inventory sync, an E911 reconcile) with its outcome."""
    type(run).objects.filter(pk=run.pk).update(
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


# E911 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Waiting:
    """Wavix failed transiently on a number: the job waits for `retry`, then goes on."""

    retry: Retry
    exc: WavixError


@dataclass(frozen=True)
class _GaveUp:
    """Wavix kept failing on a number up to its last attempt: the number failed with Wavix's
    reason, and the numbers after it are not attempted."""

    reason: str


@shared_task(name="dids.tasks.e911_run_job")
def e911_run_job(job_id: int, attempt: int = 1) -> str:
    """Associates or deletes E911 records on Wavix, number by number, inside the job's tenant
    scope. Only a queued job starts (or, for a retry, a job waiting for this very attempt), and
    each number is locked and acted on only while it is still this job's and in the state the
    job left it, so a second delivery does nothing.

    A transient failure (no answer, 429, 5xx) stops the pass: the job waits, "retrying" with
    the attempt and its time, and this task is queued again to go on from that number, as the
    shared policy of Wavix tasks says (`portal.wavix.retry`). A refusal fails the number at once
    and the job goes on; a number whose last attempt fails too fails with Wavix's reason, and
    the numbers after it are not attempted."""
    with scopes_disabled(), transaction.atomic():
        job = E911Job.objects.select_for_update().filter(pk=job_id).first()
        waiting_for = E911Job.Status.QUEUED if attempt == 1 else E911Job.Status.RETRYING
        if job is None or job.status != waiting_for or job.attempt != attempt:
            return "skipped"
        job.status, job.retry_at, job.error = E911Job.Status.RUNNING, None, ""
        job.save(update_fields=["status", "retry_at", "error"])
    step = _e911_associate if job.kind == E911Job.Kind.SET else _e911_delete
    clients: dict[int, WavixClient] = {}
    start, gave_up = job.done, None
    with scope(tenant=job.tenant):
        for index, number in enumerate(job.numbers[start:]):
            # Attempts count per number: the one the last pass stopped at carries its count.
            tried = attempt if index == 0 else 1
            try:
                outcome = step(job, int(number), clients, tried)
            except Exception:
                log.exception("E911 job %s failed on +%s", job_id, number)
                _e911_finish(job, E911Job.Status.FAILED, f"Unexpected error on +{number}.")
                raise
            if isinstance(outcome, _Waiting):
                return _e911_wait(job, int(number), outcome)
            ok = outcome is True
            E911Job.objects.filter(pk=job.pk).update(
                done=F("done") + 1, failed=F("failed") + (0 if ok else 1)
            )
            if isinstance(outcome, _GaveUp):
                gave_up = outcome.reason
                rest = [int(n) for n in job.numbers[start + index + 1 :]]
                _e911_not_attempted(job, rest, f"Wavix kept failing on +{number}: {gave_up}")
                break
        job.refresh_from_db()
        status = E911Job.Status.FAILED if job.failed else E911Job.Status.SUCCEEDED
        note = f"{job.failed} of {job.total} failed; see each number." if job.failed else ""
        if gave_up:
            note = f"Wavix kept failing: {gave_up}. {note}"
        return _e911_finish(job, status, note)


def _e911_wait(job: E911Job, number: int, waiting: _Waiting) -> str:
    retry = waiting.retry
    E911Job.objects.filter(pk=job.pk).update(
        status=E911Job.Status.RETRYING,
        attempt=retry.attempt,
        retry_at=retry.at,
        error=f"+{number}: {retry.note(waiting.exc)}"[:2000],
    )
    e911_run_job.apply_async((job.pk, retry.attempt), countdown=retry.delay)
    return "retrying"


def _e911_finish(job: E911Job, status: str, error: str) -> str:
    E911Job.objects.filter(pk=job.pk).update(
        status=status, error=error[:2000], retry_at=None, finished_at=timezone.now()
    )
    return status


def _client_for(did: Did, clients: dict[int, WavixClient]) -> WavixClient:
    if did.account_id not in clients:
        clients[did.account_id] = WavixClient.for_account(did.account)
    return clients[did.account_id]


def _locked_record(job: E911Job, number: int, status: str) -> E911Address | None:
    return (
        E911Address.objects.select_for_update()
        .filter(number=number, job=job, status=status)
        .first()
    )


def _set_registered(number: int, flag: bool) -> None:
    did = Did.objects.filter(number=number).first()
    if did is not None and did.e911_registered != flag:
        did.e911_registered = flag
        did.save(update_fields=["e911_registered", "updated_at"])


def _wavix_failed(record: E911Address, exc: WavixError, attempt: int) -> _Waiting | str:
    """A failed Wavix call on the record's number: the wait for the next attempt (noted on
    the record), or the final reason."""
    retry = WAVIX_TASKS.next(exc, failed=attempt)
    if retry is None:
        return WAVIX_TASKS.final_note(exc, failed=attempt)
    record.error = retry.note(exc)[:2000]
    record.save(update_fields=["error", "updated_at"])
    return _Waiting(retry, exc)


def _e911_associate(job: E911Job, number: int, clients, attempt: int):
    """True when done, False when refused, _Waiting or _GaveUp when Wavix failed."""
    with transaction.atomic():
        record = _locked_record(job, number, E911Address.Status.PROVISIONING)
        if record is None:
            return True  # done by an earlier delivery, or changed since
        did = Did.objects.held().select_related("account").filter(number=number).first()
        if did is None or did.account is None:
            record.status, record.error = record.Status.FAILED, "No longer held on Wavix."
            record.save(update_fields=["status", "error", "updated_at"])
            return False
        try:
            _client_for(did, clients).create_e911_record(
                phone_number=str(number), name=record.name, address=record.wavix_address()
            )
        except WavixError as exc:
            failure = _wavix_failed(record, exc, attempt)
            if isinstance(failure, _Waiting):
                return failure
            record.status, record.error = record.Status.FAILED, failure[:2000]
            record.save(update_fields=["status", "error", "updated_at"])
            return _GaveUp(failure) if is_transient(exc) else False
        record.status, record.error = record.Status.PROVISIONED, ""
        record.provisioned_at = timezone.now()
        record.save(update_fields=["status", "error", "provisioned_at", "updated_at"])
        _set_registered(number, True)
    return True


def _removal_failed(record: E911Address, error: str) -> None:
    # The address stays as it was on Wavix: emergency calls still use it.
    record.status = record.Status.PROVISIONED if record.provisioned_at else record.Status.FAILED
    record.error = error[:2000]
    record.save(update_fields=["status", "error", "updated_at"])


def _e911_delete(job: E911Job, number: int, clients, attempt: int):
    """True when done, False when refused, _Waiting or _GaveUp when Wavix failed."""
    with transaction.atomic():
        record = _locked_record(job, number, E911Address.Status.REMOVING)
        if record is None:
            return True
        did = Did.objects.select_related("account").filter(number=number).first()
        try:
            if did is not None and did.account is not None:
                _client_for(did, clients).delete_e911_record(str(number))
        except WavixNotFound:
            pass  # Wavix has no record: the goal is reached
        except WavixError as exc:
            failure = _wavix_failed(record, exc, attempt)
            if isinstance(failure, _Waiting):
                return failure
            _removal_failed(record, f"Removal failed: {failure}")
            return _GaveUp(failure) if is_transient(exc) else False
        record.delete()
        _set_registered(number, False)
    return True


def _e911_not_attempted(job: E911Job, numbers: list[int], reason: str) -> None:
    """The numbers a job gave up on before reaching them: each ends as it would have had Wavix
    refused it, saying why."""
    if not numbers:
        return
    waiting = E911Address.Status.PROVISIONING
    if job.kind == E911Job.Kind.REMOVE:
        waiting = E911Address.Status.REMOVING
    with transaction.atomic():
        records = list(
            E911Address.objects.select_for_update().filter(
                number__in=numbers, job=job, status=waiting
            )
        )
        for record in records:
            if job.kind == E911Job.Kind.REMOVE:
                _removal_failed(record, f"Removal not attempted: {reason}")
            else:
                record.status = record.Status.FAILED
                record.error = f"Not attempted: {reason}"[:2000]
                record.save(update_fields=["status", "error", "updated_at"])
        E911Job.objects.filter(pk=job.pk).update(
            done=F("done") + len(numbers), failed=F("failed") + len(records)
        )


@shared_task(name="dids.tasks.e911_reconcile")
def e911_reconcile(run_id: int) -> str:
    """Compares an account's E911 records on Wavix with the portal (global work: unscoped)."""
    with transaction.atomic():
        run = (
            E911ReconcileRun.objects.select_for_update()
            .select_related("account")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.status != E911ReconcileRun.Status.QUEUED:
            return "skipped"
        run.status = E911ReconcileRun.Status.RUNNING
        run.save(update_fields=["status"])
    try:
        e911_services.reconcile_account(run, WavixClient.for_account(run.account))
    except WavixError as exc:
        return _finish(run, E911ReconcileRun.Status.FAILED, str(exc))
    except Exception as exc:
        log.exception("E911 reconcile %s failed", run_id)
        _finish(run, E911ReconcileRun.Status.FAILED, f"Unexpected error: {exc.__class__.__name__}")
        raise
    return _finish(run, E911ReconcileRun.Status.SUCCEEDED, "")


@shared_task(name="dids.tasks.e911_reconcile_all")
def e911_reconcile_all() -> int:
    """The periodic reconcile (E911_RECONCILE_INTERVAL_MINUTES): one run per account."""
    accounts = list(WavixAccount.objects.all())
    for account in accounts:
        e911_services.reconcile_start(account=account, trigger="schedule")
    return len(accounts)


@shared_task(name="dids.tasks.pool_import_check")
def pool_import_check(job_id: int) -> str:
    """The dry run of a large pool import (a queued one only: running it twice is harmless)."""
    return imports.import_check(job_id)


@shared_task(name="dids.tasks.pool_import_apply")
def pool_import_apply(job_id: int) -> str:
    """Applies a checked pool import (a queued one only)."""
    return imports.apply_rows(job_id)
