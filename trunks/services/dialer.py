"""The campaign dispatcher: places a campaign's calls at its rate and follows them to their
outcome, as a job on the one runner (`CampaignRunner`).

One run of the job is a tick, at most TICK_SECONDS long:

- it takes sending slots from the campaign's rate limiter (`messaging.rate`, shared by every
  worker process: Redis's moving window, or the database's GCRA without Redis), one per call;
- claims that many queued contacts in a short transaction (their status moves to "calling",
  stamped with the claim's time), skipping, at that moment, those who opted out since the
  upload;
- places each call outside any transaction (one POST) and records its outcome at once in a
  short write of its own;
- polls the calls in progress (`GET /v1/voice-campaigns/{id}`) until Wavix gives a final
  status;
- recounts the contacts and queues the next tick with a countdown (the limiter's wait, or the
  poll interval), until every contact is done.

A contact is never called twice. Once claimed, it is never put back blindly: when a POST's
outcome is unknown (no answer after the request left, a 5xx) the contact fails with "outcome
unknown"; a claimed contact whose worker was lost before it recorded anything (no Wavix id
after the lease) fails the same way. Only a POST that certainly did not happen (a 429, a
connection never made) puts the contact back in the queue.

Ticks form one chain: each carries the campaign's `tick`, and a tick sent for an older value
(a resume while the chain's next tick was waiting) ends at once, so a campaign never runs
two chains.
"""

from __future__ import annotations

import importlib
import logging
import math
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from messaging import rate
from messaging import selectors as messaging_selectors
from portal.jobs.models import JobStatus
from portal.jobs.runner import SKIPPED, JobRunner, Outcome
from portal.wavix.client import WavixClient
from portal.wavix.errors import (
    WavixAuthError,
    WavixError,
    WavixKeyUnreadable,
    WavixNetworkError,
    WavixNotFound,
    WavixNotProvisioned,
    WavixRateLimited,
    WavixServerError,
)

from ..models import CampaignContact, Cdr, VoiceCampaign

log = logging.getLogger(__name__)

OPTED_OUT = "Opted out: on the tenant's opt-out list (for all its senders or this caller ID)."

Status = CampaignContact.Status
TICK_SECONDS = 10.0  # one run's dispatch time: a worker is back for other work this often
BATCH = 50  # calls claimed at most per short transaction
POLL_AFTER = timedelta(seconds=3)  # a call is first polled this long after it was placed
POLL_EVERY = 5  # seconds between polls of one call (and the countdown of a polling tick)
POLL_BATCH = 100  # calls polled per tick at most
MIN_COUNTDOWN = 0.2  # seconds: the next tick comes as soon as the rate has a slot, not later
BACK_OFF = 15  # seconds before the next tick when Wavix refused a call for now (429)
DONE = ("completed",)  # Wavix's final success; "in_progress" (and the like) goes on
GOING = ("in_progress", "queued", "ringing", "initiated", "pending", "")
ENDINGS = {
    "failed": "The call failed.",
    "busy": "The line was busy.",
    "noanswer": "No one answered.",
    "no_answer": "No one answered.",
    "cancelled": "The call was cancelled before it was answered.",
    "canceled": "The call was cancelled before it was answered.",
    "rejected": "The called party rejected the call.",
}
UNKNOWN = (
    "Outcome unknown: Wavix did not answer whether it placed the call ({error}). It is not "
    "placed again, so the contact is never called twice."
)
LOST = (
    "Outcome unknown: the worker placing the call was lost before it recorded Wavix's answer. "
    "It is not placed again, so the contact is never called twice."
)
# Errors that are the account's, not the contact's: the campaign stops with the reason.
ACCOUNT_ERRORS = (WavixAuthError, WavixKeyUnreadable, WavixNotProvisioned)
CAMPAIGN_FIELDS = ("callflow_id", "caller_id")


@dataclass(frozen=True)
class Again(Outcome):
    """The campaign goes on: its next tick in `countdown` seconds (None: it waits, paused,
    for a resume)."""

    countdown: float | None = 1.0


class Stop(Exception):  # noqa: N818 - ends the tick, not an error of ours
    def __init__(self, error: WavixError) -> None:
        super().__init__(str(error))
        self.error = error


