"""Trunks between the portal and Wavix: the push of one trunk (create, full replacement,
delete) and the reconcile of an account's trunks (drift and trunks unknown to the portal).

Both run on the job runner (`portal.jobs`): the trunk is the job row of its push
(`TrunkPushRunner`), an account's `TrunkReconcile` the row of its reconcile
(`TrunkReconcileRunner`). The runner claims the row in a short transaction, with a lease, and
calls Wavix outside any, so two pushes of a trunk never overlap (a second create would make a
second trunk). A push that finishes after a newer edit leaves the trunk pending and queues
itself again. Transient failures are retried as the shared policy of Wavix tasks says
(`portal.wavix.retry`: bounded attempts, exponential backoff with jitter), the trunk pending
meanwhile with the next attempt's time in `sync_error`; the last failure, or any refusal,
leaves the trunk failed with Wavix's reason.

A create is never sent twice blindly. Wavix has no idempotency key for trunks, so a create
whose outcome is unknown (no answer after the request left, a 5xx, a worker that died
mid-call) may have made the trunk. Before each create the push lists the account's trunks and
records, before sending, the label it sends and the trunks Wavix already has with that label
(`SipTrunk.create_in_doubt`); Wavix's answer, or a certain refusal (4xx, 429, a connection
never made), clears it. While it is set, the next push (a retry, a re-push, a delete) lists
the trunks first and adopts the one this create made: the label sent, not among the trunks
that existed before, not linked to another portal trunk. Exactly one: it is linked and
replaced with the portal's settings (PUT), nothing is created. None: the create did not take
effect and is sent again. Several: the push fails saying which, and creates nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.jobs.models import FINISHED_STATES, JobStatus
from portal.jobs.runner import TEXT_LIMIT, JobRunner, Outcome, Wait
from portal.models import WavixAccount
from portal.wavix.client import WavixClient
from portal.wavix.errors import WavixError, WavixNetworkError, WavixNotFound
from portal.wavix.retry import WAVIX_TASKS, Retry

from .. import payloads, rules
from ..models import ForeignTrunk, SipTrunk, TrunkReconcile

log = logging.getLogger(__name__)

PUSH_LEASE = timedelta(minutes=5)


@dataclass
class PushOutcome:
    result: str  # skipped, gone, synced, again, deleted, retry, failed
    retry: Retry | None = None
    reason: str = ""


def push(
    *, trunk_id: int, client_for: Callable[[WavixAccount], WavixClient], attempt: int = 0
) -> PushOutcome:
    """Brings Wavix to the trunk's state. `client_for(account)` gives the Wavix client;
    `attempt` counts the retries before this push (0 for the first). Called only by
    `TrunkPushRunner`, whose claim of the trunk's push keeps two pushes from overlapping."""
    trunk = SipTrunk.objects.select_related("account").filter(pk=trunk_id).first()
    if trunk is None:
        return PushOutcome("gone")
    if trunk.delete_requested:
        return _delete(trunk, client_for(trunk.account), attempt)
    if trunk.sync_state != SipTrunk.SyncState.PENDING:
        return PushOutcome("skipped")
    return _send(trunk, client_for(trunk.account), attempt)


# The push on the job runner -----------------------------------------------------------------


def queue_push(trunk: SipTrunk) -> list[str]:
    """Queues the trunk's push: on the trunk the caller then saves in its transaction (the
    fields set are returned), the task sent on commit. A push running now is left alone: when it
    finishes it finds the newer revision and queues itself again, so two never overlap."""
    fields = _queued(trunk)
    # The trunk's id is read at commit: a new trunk gets it when the caller saves it.
    transaction.on_commit(lambda: TrunkPushRunner.send(trunk.pk))
    return fields


def _queued(trunk: SipTrunk) -> list[str]:
    """Sets the trunk's push queued afresh (attempt 1) unless it is running: the fields set."""
    if trunk.status == JobStatus.RUNNING:
        return []
    trunk.status, trunk.attempt, trunk.retry_at = JobStatus.QUEUED, 1, None
    trunk.error = trunk.error_detail = trunk.note = ""
    trunk.started_at = trunk.finished_at = None
    return [
        "status",
        "attempt",
        "retry_at",
        "error",
        "error_detail",
        "note",
        "started_at",
        "finished_at",
    ]


