"""The outbox: every outbound message is a row (`Outbox`, a job on the one runner) committed with
the message; workers send them through the channel at its rate.

How a message goes out:

- `outbox_enqueue` (inside the caller's transaction) adds the row, due now, and kicks the
  channel when the transaction commits.
- A kick sends one `pump_channel` task, deduplicated: while a kick of the channel is waiting in
  the broker, more kicks send nothing, so 100,000 queued messages are a handful of broker
  messages, not 100,000 held by a worker.
- The pump (`outbox_pump`) loops for a bounded time (MESSAGING_PUMP_SECONDS): it takes a slot
  from the channel's shared rate limiter (messaging/rate.py; above the rate it waits, nothing is
  dropped), claims the next due row with one conditional UPDATE (queued, or retrying and due;
  oldest first; two pumps never claim the same row, on SQLite too), sends it outside any
  transaction, and records the outcome in short writes of its own. When it stops with work left
  it kicks the channel again; when it starts it kicks once more, so a second worker process
  joins in on a long queue (they share the limiter).
- A retry's wait is the row's `due_at`, not a Celery task with an ETA held in a worker's memory.
  The minute's beat (`outbox_tick`) takes up rows whose worker was lost, expires messages past
  their validity, and kicks every active channel with work due.

Never sent twice: a send is one POST, never repeated by the client. When its outcome is unknown
(no answer after the request left, a 5xx, a lease that passed while "sending"), the row keeps
`unknown_since` and the next attempt first looks the message up by its tag. Found: accepted. Not
found: it waits and looks again, and sends again only once MESSAGING_UNKNOWN_SETTLE_SECONDS have
passed since the unknown outcome with the provider still showing nothing. That is safe because
the provider lists a message by its tag as soon as it has taken it (Wavix, and the sandbox, in
the same commit), and a request the provider has not taken by then never will be: our side
closed the connection when its read timeout (15 s) ran out, well inside the window.
"""

from __future__ import annotations

import importlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled

from portal.jobs.models import JobStatus
from portal.jobs.runner import JobRunner, Outcome

from .. import rate
from ..hooks import dlr_url
from ..models import (
    STATUS_RANK,
    Channel,
    Message,
    MessageEvent,
    MessageStatus,
    Outbox,
)
from ..providers import Outbound, ProviderError, SendResult, provider_for
from .history import message_advance, message_record
from .markers import mark, runs_inline, unmark
from .stats import throttled_add

log = logging.getLogger(__name__)

# The retry schedule, the settle window after an unknown outcome, the lease and the pump's
# time are settings (MESSAGING_*, portal/settings.py), read where they are used.
RETRY_AFTER_CAP = 3600
LEASE = timedelta(minutes=2)  # the runner's default; sends use MESSAGING_LEASE_SECONDS
WAIT_FOR_DUE_SECONDS = 2.0  # a pump sleeps this long at most for a retry coming due
KICK_TTL = 30  # seconds a kick waiting in the broker holds off further kicks
WAVIX_MAX_VALIDITY = 259_200  # seconds (3 days): the longest validity Wavix accepts
DUE_STATES = (JobStatus.QUEUED, JobStatus.RETRYING)


def _lease() -> timedelta:
    return timedelta(seconds=float(settings.MESSAGING_LEASE_SECONDS))


def retry_delay(failed: int, retry_after: float | None = None) -> float:
    """Seconds before the attempt after `failed` failed attempts; never before Retry-After."""
    schedule, then = settings.MESSAGING_RETRY_SCHEDULE, settings.MESSAGING_RETRY_THEN
    delay = schedule[failed - 1] if failed <= len(schedule) else then
    if retry_after:
        delay = max(delay, min(float(retry_after), RETRY_AFTER_CAP))
    return float(delay)


# --- enqueueing and kicks ----------------------------------------------------------------------


def outbox_enqueue(*, message: Message) -> Outbox:
    """Queues the message's send, inside the caller's transaction: the row commits with the
    message, and the channel's workers are woken when it does."""
    if message.expires_at is None:
        days = message.channel.validity_days
        message.expires_at = (message.created_at or timezone.now()) + timedelta(days=days)
        Message._base_manager.filter(pk=message.pk).update(expires_at=message.expires_at)
    entry = Outbox.objects.create(message=message, channel=message.channel, due_at=timezone.now())
    channel_id = message.channel_id
    transaction.on_commit(lambda: outbox_kick(channel_id=channel_id))
    return entry