def ended_reason(status: str) -> str:
    """Why a call failed, in plain words, from Wavix's final status (or a call record's
    disposition)."""
    status = status.strip().lower()
    words = status.replace("_", " ") or "no reason given"
    return ENDINGS.get(status) or f"The call ended: {words}."


def limiter_key(campaign_id: int) -> str:
    return f"voice-campaign:{campaign_id}"


def _task():
    return importlib.import_module("trunks.tasks").run_campaign


def send_tick(campaign_id: int, *, tick: int | None, countdown: float | None = None) -> None:
    delay = max(1, math.ceil(countdown)) if countdown else None
    _task().apply_async((campaign_id, None, tick), countdown=delay)


def campaign_tick(campaign_id: int, *, attempt: int | None = None, tick: int | None = None) -> str:
    """What the task runs: one tick, unless it was sent for an older chain."""
    if tick is not None:
        current = (
            VoiceCampaign._base_manager.filter(pk=campaign_id)
            .values_list("tick", flat=True)
            .first()
        )
        if current != tick:
            return SKIPPED
    return CampaignRunner.run(campaign_id, attempt)


class CampaignRunner(JobRunner):
    model = VoiceCampaign
    task = "trunks.tasks.run_campaign"
    lease = timedelta(minutes=2)
    tick_seconds = TICK_SECONDS
    sleep = staticmethod(time.sleep)

    def perform(self) -> Outcome:
        campaign = self.job
        with scope(tenant=campaign.tenant):
            self.client = WavixClient.for_account(campaign.flow.account)
            self.contacts = CampaignContact.objects.filter(campaign_id=campaign.pk)
            self.expire_lost()
            try:
                wait = self.dispatch()
            except Stop as stop:
                campaign_count(campaign=campaign)
                return Outcome.failed(
                    f"Wavix refused the campaign's calls: {stop.error.message}", str(stop.error)
                )
            self.poll()
            counts = campaign_count(campaign=campaign)
        return self.next_step(counts, wait)

    # Placing calls --------------------------------------------------------------------------

    def fresh(self) -> VoiceCampaign:
        """The campaign's controls as they are now (a pause or a cancel stops the tick)."""
        return VoiceCampaign._base_manager.only("paused", "cancelled_at").get(pk=self.job.pk)

    def dispatch(self) -> float:
        """Places calls while the rate allows, for this tick's time; the seconds until the
        next slot when the tick ends waiting for one (0: nothing left to place now)."""
        deadline = time.monotonic() + self.tick_seconds
        key, per_second = limiter_key(self.job.pk), self.job.rate / 60
        while True:
            state = self.fresh()
            if state.paused or state.cancelled_at:
                return 0.0
            due = self.contacts.filter(status=Status.QUEUED).count()
            if not due:
                return 0.0
            slots, wait = 0, 0.0
            while slots < min(due, BATCH):
                wait = rate.limiter().slot_wait(key, per_second)
                if wait:
                    break
                slots += 1
            if slots:
                backoff = self.place(self.claim_contacts(slots))
                if backoff:
                    return backoff
            if wait:
                if time.monotonic() + wait > deadline:
                    return wait
                # The wait for the next slot follows the calls in progress, then sleeps the rest.
                until = time.monotonic() + wait
                self.poll(until=until)
                self.sleep(max(0.0, until - time.monotonic()))

    def claim_contacts(self, count: int) -> list[CampaignContact]:
        """The next `count` queued contacts, moved to "calling" in one short transaction; the
        ones who opted out meanwhile are skipped instead."""
        now = timezone.now()
        campaign = self.job
        with transaction.atomic():
            due = list(
                self.contacts.filter(status=Status.QUEUED)
                .order_by("pk")
                .values_list("pk", "number")[:count]
            )
            opted_out = messaging_selectors.opted_out_among(
                tenant=campaign.tenant,
                sender=str(campaign.caller_id),
                recipients=[n for _, n in due],
            )
            skip = [pk for pk, n in due if n in opted_out]
            call = [pk for pk, n in due if n not in opted_out]
            if skip:
                self.contacts.filter(pk__in=skip, status=Status.QUEUED).update(
                    status=Status.SKIPPED, reason=OPTED_OUT, finished_at=now
                )
            self.contacts.filter(pk__in=call, status=Status.QUEUED).update(
                status=Status.CALLING, placed_at=now, reason=""
            )
        # Exactly the rows this claim moved (a cancel may have skipped some meanwhile).
        return list(
            self.contacts.filter(
                pk__in=call, status=Status.CALLING, placed_at=now, wavix_id__isnull=True
            ).order_by("pk")
        )

    def place(self, contacts: list[CampaignContact]) -> float:
        """One POST per contact, outside any transaction; each outcome recorded at once. The
        seconds to back off when Wavix refused for now (the rest of the claim goes back)."""
        campaign = self.job
        for index, contact in enumerate(contacts):
            try:
                answer = self.client.trigger_voice_campaign(
                    campaign.flow.wavix_id, contact.number, str(campaign.caller_id)
                )
            except (WavixRateLimited, WavixNetworkError) as exc:
                if isinstance(exc, WavixNetworkError) and exc.outcome_unknown:
                    self.finish(contact, Status.FAILED, UNKNOWN.format(error=exc))
                    continue
                self.put_back(contacts[index:])  # refused or never sent: not placed
                return max(float(exc.retry_after or 0), BACK_OFF)
            except WavixServerError as exc:
                self.finish(contact, Status.FAILED, UNKNOWN.format(error=exc))
                continue
            except ACCOUNT_ERRORS as exc:
                self.put_back(contacts[index:])
                raise Stop(exc) from None
            except WavixError as exc:
                if any(f in exc.message for f in CAMPAIGN_FIELDS):
                    self.put_back(contacts[index:])  # the flow or the caller ID: every call's
                    raise Stop(exc) from None
                self.finish(contact, Status.FAILED, f"Wavix refused the call: {exc.message}")
                continue
            self.placed(contact, answer)
        return 0.0

    def placed(self, contact: CampaignContact, answer) -> None:
        call = (answer or {}).get("voice_campaign") if isinstance(answer, dict) else None
        try:
            wavix_id = int((call or {}).get("id"))
        except (TypeError, ValueError):
            self.finish(contact, Status.FAILED, UNKNOWN.format(error="its answer had no call id"))
            return
        self.contacts.filter(pk=contact.pk).update(
            wavix_id=wavix_id, wavix_status=str(call.get("status") or "")[:32]
        )

    def finish(self, contact: CampaignContact, status: str, reason: str = "", **fields) -> None:
        self.contacts.filter(pk=contact.pk).update(
            status=status, reason=reason[:300], finished_at=timezone.now(), **fields
        )

    def put_back(self, contacts: list[CampaignContact]) -> None:
        self.contacts.filter(pk__in=[c.pk for c in contacts], wavix_id__isnull=True).update(
            status=Status.QUEUED, placed_at=None
        )

    def expire_lost(self) -> None:
        """Claimed contacts with no Wavix id past the lease: the run placing them was lost."""
        before = timezone.now() - self.lease
        self.contacts.filter(
            status=Status.CALLING, wavix_id__isnull=True, placed_at__lt=before
        ).update(status=Status.FAILED, reason=LOST, finished_at=timezone.now())

    # Following calls ------------------------------------------------------------------------

    def poll(self, until: float | None = None) -> None:
        """Asks Wavix how the calls in progress that are due a look are going, one GET each;
        stops once `until` (a monotonic time) has passed, if given."""
        now = timezone.now()
        due = (
            self.contacts.filter(
                status=Status.CALLING, wavix_id__isnull=False, placed_at__lte=now - POLL_AFTER
            )
            .filter(
                Q(polled_at__isnull=True) | Q(polled_at__lte=now - timedelta(seconds=POLL_EVERY))
            )
            .order_by(F("polled_at").asc(nulls_first=True), "pk")[:POLL_BATCH]
        )
        for contact in list(due):
            if until is not None and time.monotonic() >= until:
                return
            try:
                answer = self.client.get_voice_campaign(contact.wavix_id)
            except WavixNotFound:
                self.finish(contact, Status.FAILED, "Wavix no longer knows this call.")
                continue
            except WavixError as exc:
                log.warning("voice campaign %s: polling stopped this tick: %s", self.job.pk, exc)
                return  # the next tick polls again
            self.followed(contact, answer)

    def followed(self, contact: CampaignContact, answer) -> None:
        call = (answer or {}).get("voice_campaign") or {} if isinstance(answer, dict) else {}
        status = str(call.get("status") or "").strip().lower()[:32]
        if status in GOING:
            self.contacts.filter(pk=contact.pk).update(
                wavix_status=status, polled_at=timezone.now()
            )
        elif status in DONE:
            self.finish(contact, Status.COMPLETED, wavix_status=status, polled_at=timezone.now())
        else:
            self.finish(
                contact,
                Status.FAILED,
                ended_reason(status),
                wavix_status=status,
                polled_at=timezone.now(),
            )

    # The next step --------------------------------------------------------------------------

    def next_step(self, counts: dict[str, int], wait: float) -> Outcome:
        state = self.fresh()
        if counts["queued"] and not state.paused and not state.cancelled_at:
            return Again(countdown=max(MIN_COUNTDOWN, wait))
        if counts["calling"]:
            return Again(countdown=POLL_EVERY)
        if counts["queued"]:
            return Again(countdown=None)  # paused: the resume sends the next tick
        note = (
            f"{counts['completed']} completed, {counts['failed']} failed, "
            f"{counts['skipped']} skipped."
        )
        return Outcome.succeeded(note=("Cancelled: " if state.cancelled_at else "") + note)

    def record(self, outcome: Outcome) -> str:
        if not isinstance(outcome, Again):
            return super().record(outcome)
        fields = {"status": JobStatus.QUEUED, "claimed_until": None, "attempt": 1}
        if outcome.countdown is not None:
            fields["tick"] = F("tick") + 1
        with transaction.atomic():
            if not self.held().update(**fields):
                return self.claim_lost()
        if outcome.countdown is not None:
            tick = VoiceCampaign._base_manager.filter(pk=self.job.pk).values_list("tick", flat=True)
            send_tick(self.job.pk, tick=tick.first(), countdown=outcome.countdown)
        return "continuing"


