"""The E911 job engine: setting or removing emergency addresses on Wavix, number by number,
resuming from the number it stopped at (`E911Runner`, on the one job runner)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_scopes import scope

from portal.jobs.models import JobStatus
from portal.jobs.runner import JobRunner, Outcome, Wait
from portal.wavix import plain
from portal.wavix.client import WavixClient
from portal.wavix.errors import WavixError, WavixNotFound
from portal.wavix.retry import WAVIX_TASKS, Retry, is_transient

from ..models import Did, E911Address, E911Job

log = logging.getLogger(__name__)


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


class E911Runner(JobRunner):
    """Associates or deletes E911 records on Wavix, number by number, inside the job's tenant
    scope. Only a queued job starts (or, for a retry, a job waiting for this very attempt), and
    each number's outcome is recorded only while it is still this job's and in the state the
    job left it, so a second delivery does nothing. No transaction is open during a Wavix
    call.

    A transient failure (no answer, 429, 5xx) stops the pass: the job waits, "retrying" with
    the attempt and its time, and its task is queued again to go on from that number, as the
    shared policy of Wavix tasks says (`portal.wavix.retry`). A refusal fails the number at once
    and the job goes on; a number whose last attempt fails too fails, and the numbers after it
    are not attempted. Each failure is told in plain words (`error`, what tenant users read)
    and with Wavix's reason (`error_detail`, for system administrators and the log)."""

    model = E911Job
    task = "dids.tasks.e911_run_job"
    number: int | None = None  # the number the pass is on

    def perform(self) -> Outcome:
        job = self.job
        step = _e911_associate if job.kind == E911Job.Kind.SET else _e911_delete
        clients: dict[int, WavixClient] = {}
        start, gave_up = job.done, None
        with scope(tenant=job.tenant):
            for index, number in enumerate(job.numbers[start:]):
                self.number = int(number)
                # Attempts count per number: the one the last pass stopped at carries its count.
                tried = job.attempt if index == 0 else 1
                outcome = step(job, int(number), clients, tried)
                if isinstance(outcome, _Waiting):
                    raise _wait(int(number), outcome)
                ok = outcome is True
                self.progress(done=F("done") + 1, failed=F("failed") + (0 if ok else 1))
                if isinstance(outcome, _GaveUp):
                    gave_up = (int(number), outcome.detail)
                    rest = [int(n) for n in job.numbers[start + index + 1 :]]
                    _e911_not_attempted(job, rest, *gave_up)
                    break
            job.refresh_from_db()
        status = JobStatus.FAILED if job.failed else JobStatus.SUCCEEDED
        note = f"{job.failed} of {job.total} failed; see each number." if job.failed else ""
        detail = ""
        if gave_up:
            note = (
                f"Wavix kept failing on +{gave_up[0]}, so the numbers after it were not "
                f"attempted. {note}"
            )
            detail = f"Wavix kept failing on +{gave_up[0]}: {gave_up[1]}"
        return Outcome(status, error=note, detail=detail)

    def unexpected(self, exc: Exception) -> tuple[str, str]:
        log.error("E911 job %s failed on +%s", self.job.pk, self.number)
        return (
            f"Something went wrong on our side with +{self.number}, so the job stopped. "
            "Contact support.",
            f"Unexpected error on +{self.number}: {type(exc).__name__} (see the log).",
        )


def _wait(number: int, waiting: _Waiting) -> Wait:
    retry = waiting.retry
    return Wait(
        retry,
        f"+{number}: {plain.retrying(waiting.exc, retry)}",
        f"+{number}: {retry.note(waiting.exc)}",
    )


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


def _e911_associate(job: E911Job, number: int, clients: dict[int, WavixClient], attempt: int):
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


def _e911_delete(job: E911Job, number: int, clients: dict[int, WavixClient], attempt: int):
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