def _pump_task():
    # Looked up at call time (as the job runner does): tasks import services, never back.
    return importlib.import_module("messaging.tasks").pump_channel


def _marker(channel_id: int, later: bool) -> str:
    return f"messaging:kick:{'later' if later else 'now'}:{channel_id}"


def outbox_kick(*, channel_id: int, countdown: float | None = None) -> bool:
    """Wakes the channel's sending (a queued message, a resumed channel, a retry now due):
    sends a pump task unless one is already waiting. True when one was sent."""
    later = bool(countdown and countdown > 0)
    ttl = (countdown or 0) + KICK_TTL if later else KICK_TTL
    if not mark(_marker(channel_id, later), ttl):
        return False
    task = _pump_task()
    if later:
        task.apply_async((channel_id,), countdown=max(1, int(countdown + 0.999)))
    else:
        task.delay(channel_id)
    return True


# --- the runner -------------------------------------------------------------------------------


class OutboxRunner(JobRunner):
    """One message's send, on the one job runner: claimed by the pump, performed outside any
    transaction, recorded in short writes; a lost run (its lease passed) is taken up by the
    sweep as an unknown outcome."""

    model = Outbox
    task = "messaging.tasks.pump_channel"
    retry_policy = None  # the outbox's own schedule (retry_delay), up to the validity
    no_retry = "Its outcome is unknown: the message is looked up before it is sent again."
    lease = LEASE
    lost_reason = (
        "The worker sending it was lost; the message is looked up before it is sent again."
    )

    @classmethod
    def send(cls, job_id: int, *, attempt: int | None = None, countdown: int | None = None):
        """The runner's "run this job" is a kick of its channel: the pump claims it."""
        channel_id = cls.manager().filter(pk=job_id).values_list("channel_id", flat=True).first()
        if channel_id is not None:
            outbox_kick(channel_id=channel_id, countdown=countdown)

    @classmethod
    def claim_next(cls, channel_id: int) -> Outbox | None:
        """The next due row of the channel, claimed by one conditional UPDATE (no lock held,
        so it works the same on SQLite); None when nothing is due."""
        now = timezone.now()
        due = (
            cls.manager()
            .filter(channel_id=channel_id, status__in=DUE_STATES, due_at__lte=now)
            .order_by("due_at", "id")
            .values_list("pk", "attempt")[:8]
        )
        for pk, attempt in list(due):
            claimed = (
                cls.manager()
                .filter(pk=pk, status__in=DUE_STATES, attempt=attempt, due_at__lte=now)
                .update(
                    status=JobStatus.RUNNING,
                    claimed_until=now + _lease(),
                    started_at=Coalesce(F("started_at"), now),
                    retry_at=None,
                )
            )
            if claimed:
                return cls.manager().select_related("message", "channel").get(pk=pk)
        return None

    @classmethod
    def sweep(cls) -> int:
        """Rows left "running" by a lost worker: the send may have left, so each becomes a
        retry due now whose outcome is unknown (looked up first, never blindly resent)."""
        now = timezone.now()
        count = 0
        lost = cls.manager().filter(status=JobStatus.RUNNING, claimed_until__lt=now)
        for pk, attempt, message_id in list(lost.values_list("pk", "attempt", "message_id")):
            taken = (
                cls.manager()
                .filter(pk=pk, status=JobStatus.RUNNING, attempt=attempt, claimed_until__lt=now)
                .update(
                    status=JobStatus.RETRYING,
                    attempt=attempt + 1,
                    due_at=now,
                    retry_at=now,
                    claimed_until=None,
                    unknown_since=Coalesce(F("unknown_since"), now),
                    error="The send was interrupted; the message is checked with the provider.",
                )
            )
            if taken:
                count += 1
                _history(message_id, cls.lost_reason, {"attempt": attempt})
        return count

    # --- one attempt ----------------------------------------------------------------------

    def perform(self) -> Outcome:
        entry: Outbox = self.job
        with scopes_disabled():
            message = Message.objects.get(pk=entry.message_id)
        channel = entry.channel
        if (
            message.status in (MessageStatus.FAILED, MessageStatus.EXPIRED)
            and not message.accepted_at
        ):
            return Outcome.failed(message.reason or "The message ended before it was sent.")
        if message.is_final or STATUS_RANK[message.status] >= STATUS_RANK[MessageStatus.ACCEPTED]:
            return Outcome.succeeded("Already taken by the provider.")
        provider = provider_for(channel)
        if entry.unknown_since is not None:
            outcome = self.reconcile(message, provider)
            if outcome is not None:
                return outcome
        if message.expires_at and timezone.now() >= message.expires_at:
            return self.expire(message, "")
        message_advance(
            message_id=message.pk,
            status=MessageStatus.SENDING,
            source=MessageEvent.Source.PORTAL,
            reason="Handed to the provider.",
        )
        # The acceptance is stamped with the request's time: a delivery report can arrive
        # before the answer is recorded, and the provider's time in it is never earlier than
        # the request, so the history reads in the order things happened.
        requested_at = timezone.now()
        try:
            result = provider.send(self.outbound(message, channel))
        except ProviderError as exc:
            return self.failed(message, exc)
        return self.accepted(message, result, source=MessageEvent.Source.PROVIDER, at=requested_at)

    def outbound(self, message: Message, channel: Channel) -> Outbound:
        validity = None
        if message.expires_at:
            left = (message.expires_at - timezone.now()).total_seconds()
            validity = max(1, min(WAVIX_MAX_VALIDITY, int(left)))
        return Outbound(
            sender=message.sender,
            recipient=message.recipient,
            text=message.text or (channel.media_text if message.media else ""),
            media=tuple(message.media or ()),
            tag=message.tag,
            callback_url=dlr_url(channel),
            validity_seconds=validity,
        )

    def reconcile(self, message: Message, provider) -> Outcome | None:
        """After an unknown outcome: the message by its tag. An Outcome when that settles the
        attempt (found, or wait and look again); None when it may be sent again."""
        entry: Outbox = self.job
        if not provider.capabilities.status_lookup:
            # The provider cannot be asked: sending again could send it twice.
            reason = (
                "The provider's answer was lost, and it cannot be asked whether it took the "
                "message: it is not sent again, so that it is never sent twice."
            )
            message_advance(
                message_id=message.pk,
                status=MessageStatus.FAILED,
                source=MessageEvent.Source.PORTAL,
                reason=reason,
            )
            self.held().update(unknown_since=None)
            return Outcome.failed(reason)
        try:
            found = provider.lookup(tag=message.tag, provider_id=message.provider_id)
        except ProviderError as exc:
            return self.retry_later(message, f"Looking the message up failed: {exc.message}", exc)
        if found is not None:
            return self.accepted(message, found, source=MessageEvent.Source.LOOKUP)
        settle = float(settings.MESSAGING_UNKNOWN_SETTLE_SECONDS)
        settled_at = entry.unknown_since + timedelta(seconds=settle)
        if timezone.now() < settled_at:
            return self.wait_until(
                message,
                settled_at,
                "The provider does not show the message yet; it is looked up again before "
                "anything is sent.",
                failed=False,
            )
        # Nothing at the provider a whole settle window later: the request never landed.
        self.held().update(unknown_since=None)
        entry.unknown_since = None
        return None

    def accepted(
        self, message: Message, result: SendResult, *, source: str, at: datetime | None = None
    ) -> Outcome:
        now = timezone.now()
        fields = {
            "provider_id": result.provider_id or None,
            "provider_segments": result.segments,
            "charge": result.charge,
            "carrier_fees": result.carrier_fees,
            "accepted_at": now,
        }
        message_advance(
            message_id=message.pk,
            status=MessageStatus.ACCEPTED,
            source=source,
            reason="Accepted by the provider.",
            detail=result.raw or None,
            at=at,
            fields=fields,
        )
        if STATUS_RANK.get(result.status, 0) > STATUS_RANK[MessageStatus.ACCEPTED]:
            message_advance(
                message_id=message.pk,
                status=result.status,
                source=source,
                reason=result.reason,
                detail=result.raw or None,
            )
        self.held().update(unknown_since=None)
        return Outcome.succeeded(f"Accepted by the provider as {result.provider_id}.")

    def failed(self, message: Message, exc: ProviderError) -> Outcome:
        if not exc.transient:
            reason = f"The provider refused the message: {exc.message}"
            message_advance(
                message_id=message.pk,
                status=MessageStatus.FAILED,
                source=MessageEvent.Source.PROVIDER,
                reason=reason,
                detail={"status_code": exc.status_code, "detail": exc.detail},
            )
            return Outcome.failed(reason, exc.detail)
        if exc.outcome_unknown:
            now = timezone.now()
            self.held().update(unknown_since=now)
            self.job.unknown_since = now
        return self.retry_later(message, exc.message, exc)

    def retry_later(self, message: Message, why: str, exc: ProviderError) -> Outcome:
        delay = retry_delay(self.job.attempt, exc.retry_after)
        at = timezone.now() + timedelta(seconds=delay)
        return self.wait_until(message, at, why, detail=exc.detail)

    def wait_until(
        self, message: Message, at: datetime, why: str, detail: str = "", failed: bool = True
    ) -> Outcome:
        """The next attempt at `at`, recorded on the row (its `due_at`) and in the message's
        history; or, when `at` is past the validity, the message ends expired. A wait that
        follows no failure (a lookup that must settle) does not count as an attempt, so it
        does not move the backoff on."""
        if message.expires_at and at >= message.expires_at and self.job.unknown_since is None:
            return self.expire(message, why)
        # With an unknown outcome the lookup comes first, even past the validity: the
        # provider may have taken the message.
        when = timezone.localtime(at).strftime("%H:%M:%S")
        error = f"{why} Next attempt at {when}."
        moved = self.held().update(
            status=JobStatus.RETRYING,
            attempt=self.job.attempt + (1 if failed else 0),
            due_at=at,
            retry_at=at,
            claimed_until=None,
            error=error[:2000],
            error_detail=detail[:2000],
        )
        if not moved:
            return Outcome(status=self.claim_lost())
        _history(message.pk, error, {"next_attempt_at": at.isoformat(), "detail": detail[:500]})
        self.job.status = JobStatus.RETRYING
        return Outcome(status=JobStatus.RETRYING)

    def expire(self, message: Message, why: str) -> Outcome:
        days = self.job.channel.validity_days
        reason = f"Not sent within the channel's validity of {days} day{'s' if days != 1 else ''}."
        if why:
            reason = f"{reason} Last attempt: {why}"
        message_advance(
            message_id=message.pk,
            status=MessageStatus.EXPIRED,
            source=MessageEvent.Source.PORTAL,
            reason=reason,
        )
        return Outcome.failed(reason)

    def execute(self) -> str:
        outcome = self.perform_safely()
        if outcome.status in (JobStatus.RETRYING, "skipped"):
            return outcome.status
        return self.record(outcome)

    def perform_safely(self) -> Outcome:
        try:
            return self.perform()
        except Exception:
            # A bug on our side: the row stays "running" and its lease passes, so the sweep
            # takes it up as an unknown outcome (the send may have left), never a resend.
            log.exception("outbox entry %s failed unexpectedly", self.job.pk)
            return Outcome(status="skipped")