def campaign_count(*, campaign: VoiceCampaign) -> dict[str, int]:
    """Recounts the contacts per status (one grouped query) and stores the counters."""
    counts = {s: 0 for s in CampaignContact.Status.values}
    rows = (
        CampaignContact._base_manager.filter(campaign_id=campaign.pk)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for status, n in rows:
        counts[status] = n
    counts["total"] = sum(counts.values())
    VoiceCampaign._base_manager.filter(pk=campaign.pk).update(**counts)
    for field, value in counts.items():
        setattr(campaign, field, value)
    return counts


# --- results matched to call records ---------------------------------------------------------

MATCH_WINDOW = timedelta(minutes=5)  # a call record starts this near the moment it was placed
MATCH_DAYS = 7


def match_calls(*, account) -> int:
    """Links each finished campaign call of the account to its call record (placed, from the
    caller ID, to the contact, started nearest to when it was placed); returns how many were
    matched. A constant number of queries: the unmatched calls, the candidate records, one
    bulk update. Global work after the CDR pull, so outside any tenant scope (explicitly)."""
    since = timezone.now() - timedelta(days=MATCH_DAYS)
    with scopes_disabled():
        calls = list(
            CampaignContact.objects.filter(
                campaign__flow__account=account,
                status__in=(Status.COMPLETED, Status.FAILED),
                wavix_id__isnull=False,
                cdr__isnull=True,
                placed_at__gte=since,
            ).select_related("campaign")
        )
        if not calls:
            return 0
        taken = set(
            CampaignContact.objects.filter(
                campaign__flow__account=account, cdr__isnull=False, placed_at__gte=since
            ).values_list("cdr_id", flat=True)
        )
        earliest = min(c.placed_at for c in calls) - MATCH_WINDOW
        records: dict[tuple[str, str], list[Cdr]] = {}
        for cdr in Cdr.objects.filter(
            account=account,
            direction=Cdr.Direction.PLACED,
            to_number__in={c.number for c in calls},
            started_at__gte=earliest,
        ).exclude(pk__in=taken):
            records.setdefault((cdr.from_number, cdr.to_number), []).append(cdr)
        matched = []
        for call in calls:
            near = [
                r
                for r in records.get((str(call.campaign.caller_id), call.number), [])
                if abs(r.started_at - call.placed_at) <= MATCH_WINDOW and r.pk not in taken
            ]
            if near:
                best = min(near, key=lambda r: abs(r.started_at - call.placed_at))
                taken.add(best.pk)
                call.cdr = best
                matched.append(call)
        CampaignContact.objects.bulk_update(matched, ["cdr"])
    return len(matched)
