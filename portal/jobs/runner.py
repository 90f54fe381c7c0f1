"""The one lifecycle of a background job.

    queued ──claim──> running ──record──> succeeded
      ▲                  │  └────record──> failed (the reason in `error`)
      │                  └──record──> retrying (attempt + 1, `retry_at`) ──claim──> running
      └── a running job whose lease (`claimed_until`) has passed is taken up again

`JobRunner.run(job_id)` (what a thin task calls) claims the job in a short transaction (the
row locked, its state checked, so a second delivery of the task does nothing), runs
`perform()` outside any transaction (the Wavix client refuses to call inside one:
`portal/wavix/guard.py`), and records the outcome in another short transaction. Progress is
written in short writes of its own, which also renew the lease.

A transient Wavix failure (no answer, 429, 5xx) escaping `perform()` makes the job wait and
run again by the one policy of Wavix tasks (`portal.wavix.retry.WAVIX_TASKS`); a refusal is
final at once. A runner whose work must not be repeated blindly sets `retry_policy = None`
and says why in `no_retry`.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from portal.wavix import plain
from portal.wavix.errors import WavixError
from portal.wavix.retry import WAVIX_TASKS, Retry, RetryPolicy

from . import registry
from .models import Job, JobStatus
from .registry import registered_runners, runner_for

log = logging.getLogger(__name__)

TEXT_LIMIT = 2000  # characters kept of a reason or a detail
SKIPPED = "skipped"


@dataclass(frozen=True)
class Outcome:
    """How `perform()` ended, when it decides itself (else: returning None succeeds)."""

    status: str = JobStatus.SUCCEEDED
    error: str = ""
    detail: str = ""
    note: str = ""

    @classmethod
    def succeeded(cls, note: str = "") -> Outcome:
        return cls(JobStatus.SUCCEEDED, note=note)

    @classmethod
    def failed(cls, error: str, detail: str = "") -> Outcome:
        return cls(JobStatus.FAILED, error=error, detail=detail)


class Wait(Exception):  # noqa: N818 - a signal to the runner, not an error
    """Raised by `perform()` that already knows its retry (e.g. a step that counts attempts
    per item): the job waits for `retry` and runs again from where it stopped."""

    def __init__(self, retry: Retry, error: str, detail: str = "") -> None:
        super().__init__(error)
        self.retry, self.error, self.detail = retry, error, detail


class JobRunner:
    """Runs one kind of job. A subclass names its `model` and its `task` (the dotted path of
    the Celery task that calls `run`, looked up when a job is enqueued, so the service that
    enqueues never imports the tasks module), and implements `perform()`."""

    model: ClassVar[type[Job]]
    task: ClassVar[str]
    retry_policy: ClassVar[RetryPolicy | None] = WAVIX_TASKS
    no_retry: ClassVar[str] = ""  # why this work must not be retried, when retry_policy is None
    lease: ClassVar[timedelta] = timedelta(minutes=30)
    lost_reason: ClassVar[str] = (
        "The job stopped unexpectedly (the worker running it was lost) and was not finished."
    )
    unexpected_reason: ClassVar[str] = "Unexpected error: {name}"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "model" in cls.__dict__:
            registry.register(cls.model, cls)

    def __init__(self, job: Job) -> None:
        self.job = job

    # What a subclass implements -----------------------------------------------------------

    def perform(self) -> Outcome | None:
        """The work, outside any transaction. Returns None (succeeded) or an Outcome; raises
        WavixError (retried when transient, by the policy) or Wait."""
        raise NotImplementedError

    @classmethod
    def policy_for(cls, job: Job) -> RetryPolicy | None:
        """The retry policy of this job (a runner whose kinds differ overrides it)."""
        return cls.retry_policy

    def claimable(self, job: Job) -> bool:
        """Whether this runner may claim the job beside its state (e.g. its phase)."""
        return True

    def before_claim(self, job: Job) -> dict[str, Any]:
        """Extra fields set when the job is claimed (e.g. counters reset): {field: value}."""
        return {}

    def finished(self, status: str) -> dict[str, Any]:
        """Extra fields recorded with the final outcome: {field: value}."""
        return {}

    # Enqueueing ---------------------------------------------------------------------------

    @classmethod
    def task_callable(cls):
        module, name = cls.task.rsplit(".", 1)
        return getattr(importlib.import_module(module), name)

    @classmethod
    def enqueue(cls, job_id: int, *, attempt: int | None = None, countdown: int | None = None):
        """Sends the job's task when the current transaction commits (at once outside one)."""
        transaction.on_commit(lambda: cls.send(job_id, attempt=attempt, countdown=countdown))

    @classmethod
    def send(cls, job_id: int, *, attempt: int | None = None, countdown: int | None = None):
        """Sends the job's task now: for a state already committed (a retry's wait)."""
        task = cls.task_callable()
        if attempt is None:
            task.delay(job_id)
        else:
            task.apply_async((job_id, attempt), countdown=countdown)

    @classmethod
    def start_or_join(cls, *, states: Iterable[str], key: dict[str, Any], **fields: Any) -> Job:
        """The job of `key` (e.g. an account) already in one of `states`, or a new one queued
        and enqueued on commit. The model's database constraint (one job of `key` in those
        states) settles two requests at the same moment: the second joins the first."""
        active = cls.model.objects.filter(status__in=list(states), **key)
        with transaction.atomic():
            if (job := active.first()) is not None:
                return job
            try:
                with transaction.atomic():
                    job = cls.model.objects.create(**key, **fields)
            except IntegrityError:
                return active.get()  # made by a request that committed meanwhile
            cls.enqueue(job.pk)
        return job

    # The lifecycle ------------------------------------------------------------------------

    @classmethod
    def manager(cls):
        # Jobs are claimed and recorded outside any tenant scope: the plain manager.
        return cls.model._base_manager

    @classmethod
    def run(cls, job_id: int, attempt: int | None = None) -> str:
        """Claims the job, performs it, records the outcome; its final status, "retrying",
        or "skipped" when there was nothing to do (not claimable: done, or another worker's).
        `attempt`, when given, is the attempt the message was sent for."""
        job = cls.claim(job_id, attempt)
        if job is None:
            return SKIPPED
        return cls(job).execute()

    @classmethod
    def claim(cls, job_id: int, attempt: int | None = None) -> Job | None:
        """In a short transaction: the job, locked, if it may start now (queued, retrying, or
        running with its lease passed), marked running with a fresh lease."""
        now = timezone.now()
        with transaction.atomic():
            job = cls.manager().select_for_update().filter(pk=job_id).first()
            if job is None or (attempt is not None and job.attempt != attempt):
                return None
            if not cls(job).claimable(job):
                return None
            if job.status == JobStatus.RUNNING and cls._lease_passed(job, now):
                if not cls._take_up_lost(job, now):
                    return None
            elif job.status not in (JobStatus.QUEUED, JobStatus.RETRYING):
                return None
            changes = {
                "status": JobStatus.RUNNING,
                "attempt": job.attempt,  # moved on when a lost run was taken up
                "claimed_until": now + cls.lease,
                "started_at": job.started_at or now,
                "retry_at": None,
                "error": "",
                "error_detail": "",
                **cls(job).before_claim(job),
            }
            for name, value in changes.items():
                setattr(job, name, value)
            job.save(update_fields=list(changes))
        return job

    @staticmethod
    def _lease_passed(job: Job, now) -> bool:
        return job.claimed_until is not None and job.claimed_until < now

    @classmethod
    def _take_up_lost(cls, job: Job, now) -> bool:
        """A running job whose worker was lost: counts the lost run as a failed attempt, and
        either goes on (True) or, attempts exhausted or not retried, fails saying so."""
        policy = cls.policy_for(job)
        if policy is None or job.attempt >= policy.attempts:
            cls._fail_lost(job, now)
            return False
        log.warning(
            "%s %s: its worker was lost; attempt %s", cls.model.__name__, job.pk, job.attempt + 1
        )
        job.attempt += 1
        return True

    @classmethod
    def _fail_lost(cls, job: Job, now) -> None:
        reason = cls.lost_reason
        if cls.policy_for(job) is None and cls.no_retry:
            reason = f"{reason} {cls.no_retry}"
        job.status, job.error, job.finished_at = JobStatus.FAILED, reason[:TEXT_LIMIT], now
        job.claimed_until, job.retry_at = None, None
        fields = ["status", "error", "finished_at", "claimed_until", "retry_at"]
        extra = cls(job).finished(JobStatus.FAILED)
        for name, value in extra.items():
            setattr(job, name, value)
        job.save(update_fields=fields + list(extra))

    def execute(self) -> str:
        job = self.job
        try:
            outcome = self.perform() or Outcome.succeeded()
        except Wait as wait:
            return self.wait(wait.retry, wait.error, wait.detail)
        except WavixError as exc:
            return self.wavix_failed(exc)
        except Exception as exc:
            log.exception("%s %s failed", type(job).__name__, job.pk)
            self.record(Outcome.failed(*self.unexpected(exc)))
            raise
        return self.record(outcome)

    def unexpected(self, exc: Exception) -> tuple[str, str]:
        """(the reason, the detail) of a failure that is a bug on our side."""
        return self.unexpected_reason.format(name=type(exc).__name__), ""

    def wavix_failed(self, exc: WavixError) -> str:
        """A Wavix error ended this attempt: wait for the next one (transient, attempts
        left), or fail with Wavix's reason."""
        job, policy = self.job, self.policy_for(self.job)
        log.warning("%s %s, attempt %s: %s", type(job).__name__, job.pk, job.attempt, exc)
        retry = policy.next(exc, failed=job.attempt) if policy is not None else None
        if retry is not None:
            return self.wait(retry, plain.retrying(exc, retry), retry.note(exc))
        return self.record(self.wavix_failure(exc))

    def wavix_failure(self, exc: WavixError) -> Outcome:
        """The outcome of a Wavix error that ends the job: Wavix's reason (a runner that says
        it in plain words overrides this)."""
        policy = self.policy_for(self.job)
        reason = policy.final_note(exc, failed=self.job.attempt) if policy else str(exc)
        return Outcome.failed(reason)

    def poll_again(self, delay: int, message: str = "") -> Wait:
        """The Wait of a job that looks again in `delay` seconds at the same attempt: waiting
        for work Wavix is doing (a transcript, an asynchronous validation) is not a failed
        attempt, so it does not count against the retry policy. `perform()` raises it."""
        policy = self.policy_for(self.job)
        retry = Retry(
            attempt=self.job.attempt,
            attempts=policy.attempts if policy is not None else 1,
            delay=delay,
            at=timezone.now() + timedelta(seconds=delay),
        )
        return Wait(retry, message)

    def wait(self, retry: Retry, error: str, detail: str = "") -> str:
        """Records the wait for the next attempt and sends the task again, due then."""
        job = self.job
        # One UPDATE, committed on its own, then the message: the state it is sent for is
        # there when it is delivered.
        if not self.held().update(
            status=JobStatus.RETRYING,
            attempt=retry.attempt,
            retry_at=retry.at,
            claimed_until=None,
            error=error[:TEXT_LIMIT],
            error_detail=detail[:TEXT_LIMIT],
        ):
            return self.claim_lost()
        self.send(job.pk, attempt=retry.attempt, countdown=retry.delay)
        job.status, job.attempt, job.retry_at = JobStatus.RETRYING, retry.attempt, retry.at
        return JobStatus.RETRYING

    def record(self, outcome: Outcome) -> str:
        """The final outcome, in a short write of its own."""
        job = self.job
        fields = {
            "status": outcome.status,
            "error": outcome.error[:TEXT_LIMIT],
            "error_detail": outcome.detail[:TEXT_LIMIT],
            "note": outcome.note[:TEXT_LIMIT],
            "retry_at": None,
            "claimed_until": None,
            "finished_at": timezone.now(),
            **self.finished(outcome.status),
        }
        with transaction.atomic():
            if not self.held().update(**fields):
                return self.claim_lost()
        for name, value in fields.items():
            if not hasattr(value, "resolve_expression"):
                setattr(job, name, value)
        return outcome.status

    def progress(self, **fields: Any) -> None:
        """Records progress (values or F expressions) in a short write, renewing the lease."""
        self.held().update(claimed_until=timezone.now() + self.lease, **fields)

    def held(self):
        """The job's row while this run still holds its claim: running, at the attempt it was
        claimed for. A run whose lease passed and whose job was taken up again (the attempt
        moved on) or failed by the sweep matches nothing, so it records nothing over the run
        that holds the job now."""
        return self.manager().filter(
            pk=self.job.pk, status=JobStatus.RUNNING, attempt=self.job.attempt
        )

    def claim_lost(self) -> str:
        log.warning(
            "%s %s: its claim was taken up by another run; this run's outcome is dropped",
            type(self.job).__name__,
            self.job.pk,
        )
        return SKIPPED

    # The periodic sweep -------------------------------------------------------------------

    @classmethod
    def sweep(cls) -> int:
        """Running jobs whose lease has passed (their worker was lost): each goes on as a
        retry, or fails saying so. The number of jobs taken up."""
        now = timezone.now()
        lost = cls.manager().filter(status=JobStatus.RUNNING, claimed_until__lt=now)
        count = 0
        for pk in list(lost.values_list("pk", flat=True)):
            with transaction.atomic():
                job = (
                    cls.manager()
                    .select_for_update()
                    .filter(Q(pk=pk), status=JobStatus.RUNNING, claimed_until__lt=now)
                    .first()
                )
                if job is None:
                    continue
                count += 1
                if cls._take_up_lost(job, now):
                    job.status, job.retry_at, job.claimed_until = JobStatus.RETRYING, now, None
                    job.error = "The job was interrupted; it goes on by itself."
                    job.save(
                        update_fields=["status", "attempt", "retry_at", "claimed_until", "error"]
                    )
                    cls.enqueue(job.pk, attempt=job.attempt)
        return count


def sweep_all() -> int:
    """The beat's sweep over every kind of job (`portal.tasks.sweep_lost_jobs`)."""
    return sum(runner.sweep() for runner in registered_runners())


__all__ = [
    "JobRunner",
    "Outcome",
    "SKIPPED",
    "Wait",
    "registered_runners",
    "runner_for",
    "sweep_all",
]