def _history(message_id: int, reason: str, detail: dict) -> None:
    with scopes_disabled():
        message = Message.objects.only("pk", "tenant_id", "status").get(pk=message_id)
    message_record(message=message, status=message.status, reason=reason, detail=detail)


# --- the pump and the beat --------------------------------------------------------------------


def _next_due(channel_id: int) -> datetime | None:
    return (
        Outbox._base_manager.filter(channel_id=channel_id, status__in=DUE_STATES)
        .aggregate(at=Min("due_at"))
        .get("at")
    )


def _is_active(channel_id: int) -> bool:
    return Channel.objects.filter(pk=channel_id, is_active=True).exists()


def outbox_pump(*, channel_id: int, seconds: float | None = None) -> int:
    """Sends the channel's due messages at its rate for up to `seconds` (default:
    MESSAGING_PUMP_SECONDS); kicks the channel again if work is left. The number of sends
    attempted."""
    unmark(_marker(channel_id, later=False))
    unmark(_marker(channel_id, later=True))
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None or not channel.is_active:
        return 0
    budget = seconds if seconds is not None else float(settings.MESSAGING_PUMP_SECONDS)
    waits = Waits()
    try:
        return _pump(channel, time.monotonic() + budget, waits)
    finally:
        # The metrics' throttle counter: one write per pump, not one per wait.
        throttled_add(channel_id=channel.pk, count=waits.count)


