"""The one job runner (portal.jobs): a job is claimed once, performed outside any
transaction, and ends succeeded, failed with the reason, or retrying with its next attempt;
a job whose worker was lost is taken up again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, models
from django.utils import timezone

from portal.jobs import registry
from portal.jobs.models import Job, JobStatus
from portal.jobs.runner import JobRunner, Outcome, sweep_all
from portal.wavix.errors import WavixServerError, WavixValidationError
from portal.wavix.guard import open_transactions


class SampleJob(Job):
    """A job of the tests only: a table made for this module."""

    steps = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "jobs_test"

    @property
    def progress_done(self) -> int:
        return self.done

    @property
    def progress_total(self) -> int:
        return self.steps


SENT: list[tuple] = []


class FakeTask:
    @staticmethod
    def delay(*args):
        SENT.append((args, None))

    @staticmethod
    def apply_async(args=(), kwargs=None, countdown=None, **options):
        SENT.append((tuple(args), countdown))


fake_task = FakeTask()
BEHAVIOUR: dict = {}


class SampleRunner(JobRunner):
    model = SampleJob
    task = f"{__name__}.fake_task"

    def perform(self):
        BEHAVIOUR.setdefault("transactions", []).append(open_transactions())
        BEHAVIOUR.setdefault("seen", []).append((self.job.status, self.job.attempt))
        effect = BEHAVIOUR.get("effect")
        if isinstance(effect, BaseException):
            raise effect
        if callable(effect):
            return effect(self)
        return effect


# Registered only while a test of this module runs (the `job` fixture): the sweep of the
# other tests must not look for this module's table.
registry._runners.pop(SampleJob, None)


class NoRetryRunner(SampleRunner):
    retry_policy = None
    no_retry = "Its outcome on Wavix is unknown, so it is not repeated by itself."

    def __init_subclass__(cls, **kwargs):  # not registered for SampleJob's sweep
        pass


@pytest.fixture(scope="module")
def sample_table(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(SampleJob)
        yield
        with connection.schema_editor() as editor:
            editor.delete_model(SampleJob)


@pytest.fixture
def job(sample_table, db, monkeypatch):
    monkeypatch.setitem(registry._runners, SampleJob, SampleRunner)
    SENT.clear()
    BEHAVIOUR.clear()
    return SampleJob.objects.create(steps=4)


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """What a job sends at commit is sent (the test's own transaction never commits)."""
    return django_capture_on_commit_callbacks


def reread(job) -> SampleJob:
    return SampleJob.objects.get(pk=job.pk)


def server_error() -> WavixServerError:
    return WavixServerError("try later", status=503, method="POST", path="/v1/things")


def test_a_queued_job_runs_once_and_succeeds(job):
    assert SampleRunner.run(job.pk) == "succeeded"
    assert SampleRunner.run(job.pk) == "skipped"  # the second delivery does nothing

    job = reread(job)
    assert (job.status, job.attempt, job.error, job.note) == ("succeeded", 1, "", "")
    assert job.started_at and job.finished_at and job.claimed_until is None
    assert BEHAVIOUR["seen"] == [("running", 1)]
    assert job.percent == 100 and not job.is_active and job.is_finished


def test_a_job_claimed_by_one_worker_is_not_claimed_by_another(job):
    claimed = SampleRunner.claim(job.pk)
    assert claimed is not None and claimed.status == "running"
    assert claimed.claimed_until > timezone.now()

    assert SampleRunner.claim(job.pk) is None
    assert SampleRunner.run(job.pk) == "skipped"
    assert "seen" not in BEHAVIOUR


def test_no_transaction_is_open_while_the_job_performs(job):
    SampleRunner.run(job.pk)
    assert BEHAVIOUR["transactions"] == [0]


def test_a_transient_failure_waits_with_the_next_attempt_and_its_time(job):
    BEHAVIOUR["effect"] = server_error()

    assert SampleRunner.run(job.pk) == "retrying"

    job = reread(job)
    assert (job.status, job.attempt) == ("retrying", 2)
    assert job.retry_at > timezone.now() and job.claimed_until is None and job.is_active
    at = timezone.localtime(job.retry_at).strftime("%H:%M:%S")
    assert job.error == (
        f"Wavix had a problem on its side. The portal tries again by itself at {at} "
        "(attempt 2 of 5); there is nothing to do meanwhile."
    )
    assert "attempt 1 failed: Wavix POST /v1/things returned 503" in job.error_detail
    ((args, countdown),) = SENT
    assert args == (job.pk, 2) and 7 <= countdown <= 13

    assert SampleRunner.run(job.pk, 1) == "skipped"  # a stale message for attempt 1
    BEHAVIOUR["effect"] = None
    assert SampleRunner.run(job.pk, 2) == "succeeded"
    job = reread(job)
    assert (job.status, job.attempt, job.error, job.error_detail) == ("succeeded", 2, "", "")


def test_a_job_failing_every_attempt_fails_with_the_reason(job):
    BEHAVIOUR["effect"] = server_error()
    attempt = None
    for _ in range(4):
        assert SampleRunner.run(job.pk, attempt) == "retrying"
        attempt = reread(job).attempt
    assert SampleRunner.run(job.pk, attempt) == "failed"

    job = reread(job)
    assert (job.status, job.attempt, job.retry_at) == ("failed", 5, None)
    assert job.error == "Wavix POST /v1/things returned 503: try later (after 5 attempts)"
    assert len(SENT) == 4 and not job.is_active


def test_a_refusal_fails_at_once(job):
    BEHAVIOUR["effect"] = WavixValidationError("no", status=422, method="POST", path="/v1/things")

    assert SampleRunner.run(job.pk) == "failed"

    job = reread(job)
    assert (job.status, job.attempt, job.error) == (
        "failed",
        1,
        "Wavix POST /v1/things returned 422: no",
    )
    assert SENT == []


def test_work_that_must_not_repeat_fails_on_a_transient_error(job):
    BEHAVIOUR["effect"] = server_error()

    assert NoRetryRunner.run(job.pk) == "failed"

    assert reread(job).error == "Wavix POST /v1/things returned 503: try later"
    assert SENT == []
    assert NoRetryRunner.no_retry


def test_an_unexpected_error_fails_the_job_and_is_raised(job):
    BEHAVIOUR["effect"] = KeyError("boom")

    with pytest.raises(KeyError):
        SampleRunner.run(job.pk)

    job = reread(job)
    assert (job.status, job.error) == ("failed", "Unexpected error: KeyError")


def test_an_outcome_names_the_failure_or_the_note(job):
    BEHAVIOUR["effect"] = Outcome.succeeded(note="Done, with a remark.")
    assert SampleRunner.run(job.pk) == "succeeded"
    assert (reread(job).note, reread(job).error) == ("Done, with a remark.", "")

    other = SampleJob.objects.create()
    BEHAVIOUR["effect"] = Outcome.failed("2 of 4 failed.", "detail")
    assert SampleRunner.run(other.pk) == "failed"
    other = reread(other)
    assert (other.error, other.error_detail) == ("2 of 4 failed.", "detail")


def test_progress_is_recorded_as_it_goes_and_renews_the_lease(job):
    seen = []

    def steps(runner):
        for _ in range(job.steps):
            runner.progress(done=models.F("done") + 1)
            now = reread(job)
            seen.append((now.done, now.percent, now.claimed_until))
        return None

    BEHAVIOUR["effect"] = steps
    assert SampleRunner.run(job.pk) == "succeeded"
    assert [(d, p) for d, p, _ in seen] == [(1, 25), (2, 50), (3, 75), (4, 100)]
    assert all(until > timezone.now() for _, _, until in seen)


def test_a_running_job_whose_lease_passed_is_claimed_again_as_the_next_attempt(job):
    SampleJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, claimed_until=timezone.now() - timedelta(seconds=1)
    )

    assert SampleRunner.run(job.pk) == "succeeded"

    assert BEHAVIOUR["seen"] == [("running", 2)]