def _reopen(trunk_id: int) -> None:
    """The push of a trunk left pending queued again, in a short transaction of its own."""
    with transaction.atomic():
        trunk = SipTrunk.objects.select_for_update().filter(pk=trunk_id).first()
        outstanding = trunk is not None and (
            trunk.delete_requested or trunk.sync_state == SipTrunk.SyncState.PENDING
        )
        if outstanding and trunk.status != JobStatus.RUNNING:
            trunk.save(update_fields=_queued(trunk))


class TrunkPushRunner(JobRunner):
    """Runs a trunk's push. The task's second argument counts the retries before it (0 for the
    first push, as `sync_trunk` has always taken it); the job's `attempt` is 1-based. The
    trunk's `sync_error` says, as before, when the next attempt is due or why it failed."""

    model = SipTrunk
    task = "trunks.tasks.sync_trunk"
    lease = PUSH_LEASE

    @classmethod
    def push(cls, trunk_id: int, *, retries: int = 0) -> str:
        """What `sync_trunk` runs: the push's result (synced, again, deleted, retry, failed,
        skipped). A first delivery for a trunk left pending (its last push finished, or none
        recorded yet) queues its push first."""
        if not retries and SipTrunk.objects.filter(pk=trunk_id, status__in=FINISHED_STATES):
            _reopen(trunk_id)
        return cls.run(trunk_id, retries + 1 if retries else None)

    @classmethod
    def send(cls, job_id: int, *, attempt: int | None = None, countdown: int | None = None):
        """The runner's message in the task's terms: (trunk id, retries before this one)."""
        task = cls.task_callable()
        if attempt is None:
            task.delay(job_id)
        else:
            task.apply_async((job_id, attempt - 1), countdown=countdown)

    def perform(self) -> Outcome | None:
        self.result = push(
            trunk_id=self.job.pk, client_for=WavixClient.for_account, attempt=self.job.attempt - 1
        )
        if self.result.result == "retry":
            raise Wait(self.result.retry, self.result.reason)
        if self.result.result == "failed":
            return Outcome.failed(self.result.reason)
        return Outcome.succeeded()

    def execute(self) -> str:
        status = super().execute()
        if status == JobStatus.RETRYING:
            return "retry"
        if getattr(self, "result", None) is None:  # a Wavix error before the push began
            return status
        result = self.result.result
        if result == "again":  # a newer change came while this push ran
            _reopen(self.job.pk)
            self.send(self.job.pk)
        return result


def _send(trunk: SipTrunk, client: WavixClient, attempt: int) -> PushOutcome:
    revision = trunk.revision
    if trunk.password_unreadable:
        if not trunk.is_ip_auth:
            # A push replaces the whole trunk: sent without its password it would lose it.
            return _failed(
                trunk,
                "Not pushed: the trunk's stored password cannot be read (the portal's "
                "encryption keys changed). Edit the trunk and set a new password, typed or "
                "generated; the PBX must then use it.",
            )
        trunk.password = rules.generate_password()  # Wavix wants one; IP trunks never use it
        SipTrunk.objects.filter(pk=trunk.pk).update(password=trunk.password)
    try:
        body = payloads.to_wavix(trunk)
    except rules.Problems as exc:
        return _failed(
            trunk,
            "The allowed addresses cannot be sent to Wavix: "
            + " ".join(exc.messages)
            + " Edit the trunk.",
        )
    try:
        if not trunk.wavix_id:
            trunk = _adopt_or_prepare_create(trunk, client)
        if trunk.wavix_id:
            answer = client.replace_trunk(trunk.wavix_id, body)
        else:
            answer = _create(trunk, client, body)
    except CreateUnresolved as exc:
        return _failed(trunk, str(exc))
    except WavixNotFound as exc:
        if not trunk.wavix_id:
            return _failed_or_retry(trunk, exc, attempt)
        return _failed(
            trunk,
            f"{exc}. Wavix has no trunk #{trunk.wavix_id} any more: re-push to create it again.",
            drift=SipTrunk.Drift.MISSING,
        )
    except WavixError as exc:
        return _failed_or_retry(trunk, exc, attempt)
    return _synced(trunk.pk, revision, answer or {})


# Creating without duplicates ----------------------------------------------------------------