@dataclass
class Waits:
    """How many times the pump waited for the channel's rate limiter."""

    count: int = 0


def _pump(channel: Channel, deadline: float, waits: Waits) -> int:
    eager = runs_inline()
    done = 0
    checked = time.monotonic()
    while time.monotonic() < deadline:
        if time.monotonic() - checked > 1.0:
            channel.refresh_from_db(fields=["is_active", "rate"])
            checked = time.monotonic()
            if not channel.is_active:
                return done
        wait = rate.slot_wait(channel.pk, float(channel.rate))
        if wait:
            waits.count += 1
            time.sleep(min(wait, max(0.0, deadline - time.monotonic())))
            continue
        entry = OutboxRunner.claim_next(channel.pk)
        if entry is None:
            if not _wait_for_due(channel.pk, deadline):
                return done
            continue
        if done == 0 and not eager:
            # A long queue: one more pump joins in on the other worker process.
            outbox_kick(channel_id=channel.pk)
        OutboxRunner(entry).execute()
        done += 1
    _hand_over(channel.pk)
    return done


def _wait_for_due(channel_id: int, deadline: float) -> bool:
    """Nothing due now: sleeps for a retry coming due within a moment (True: look again), or
    leaves a delayed kick for it and stops (False)."""
    at = _next_due(channel_id)
    if at is None:
        return False
    left = (at - timezone.now()).total_seconds()
    if left <= 0:
        return True  # due, but another pump claimed the rows in view: look again
    bound = min(WAIT_FOR_DUE_SECONDS, deadline - time.monotonic())
    if left <= bound:
        time.sleep(left)
        return True
    if left <= 60:
        outbox_kick(channel_id=channel_id, countdown=left)
    return False  # further off: the minute's beat kicks it