def test_a_running_job_within_its_lease_is_left_alone(job):
    SampleJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, claimed_until=timezone.now() + timedelta(minutes=5)
    )

    assert SampleRunner.run(job.pk) == "skipped"
    assert sweep_all() == 0
    assert reread(job).status == "running"


def test_the_sweep_takes_up_a_job_whose_worker_was_lost(job, commits):
    SampleJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, claimed_until=timezone.now() - timedelta(minutes=1)
    )

    with commits(execute=True):
        assert sweep_all() == 1

    job = reread(job)
    assert (job.status, job.attempt) == ("retrying", 2)
    assert job.error == "The job was interrupted; it goes on by itself."
    assert [((job.pk, 2), None)] == SENT
    assert SampleRunner.run(job.pk, 2) == "succeeded"


def test_the_sweep_fails_a_lost_job_with_no_attempt_left(job):
    SampleJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempt=5, claimed_until=timezone.now() - timedelta(minutes=1)
    )

    assert sweep_all() == 1

    job = reread(job)
    assert job.status == "failed" and job.finished_at is not None
    assert job.error == (
        "The job stopped unexpectedly (the worker running it was lost) and was not finished."
    )
    assert SENT == []


def test_a_lost_job_that_must_not_repeat_fails_saying_why(job):
    SampleJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, claimed_until=timezone.now() - timedelta(minutes=1)
    )

    assert NoRetryRunner.run(job.pk) == "skipped"

    job = reread(job)
    assert job.status == "failed"
    assert job.error.endswith("Its outcome on Wavix is unknown, so it is not repeated by itself.")


def test_the_status_names_are_the_jobs_states():
    assert SampleJob.Status is JobStatus
    assert [s.value for s in JobStatus] == ["queued", "running", "retrying", "succeeded", "failed"]


class PickyRunner(SampleRunner):
    """Claims only jobs with steps; retries only jobs of more than one step."""

    def claimable(self, job):
        return job.steps > 0

    @classmethod
    def policy_for(cls, job):
        return cls.retry_policy if job.steps > 1 else None


def test_a_runner_claims_only_the_jobs_it_may_run(job):
    empty = SampleJob.objects.create(steps=0)

    assert PickyRunner.run(empty.pk) == "skipped"
    assert reread(empty).status == "queued"
    assert PickyRunner.run(job.pk) == "succeeded"


def test_a_runner_chooses_the_retry_policy_per_job(job):
    single = SampleJob.objects.create(steps=1)
    BEHAVIOUR["effect"] = server_error()

    assert PickyRunner.run(single.pk) == "failed"
    assert PickyRunner.run(job.pk) == "retrying"
    assert (reread(single).max_attempts, reread(job).max_attempts) == (5, 5)


def test_a_run_that_lost_its_claim_records_nothing_over_the_run_that_took_it_up(job):
    def slow_worker(runner):
        # While this run performs, its lease passes and another worker takes the job up.
        SampleJob.objects.filter(pk=job.pk).update(claimed_until=timezone.now())
        taken_up = SampleRunner.claim(job.pk)
        assert taken_up is not None and taken_up.attempt == 2
        runner.progress(done=3)
        return Outcome.failed("the stale run's outcome")

    BEHAVIOUR["effect"] = slow_worker

    assert SampleRunner.run(job.pk) == "skipped"

    current = reread(job)
    assert (current.status, current.attempt, current.error, current.done) == ("running", 2, "", 0)