class CreateUnresolved(Exception):
    """An earlier create's outcome is unknown and Wavix's trunks do not say which is this one:
    creating again could duplicate it, so the push stops with this reason."""


def _label(value) -> str:
    return str(value or "").strip()


def _adopt_or_prepare_create(trunk: SipTrunk, client: WavixClient) -> SipTrunk:
    """The trunk linked to the one an earlier create made, if that create's outcome was
    unknown and Wavix has it; otherwise the trunk with the create about to be sent recorded
    as in doubt (committed before it is sent, so even a worker that dies mid-call leaves it)."""
    summaries = client.list_trunks()
    if trunk.create_in_doubt:
        adopted = _resolve_doubt(trunk, summaries)
        if adopted is not None:
            return adopted
    doubt = {
        "label": trunk.label,
        "sent_at": timezone.now().isoformat(),
        "existing": sorted(
            int(s["id"]) for s in summaries if _label(s.get("label")) == _label(trunk.label)
        ),
    }
    SipTrunk.objects.filter(pk=trunk.pk).update(create_in_doubt=doubt)
    trunk.create_in_doubt = doubt
    return trunk


def _resolve_doubt(trunk: SipTrunk, summaries: list[dict]) -> SipTrunk | None:
    """Adopts the trunk an earlier create with an unknown outcome made: None if Wavix has no
    such trunk (that create did not take effect), `CreateUnresolved` if several qualify."""
    doubt = trunk.create_in_doubt
    label = _label(doubt.get("label", trunk.label))
    existing = {int(i) for i in doubt.get("existing") or []}
    linked = set(
        SipTrunk.objects.filter(account_id=trunk.account_id)
        .exclude(pk=trunk.pk)
        .exclude(wavix_id=None)
        .values_list("wavix_id", flat=True)
    )
    candidates = [
        s
        for s in summaries
        if _label(s.get("label")) == label and int(s["id"]) not in existing | linked
    ]
    if len(candidates) > 1:
        ids = ", ".join(f"#{s['id']}" for s in candidates)
        raise CreateUnresolved(
            f"An earlier create of this trunk has an unknown outcome (no answer, or a Wavix "
            f"server error), and Wavix now has {len(candidates)} trunks labelled “{label}” "
            f"that no other portal trunk is linked to ({ids}): the portal cannot tell which "
            "one is this trunk, so it creates none. Delete the extra ones on Wavix (or import "
            "them after “Check Wavix now”), then retry: the one left is adopted."
        )
    if not candidates:
        log.info("trunk %s: the create in doubt did not reach Wavix; creating it", trunk.pk)
        return None
    return _adopt(trunk, candidates[0])


def _adopt(trunk: SipTrunk, summary: dict) -> SipTrunk:
    wavix_id = int(summary["id"])
    try:
        with transaction.atomic():
            trunk = SipTrunk.objects.select_for_update().get(pk=trunk.pk)
            trunk.wavix_id, trunk.create_in_doubt = wavix_id, {}
            trunk.sip_username = str(summary.get("name") or trunk.sip_username)
            trunk.save()
            ForeignTrunk.objects.filter(account_id=trunk.account_id, wavix_id=wavix_id).delete()
    except IntegrityError:
        raise CreateUnresolved(
            f"An earlier create of this trunk has an unknown outcome; Wavix trunk #{wavix_id} "
            "looks like the one it made, but another portal trunk is now linked to it "
            "(imported meanwhile). Delete one of the two portal trunks, then retry."
        ) from None
    log.info(
        "trunk %s: adopted Wavix trunk #%s made by a create whose answer was lost",
        trunk.pk,
        wavix_id,
    )
    return trunk


def _create(trunk: SipTrunk, client: WavixClient, body: dict) -> dict:
    try:
        return client.create_trunk(body)
    except WavixError as exc:
        if _certainly_not_created(exc):
            SipTrunk.objects.filter(pk=trunk.pk).update(create_in_doubt={})
            trunk.create_in_doubt = {}
        raise


def _certainly_not_created(exc: WavixError) -> bool:
    """A refusal (4xx, 429: nothing done) or a connection never made. Anything else (no answer
    after sending, a 5xx, an answer that could not be read) may have created the trunk."""
    if isinstance(exc, WavixNetworkError):
        return not exc.outcome_unknown
    return exc.status is not None and 400 <= exc.status < 500