def _hand_over(channel_id: int) -> None:
    at = _next_due(channel_id)
    if at is None:
        return
    left = (at - timezone.now()).total_seconds()
    if left <= 0:
        outbox_kick(channel_id=channel_id)
    elif left <= 60:
        outbox_kick(channel_id=channel_id, countdown=left)


def outbox_expire(*, limit: int = 1000) -> int:
    """Messages still waiting (queued, or a retry with no unknown outcome) past their
    validity end expired with the reason; a paused channel's too. The number expired."""
    now = timezone.now()
    with scopes_disabled():
        rows = list(
            Outbox._base_manager.filter(
                status__in=DUE_STATES, unknown_since__isnull=True, message__expires_at__lte=now
            ).values_list("pk", "message_id", "channel__validity_days", "channel__is_active")[
                :limit
            ]
        )
    count = 0
    for pk, message_id, days, active in rows:
        taken = Outbox._base_manager.filter(
            pk=pk, status__in=DUE_STATES, unknown_since__isnull=True
        ).update(
            status=JobStatus.FAILED,
            error="Expired before it could be sent.",
            finished_at=now,
            retry_at=None,
        )
        if not taken:
            continue
        count += 1
        why = "" if active else " The channel was paused."
        message_advance(
            message_id=message_id,
            status=MessageStatus.EXPIRED,
            source=MessageEvent.Source.PORTAL,
            reason=(
                f"Not sent within the channel's validity of {days} "
                f"day{'s' if days != 1 else ''}.{why}"
            ),
        )
    return count


def outbox_tick() -> dict[str, int]:
    """The minute's beat: lost sends taken up, expired messages ended, and every active
    channel with work due (or due within the minute) kicked."""
    swept = OutboxRunner.sweep()
    expired = outbox_expire()
    now = timezone.now()
    soon = now + timedelta(seconds=60)
    due = (
        Outbox._base_manager.filter(
            status__in=DUE_STATES, due_at__lte=soon, channel__is_active=True
        )
        .values("channel_id")
        .annotate(at=Min("due_at"))
    )
    kicked = 0
    for row in due:
        left = (row["at"] - now).total_seconds()
        kicked += outbox_kick(channel_id=row["channel_id"], countdown=left if left > 0 else None)
    return {"swept": swept, "expired": expired, "kicked": kicked}


def outbox_depth(*, channel_id: int) -> dict[str, int]:
    """How many of the channel's sends are queued, running and retrying (its page shows it)."""
    states = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING)
    return Outbox._base_manager.filter(channel_id=channel_id).aggregate(
        **{state: Count("pk", filter=Q(status=state)) for state in states}
    )
