"""The shape every background job's row shares (NetBox's `Job`, pretix's outbox lifecycle).

A concrete job model inherits `Job` and adds what it is about (an account, numbers, a file)
and its own counters; `JobRunner` (runner.py) moves it through the states.
"""

from __future__ import annotations

from django.db import models

from portal.wavix.retry import WAVIX_TASKS

from .registry import runner_for


class JobStatus(models.TextChoices):
    """The one set of states of a job: queued, running, retrying (with the next attempt's
    time in `retry_at`), succeeded, failed (with the reason in `error`)."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    RETRYING = "retrying", "Retrying"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


ACTIVE_STATES = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING)
FINISHED_STATES = (JobStatus.SUCCEEDED, JobStatus.FAILED)


class Job(models.Model):
    """A background job's row. Its page polls it while it is active; `error` says why it
    failed (or, while retrying, why it waits) in plain words, `error_detail` the technical
    detail for system administrators, and `note` what a job that succeeded wants said."""

    Status = JobStatus

    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    attempt = models.PositiveSmallIntegerField(
        default=1, help_text="The attempt running or due next (1-based)."
    )
    retry_at = models.DateTimeField(null=True, blank=True, help_text="While retrying: when.")
    claimed_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="While running: the worker's lease. A running job whose lease has passed "
        "lost its worker and is taken up again.",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="What failed, in plain words.")
    error_detail = models.TextField(
        blank=True, help_text="The technical detail (system administrators and the logs)."
    )
    note = models.TextField(blank=True, help_text="What the job says on success.")

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        """Queued, running or waiting to retry: its page keeps polling."""
        return self.status in ACTIVE_STATES

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATES

    @property
    def max_attempts(self) -> int:
        runner = runner_for(type(self))
        policy = runner.policy_for(self) if runner is not None else WAVIX_TASKS
        return policy.attempts if policy is not None else 1

    @property
    def progress_done(self) -> int:
        """Units done so far (pages, rows, numbers): a model with counters overrides it."""
        return 0

    @property
    def progress_total(self) -> int:
        return 0

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        total = self.progress_total
        return min(100, int(100 * self.progress_done / total)) if total else 0

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
