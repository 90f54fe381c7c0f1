"""Inbound addresses on Wavix: each SMS-enabled number in a tenant's pool has its
`sms_relay_url` pointed at its account's channel intake (`hooks.inbound_url`), and cleared when
it leaves every pool, so inbound arrives with no set-up.

The numbers app tells us what changed (`dids.listeners`, after its commit): numbers that
entered or left pools, numbers that became SMS-enabled, an account synced (its pooled numbers
with no address yet are pointed: the demo's first sync). Each change is one `RelayJob` per
account on the one job runner: Wavix's bulk `PATCH /v1/numbers` in batches, outside any
transaction, each batch recorded on the numbers as answered, with progress. The job works out
each number's address when it runs, not when it was queued, so two jobs of quick pool edits
in either order leave every number where its pool is now.

Drift: the account's SMS-enabled pooled numbers whose address is not the channel's (elsewhere
or nowhere), listed on the channel page, with a button that points them here.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_scopes import scopes_disabled

from dids.listeners import NumbersChanged
from dids.models import Did, NumberRange
from dids.ranges import Pool
from dids.selectors import chunked_spans_q
from portal.jobs.runner import JobRunner, Outcome
from portal.models import WavixAccount
from portal.wavix.client import WavixClient

from ..hooks import inbound_url
from ..models import Channel, RelayJob

log = logging.getLogger(__name__)

BATCH = 50  # numbers per PATCH /v1/numbers


def wanted_url(channel: Channel | None, did: Did) -> str:
    """Where the number's inbound should go now: the channel's intake while it is an
    SMS-enabled number in a pool, else nowhere. `did` comes annotated by `with_pooled()`."""
    if channel is None or not did.sms_enabled or did.status == Did.Status.RELEASED:
        return ""
    return inbound_url(channel) if did.pooled else ""


def _channels() -> dict[int, Channel]:
    return {c.wavix_account_id: c for c in Channel.objects.filter(wavix_account__isnull=False)}


def relay_start(*, account: WavixAccount, numbers: Iterable[int], reason: str) -> RelayJob | None:
    """One job pointing (or clearing) the account's `numbers` that are not where they should
    be; None when all are. Enqueued when the transaction commits."""
    channel = Channel.objects.filter(wavix_account=account).first()
    dids = (
        Did.objects.filter(account=account, number__in=sorted(set(numbers)))
        .exclude(wavix_id="")
        .with_pooled()
    )
    todo = []
    for did in dids.order_by("number"):
        url = wanted_url(channel, did)
        if did.sms_relay_url != url:
            todo.append({"number": str(did.number), "url": url})
    if not todo:
        return None
    with transaction.atomic():
        job = RelayJob.objects.create(
            account=account, numbers=todo, numbers_total=len(todo), reason=reason[:255]
        )
        RelayRunner.enqueue(job.pk)
    return job


def _held_in(numbers: Pool):
    for q in chunked_spans_q(numbers):
        yield from Did.objects.held().filter(q, sms_enabled=True).exclude(wavix_id="")


def on_numbers_changed(change: NumbersChanged) -> None:
    """The numbers app's listener: a relay job per account for what changed (across
    tenants: an account's numbers are in many tenants' pools)."""
    with scopes_disabled():
        _numbers_changed(change)


def _numbers_changed(change: NumbersChanged) -> None:
    touched: dict[int, set[int]] = defaultdict(set)
    reasons = []
    moved = change.entered | change.left
    if moved:
        for did in _held_in(moved):
            touched[did.account_id].add(did.number)
        reasons.append("numbers entered or left a pool")
    if change.sms_enabled:
        for did in Did.objects.filter(number__in=list(change.sms_enabled)):
            touched[did.account_id].add(did.number)
        reasons.append("numbers became SMS-enabled")
    if change.synced_account_id:
        nowhere = pointed_elsewhere(account_id=change.synced_account_id, nowhere_only=True)
        touched[change.synced_account_id] |= set(nowhere.values_list("number", flat=True))
        reasons.append("inventory synced")
    channels = _channels()
    for account_id, numbers in touched.items():
        if account_id in channels and numbers:
            relay_start(
                account=channels[account_id].wavix_account,
                numbers=numbers,
                reason="Automatic: " + ", ".join(reasons) + ".",
            )


# Drift -------------------------------------------------------------------------------------


def pointed_elsewhere(*, account_id: int, nowhere_only: bool = False):
    """The account's SMS-enabled pooled numbers whose inbound address is not its channel's
    intake (or, with `nowhere_only`, that have none): a queryset of Did, by number."""
    channel = Channel.objects.filter(wavix_account_id=account_id).first()
    # Across tenants on purpose (a platform view of an account): the plain manager.
    pooled = NumberRange._base_manager.filter(
        start__lte=OuterRef("number"), end__gte=OuterRef("number")
    )
    dids = (
        Did.objects.held()
        .filter(account_id=account_id, sms_enabled=True)
        .exclude(wavix_id="")
        .filter(Exists(pooled.order_by()))
        .order_by("number")
    )
    if nowhere_only:
        return dids.filter(sms_relay_url="")
    if channel is None:
        return dids.none()
    return dids.exclude(sms_relay_url=inbound_url(channel))


def relay_fix_drift(*, channel: Channel) -> RelayJob | None:
    """Points every drifted number of the channel's account here (the "Point them here"
    button)."""
    numbers = pointed_elsewhere(account_id=channel.wavix_account_id).values_list(
        "number", flat=True
    )
    return relay_start(
        account=channel.wavix_account,
        numbers=list(numbers),
        reason="Pointed here by a system administrator.",
    )


def relay_clear_account(*, account_id: int | None) -> RelayJob | None:
    """After its channel is deleted: the account's numbers still pointed at an intake are
    cleared on Wavix (nothing answers there any more)."""
    account = WavixAccount.objects.filter(pk=account_id).first() if account_id else None
    if account is None:
        return None
    numbers = Did.objects.filter(account=account).exclude(sms_relay_url="")
    return relay_start(
        account=account,
        numbers=list(numbers.values_list("number", flat=True)),
        reason="Its channel was deleted: the inbound address is cleared.",
    )


def relay_jobs_of(channel: Channel):
    return RelayJob.objects.filter(account_id=channel.wavix_account_id).order_by("-created_at")


# The job -----------------------------------------------------------------------------------


class RelayRunner(JobRunner):
    """Sets the numbers' `sms_relay_url` on Wavix in batches. Setting the same address again
    is harmless, so a transient failure retries by the runner's policy from the batch it
    stopped at (`numbers_done`)."""

    model = RelayJob
    task = "messaging.tasks.run_relay_job"

    def perform(self) -> Outcome | None:
        job = self.job
        client = WavixClient.for_account(job.account)
        channel = Channel.objects.filter(wavix_account_id=job.account_id).first()
        entries = list(job.numbers)
        for start in range(job.numbers_done, len(entries), BATCH):
            batch = [int(e["number"]) for e in entries[start : start + BATCH]]
            self._batch(client, channel, batch)
            job.numbers_done = start + len(batch)
            self.progress(numbers_done=job.numbers_done)
        return None

    def _batch(self, client: WavixClient, channel: Channel | None, numbers: list[int]) -> None:
        dids = Did.objects.filter(account_id=self.job.account_id, number__in=numbers)
        dids = list(dids.with_pooled())
        by_url: dict[str, list[Did]] = defaultdict(list)
        for did in dids:
            if did.wavix_id:
                by_url[wanted_url(channel, did)].append(did)
        for url, group in by_url.items():
            client.update_numbers([int(d.wavix_id) for d in group], sms_relay_url=url)
            now = timezone.now()
            with transaction.atomic():
                for did in group:  # each save is recorded by the audit log's signal
                    did.sms_relay_url, did.updated_at = url, now
                    did.save(update_fields=["sms_relay_url", "updated_at"])
