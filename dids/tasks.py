"""Celery tasks for numbers: thin, taking ids and re-reading their rows. Each claims its work
in a short transaction, calls Wavix outside any transaction and records the outcome in
another (the Wavix client refuses to call inside one: portal/wavix/guard.py)."""

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
from portal.wavix import plain
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
        for did in dids:  # each save is recorded by the audit log's signal
            did.destination = by_id.get(did.wavix_id, {}).get(
                "destination", order.payload["destinations"]
            )
            did.save(update_fields=["destination", "updated_at"])
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
    """Wavix kept failing on a number up to its last attempt: the number failed, and the
    numbers after it are not attempted. `detail` is Wavix's reason (technical)."""

    detail: str


@shared_task(name="dids.tasks.e911_run_job")
def e911_run_job(job_id: int, attempt: int = 1) -> str:
    """Associates or deletes E911 records on Wavix, number by number, inside the job's tenant
    scope. Only a queued job starts (or, for a retry, a job waiting for this very attempt), and
    each number's outcome is recorded only while it is still this job's and in the state the
    job left it, so a second delivery does nothing. No transaction is open during a Wavix
    call.

    A transient failure (no answer, 429, 5xx) stops the pass: the job waits, "retrying" with
    the attempt and its time, and this task is queued again to go on from that number, as the
    shared policy of Wavix tasks says (`portal.wavix.retry`). A refusal fails the number at once
    and the job goes on; a number whose last attempt fails too fails, and the numbers after it
    are not attempted. Each failure is told in plain words (`error`, what tenant users read)
    and with Wavix's reason (`error_detail`, for system administrators and the log)."""
    with scopes_disabled(), transaction.atomic():
        job = E911Job.objects.select_for_update().filter(pk=job_id).first()
        waiting_for = E911Job.Status.QUEUED if attempt == 1 else E911Job.Status.RETRYING
        if job is None or job.status != waiting_for or job.attempt != attempt:
            return "skipped"
        job.status, job.retry_at, job.error, job.error_detail = job.Status.RUNNING, None, "", ""
        job.save(update_fields=["status", "retry_at", "error", "error_detail"])
    step = _e911_associate if job.kind == E911Job.Kind.SET else _e911_delete
    clients: dict[int, WavixClient] = {}
    start, gave_up = job.done, None
    with scope(tenant=job.tenant):
        for index, number in enumerate(job.numbers[start:]):
            # Attempts count per number: the one the last pass stopped at carries its count.
            tried = attempt if index == 0 else 1
            try:
                outcome = step(job, int(number), clients, tried)
            except Exception as exc:
                log.exception("E911 job %s failed on +%s", job_id, number)
                _e911_finish(
                    job,
                    E911Job.Status.FAILED,
                    f"Something went wrong on our side with +{number}, so the job stopped. "
                    "Contact support.",
                    f"Unexpected error on +{number}: {type(exc).__name__} (see the log).",
                )
                raise
            if isinstance(outcome, _Waiting):
                return _e911_wait(job, int(number), outcome)
            ok = outcome is True
            E911Job.objects.filter(pk=job.pk).update(
                done=F("done") + 1, failed=F("failed") + (0 if ok else 1)
            )
            if isinstance(outcome, _GaveUp):
                gave_up = (int(number), outcome.detail)
                rest = [int(n) for n in job.numbers[start + index + 1 :]]
                _e911_not_attempted(job, rest, *gave_up)
                break
        job.refresh_from_db()
        status = E911Job.Status.FAILED if job.failed else E911Job.Status.SUCCEEDED
        note = f"{job.failed} of {job.total} failed; see each number." if job.failed else ""
        detail = ""
        if gave_up:
            note = (
                f"Wavix kept failing on +{gave_up[0]}, so the numbers after it were not "
                f"attempted. {note}"
            )
            detail = f"Wavix kept failing on +{gave_up[0]}: {gave_up[1]}"
        return _e911_finish(job, status, note, detail)


def _e911_wait(job: E911Job, number: int, waiting: _Waiting) -> str:
    retry = waiting.retry
    E911Job.objects.filter(pk=job.pk).update(
        status=E911Job.Status.RETRYING,
        attempt=retry.attempt,
        retry_at=retry.at,
        error=f"+{number}: {plain.retrying(waiting.exc, retry)}"[:2000],
        error_detail=f"+{number}: {retry.note(waiting.exc)}"[:2000],
    )
    e911_run_job.apply_async((job.pk, retry.attempt), countdown=retry.delay)
    return "retrying"