# Recording the outcome ----------------------------------------------------------------------


@transaction.atomic
def _synced(trunk_id: int, revision: int, answer: dict) -> PushOutcome:
    trunk = SipTrunk.objects.select_for_update().get(pk=trunk_id)
    if answer.get("id") is not None:
        trunk.wavix_id = int(answer["id"])
    if trunk.wavix_id:
        trunk.create_in_doubt = {}
    trunk.sip_username = str(answer.get("name") or trunk.sip_username)
    for name, value in payloads.review_state(answer, ip_auth=trunk.is_ip_auth).items():
        setattr(trunk, name, value)
    current = trunk.revision == revision
    if current:
        trunk.sync_state, trunk.sync_error = SipTrunk.SyncState.IN_SYNC, ""
        trunk.synced_at = timezone.now()
        trunk.drift, trunk.drift_fields = "", {}
    trunk.save()
    return PushOutcome("synced" if current else "again")


def _delete(trunk: SipTrunk, client: WavixClient, attempt: int) -> PushOutcome:
    if not trunk.wavix_id and trunk.create_in_doubt:
        # A create may have made the trunk on Wavix: find it, so it is deleted too.
        try:
            trunk = _resolve_doubt(trunk, client.list_trunks()) or trunk
        except CreateUnresolved as exc:
            return _failed(trunk, str(exc))
        except WavixError as exc:
            return _failed_or_retry(trunk, exc, attempt)
    if trunk.wavix_id:
        try:
            client.delete_trunk(trunk.wavix_id)
        except WavixNotFound:
            pass  # already gone: the goal is reached
        except WavixError as exc:
            return _failed_or_retry(trunk, exc, attempt)
    with transaction.atomic():
        trunk.delete()
    return PushOutcome("deleted")


_IN_DOUBT = (
    " Wavix may have created the trunk all the same: before creating it again, the push "
    "looks for it on Wavix and adopts it."
)


def _failed_or_retry(trunk: SipTrunk, exc: WavixError, attempt: int) -> PushOutcome:
    retry = WAVIX_TASKS.next(exc, failed=attempt + 1)
    in_doubt = SipTrunk.objects.filter(pk=trunk.pk).exclude(create_in_doubt={}).exists()
    note = _IN_DOUBT if in_doubt and not trunk.delete_requested else ""
    if retry is not None:
        error = (retry.note(exc) + note)[:TEXT_LIMIT]
        SipTrunk.objects.filter(pk=trunk.pk).update(sync_error=error)
        return PushOutcome("retry", retry=retry, reason=error)
    reason = WAVIX_TASKS.final_note(exc, failed=attempt + 1)
    return _failed(trunk, f"{reason.rstrip('.')}.{note}" if note else reason)


@transaction.atomic
def _failed(trunk: SipTrunk, reason: str, drift: str | None = None) -> PushOutcome:
    trunk = SipTrunk.objects.select_for_update().get(pk=trunk.pk)
    trunk.sync_state, trunk.sync_error = SipTrunk.SyncState.FAILED, reason[:2000]
    if drift is not None:
        trunk.drift = drift
    trunk.save()
    return PushOutcome("failed", reason=trunk.sync_error)


# Reconcile ----------------------------------------------------------------------------------


@dataclass
class ReconcileReport:
    checked: int = 0
    changed: int = 0
    missing: int = 0
    unknown: int = 0

    def __str__(self) -> str:
        return (
            f"{self.checked} trunks checked: {self.changed} changed on Wavix, "
            f"{self.missing} missing on Wavix, {self.unknown} unknown to the portal."
        )