def _e911_finish(job: E911Job, status: str, error: str, detail: str = "") -> str:
    E911Job.objects.filter(pk=job.pk).update(
        status=status,
        error=error[:2000],
        error_detail=detail[:2000],
        retry_at=None,
        finished_at=timezone.now(),
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


def _settle(job: E911Job, number: int, was: str, *, registered: bool | None = None, **changes):
    """Records the outcome of a Wavix call on the number's record, in a short transaction of
    its own, only if the record is still this job's and in the state `was` (so a second
    delivery, or a change made meanwhile, is never overwritten). `registered` mirrors the
    outcome on the inventory. True if recorded."""
    with transaction.atomic():
        record = _locked_record(job, number, was)
        if record is None:
            return False
        for name, value in changes.items():
            setattr(record, name, value[:2000] if isinstance(value, str) else value)
        record.save(update_fields=[*changes, "updated_at"])
        if registered is not None:
            _set_registered(number, registered)
    return True


def _wavix_failed(job: E911Job, number: int, was: str, exc: WavixError, attempt: int):
    """A failed Wavix call on the number: the wait for the next attempt (noted on its
    record), or None when the failure is final."""
    log.warning("E911 job %s: +%s, attempt %s: %s", job.pk, number, attempt, exc)
    retry = WAVIX_TASKS.next(exc, failed=attempt)
    if retry is None:
        return None
    _settle(job, number, was, error=plain.retrying(exc, retry), error_detail=retry.note(exc))
    return _Waiting(retry, exc)


def _final(exc: WavixError, attempt: int, what: str) -> tuple[str, str]:
    """(the plain sentence, the technical detail) of a final failure on a number."""
    tries = f", even after {attempt} attempts" if is_transient(exc) and attempt > 1 else ""
    detail = WAVIX_TASKS.final_note(exc, failed=attempt)
    return f"{plain.cause(exc)}{tries}. {what} {plain.advice(exc)}", detail


# Each step reads the record without a lock and calls Wavix outside any transaction: the
# job's claim (queued or retrying -> running, above) makes this pass the only one acting on
# the job's numbers, and users cannot change a record while it is provisioning or removing.
# The outcome is recorded by `_settle`, conditionally, in a transaction of its own.


def _e911_associate(job: E911Job, number: int, clients, attempt: int):
    """True when done, False when refused, _Waiting or _GaveUp when Wavix failed."""
    was = E911Address.Status.PROVISIONING
    record = E911Address.objects.filter(number=number, job=job, status=was).first()
    if record is None:
        return True  # done by an earlier delivery, or changed since
    did = Did.objects.held().select_related("account").filter(number=number).first()
    if did is None or did.account is None:
        _settle(
            job,
            number,
            was,
            status=record.Status.FAILED,
            error=f"+{number} is no longer held on Wavix, so no emergency address can be set.",
            error_detail="",
        )
        return False
    try:
        _client_for(did, clients).create_e911_record(
            phone_number=str(number), name=record.name, address=record.wavix_address()
        )
    except WavixError as exc:
        if waiting := _wavix_failed(job, number, was, exc, attempt):
            return waiting
        error, detail = _final(exc, attempt, "The emergency address was not set.")
        _settle(job, number, was, status=record.Status.FAILED, error=error, error_detail=detail)
        return _GaveUp(detail) if is_transient(exc) else False
    _settle(
        job,
        number,
        was,
        registered=True,
        status=record.Status.PROVISIONED,
        error="",
        error_detail="",
        provisioned_at=timezone.now(),
    )
    return True


_STAYS = "The emergency address was not deleted and stays in place: emergency calls still use it."


def _removal_failed(record: E911Address, error: str, detail: str) -> None:
    # The address stays as it was on Wavix: emergency calls still use it.
    record.status = record.Status.PROVISIONED if record.provisioned_at else record.Status.FAILED
    record.error, record.error_detail = error[:2000], detail[:2000]
    record.save(update_fields=["status", "error", "error_detail", "updated_at"])


def _e911_delete(job: E911Job, number: int, clients, attempt: int):
    """True when done, False when refused, _Waiting or _GaveUp when Wavix failed."""
    was = E911Address.Status.REMOVING
    record = E911Address.objects.filter(number=number, job=job, status=was).first()
    if record is None:
        return True
    did = Did.objects.select_related("account").filter(number=number).first()
    try:
        if did is not None and did.account is not None:
            _client_for(did, clients).delete_e911_record(str(number))
    except WavixNotFound:
        pass  # Wavix has no record: the goal is reached
    except WavixError as exc:
        if waiting := _wavix_failed(job, number, was, exc, attempt):
            return waiting
        error, detail = _final(exc, attempt, _STAYS)
        with transaction.atomic():
            locked = _locked_record(job, number, was)
            if locked is not None:
                _removal_failed(locked, error, f"Removal failed: {detail}")
        return _GaveUp(detail) if is_transient(exc) else False
    with transaction.atomic():
        locked = _locked_record(job, number, was)
        if locked is not None:
            locked.delete()
            _set_registered(number, False)
    return True


def _e911_not_attempted(job: E911Job, numbers: list[int], failing: int, detail: str) -> None:
    """The numbers a job gave up on before reaching them, because Wavix kept failing on
    `failing`: each ends as it would have had Wavix refused it, saying why."""
    if not numbers:
        return
    removing = job.kind == E911Job.Kind.REMOVE
    why = f"Not attempted: Wavix kept failing on +{failing}, so the portal stopped before this "
    why += "number."
    what = _STAYS if removing else "The emergency address was not set."
    error = f"{why} {what} Try again later; {plain.SUPPORT}."
    detail = f"Not attempted: Wavix kept failing on +{failing}: {detail}"
    waiting = E911Address.Status.REMOVING if removing else E911Address.Status.PROVISIONING
    with transaction.atomic():
        records = list(
            E911Address.objects.select_for_update().filter(
                number__in=numbers, job=job, status=waiting
            )
        )
        for record in records:
            if removing:
                _removal_failed(record, error, detail)
            else:
                record.status = record.Status.FAILED
                record.error, record.error_detail = error[:2000], detail[:2000]
                record.save(update_fields=["status", "error", "error_detail", "updated_at"])
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