def reconcile(*, account: WavixAccount, client: WavixClient) -> ReconcileReport:
    """Reads every trunk of the account on Wavix and records the drift on each portal trunk,
    and the trunks the portal does not know. Nothing is changed on Wavix."""
    report = ReconcileReport()
    summaries = {int(s["id"]): s for s in client.list_trunks()}
    ours = SipTrunk.objects.filter(account=account)
    known = set(ours.exclude(wavix_id=None).values_list("wavix_id", flat=True))
    for trunk in ours.filter(delete_requested=False).exclude(wavix_id=None):
        report.checked += 1
        summary = summaries.get(trunk.wavix_id)
        data = {**client.get_trunk(trunk.wavix_id), **summary} if summary else None
        drift = _record(trunk.pk, data)
        report.changed += drift == SipTrunk.Drift.CHANGED
        report.missing += drift == SipTrunk.Drift.MISSING
    unknown = {i: s for i, s in summaries.items() if i not in known}
    for wavix_id, summary in unknown.items():
        data = {**client.get_trunk(wavix_id), **summary}
        ForeignTrunk.objects.update_or_create(
            account=account,
            wavix_id=wavix_id,
            defaults={
                "label": str(data.get("label") or "")[:100],
                "sip_username": str(data.get("name") or "")[:32],
                "data": data,
            },
        )
    ForeignTrunk.objects.filter(account=account).exclude(wavix_id__in=list(unknown)).delete()
    report.unknown = len(unknown)
    return report


@transaction.atomic
def _record(trunk_id: int, data: dict | None) -> str:
    """Stores what Wavix holds for one trunk and whether it differs. A trunk with a push
    pending is not judged: the push is about to change Wavix anyway."""
    trunk = SipTrunk.objects.select_for_update().get(pk=trunk_id)
    trunk.checked_at = timezone.now()
    settled = trunk.sync_state == SipTrunk.SyncState.IN_SYNC
    if data is None:
        trunk.drift = SipTrunk.Drift.MISSING if settled else trunk.drift
        trunk.drift_fields = {}
    else:
        for name, value in payloads.review_state(data, ip_auth=trunk.is_ip_auth).items():
            setattr(trunk, name, value)
        trunk.wavix_snapshot = data
        trunk.drift_fields = payloads.differences(trunk, data) if settled else {}
        trunk.drift = SipTrunk.Drift.CHANGED if trunk.drift_fields else ""
    trunk.save()
    return trunk.drift


@transaction.atomic
def reconcile_request() -> None:
    """“Check Wavix now”: queues the reconcile of every account (the task sent on commit)."""
    for account in WavixAccount.objects.all():
        TrunkReconcileRunner.queue(account=account, requested=True)
    transaction.on_commit(lambda: TrunkReconcileRunner.task_callable().delay())


def reconcile_accounts(*, account_id: int | None = None) -> int:
    """Reconciles every account (or one) on the job runner; the number that succeeded."""
    accounts = WavixAccount.objects.all()
    if account_id is not None:
        accounts = accounts.filter(pk=account_id)
    done = 0
    for account in accounts:
        job = TrunkReconcileRunner.queue(account=account)
        done += TrunkReconcileRunner.run(job.pk) == JobStatus.SUCCEEDED
    return done


class TrunkReconcileRunner(JobRunner):
    """Reads an account's trunks on Wavix and records what differs (`reconcile`)."""

    model = TrunkReconcile
    task = "trunks.tasks.reconcile_trunks"
    retry_policy = None
    no_retry = (
        "A reconcile is not retried on its own: it runs again at its interval "
        "(TRUNK_RECONCILE_INTERVAL_MINUTES), or at once with “Check Wavix now”."
    )

    @classmethod
    def queue(cls, *, account: WavixAccount, requested: bool = False) -> TrunkReconcile:
        """The account's reconcile, queued unless it is running."""
        with transaction.atomic():
            job, _ = TrunkReconcile.objects.select_for_update().get_or_create(account=account)
            if job.status != JobStatus.RUNNING:
                job.status, job.attempt, job.error, job.error_detail = JobStatus.QUEUED, 1, "", ""
                job.started_at = job.finished_at = None
            if requested:
                job.requested_at = timezone.now()
            job.save()
        return job

    def perform(self) -> Outcome:
        account = self.job.account
        report = reconcile(account=account, client=WavixClient.for_account(account))
        return Outcome.succeeded(note=str(report))

    def record(self, outcome: Outcome) -> str:
        self.message = outcome.note or outcome.error
        return super().record(outcome)

    def finished(self, status: str) -> dict:
        message = getattr(self, "message", None) or self.job.error
        return {
            "checked_at": timezone.now(),
            "ok": status == JobStatus.SUCCEEDED,
            "message": message[:TEXT_LIMIT],
        }
