"""The incremental pull of call records from Wavix, placed and received.

Wavix filters CDRs by day, so each pull reads from the last day already pulled (again, as it
was only partly over) through today, and keeps each call once (by its call id). A page costs
a constant number of queries: the call ids already stored, the owners of its numbers, the
insert.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_scopes import scopes_disabled

from dids.models import NumberRange
from dids.ranges import Span
from portal import phone
from portal.jobs.models import JobStatus
from portal.jobs.runner import JobRunner, Outcome
from portal.models import WavixAccount
from portal.wavix.client import WavixClient
from portal.wavix.errors import WavixError

from ..models import Cdr, CdrPull, SipTrunk, TrunkAssignment
from .dialer import match_calls
from .speech import mark_recorded_and_transcribed

log = logging.getLogger(__name__)

DIRECTIONS = (Cdr.Direction.PLACED, Cdr.Direction.RECEIVED)


def _money(value) -> Decimal:
    try:
        return Decimal(str(value or 0))
    except InvalidOperation:
        return Decimal(0)


def _when(value: str):
    moment = parse_datetime(str(value or ""))
    if moment is None:
        return None
    if timezone.is_naive(moment):  # Wavix's dates may lack a zone: they are UTC
        moment = moment.replace(tzinfo=UTC)
    return moment


def _owners(numbers: set[int]) -> dict[int, int]:
    """{number: tenant id} for the numbers some tenant's pool holds, in one indexed query."""
    rows = NumberRange.objects.overlapping_any(Span(n, n) for n in numbers)
    owners = {}
    for start, end, tenant_id in rows.values_list("start", "end", "tenant_id"):
        for n in numbers:
            if start <= n <= end:
                owners[n] = tenant_id
    return owners


class _Context:
    """What a pull looks up once: the account's trunks by login and the tenants of each."""

    def __init__(self, account: WavixAccount):
        self.trunks = dict(
            SipTrunk.objects.filter(account=account)
            .exclude(sip_username="")
            .values_list("sip_username", "pk")
        )
        self.sole_tenant: dict[int, int] = {}
        tenants: dict[int, set[int]] = {}
        for trunk_id, tenant_id in TrunkAssignment.objects.filter(
            trunk__account=account
        ).values_list("trunk_id", "tenant_id"):
            tenants.setdefault(trunk_id, set()).add(tenant_id)
        self.sole_tenant = {t: next(iter(ids)) for t, ids in tenants.items() if len(ids) == 1}


def _own_number(item: dict, direction: str) -> int | None:
    return phone.from_storage(item.get("from" if direction == Cdr.Direction.PLACED else "to"))


def store_page(
    *, account: WavixAccount, direction: str, items: list[dict], context: _Context
) -> int:
    """Stores the page's calls not stored yet; returns how many were added."""
    ids = [str(i.get("call_id") or i.get("uuid") or "") for i in items]
    have = set(
        Cdr.objects.filter(account=account, call_id__in=[i for i in ids if i]).values_list(
            "call_id", flat=True
        )
    )
    owners = _owners({n for i in items if (n := _own_number(i, direction)) is not None})
    rows = []
    for call_id, item in zip(ids, items, strict=True):
        started = _when(item.get("date"))
        if not call_id or call_id in have or started is None:
            continue
        have.add(call_id)
        login = str(item.get("sip_trunk") or "")
        trunk_id = context.trunks.get(login)
        tenant_id = owners.get(_own_number(item, direction))
        if tenant_id is None and trunk_id is not None:
            tenant_id = context.sole_tenant.get(trunk_id)
        rows.append(
            Cdr(
                account=account,
                tenant_id=tenant_id,
                trunk_id=trunk_id,
                call_id=call_id[:64],
                direction=direction,
                started_at=started,
                from_number=str(item.get("from") or "")[:32],
                to_number=str(item.get("to") or "")[:32],
                disposition=str(item.get("disposition") or "")[:16],
                duration=int(item.get("duration") or 0),
                charge=_money(item.get("charge")),
                per_minute=_money(item.get("per_minute")),
                destination=str(item.get("destination") or "")[:255],
                sip_trunk=login[:32],
            )
        )
    Cdr.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def pull(*, account: WavixAccount, client: WavixClient, today: date | None = None) -> int:
    """Pulls both directions for one account, each a job on the runner (`CdrPullRunner`);
    returns the calls added. Global work across tenants, so outside any tenant scope
    (explicitly)."""
    today = today or timezone.localdate()
    added = 0
    with scopes_disabled():
        context = _Context(account)
        start = min(_start(account, direction, today) for direction in DIRECTIONS)
        for direction in DIRECTIONS:
            job = CdrPullRunner.queue(account=account, direction=direction)
            added += CdrPullRunner.pull(job.pk, client=client, today=today, context=context)
    # Which of those calls were recorded and transcribed: Wavix's lists, a request a page.
    try:
        mark_recorded_and_transcribed(account=account, client=client, start=start, end=today)
    except WavixError as exc:
        log.warning("recordings of %s not marked: %s", account, exc)
    # The voice campaigns' finished calls, matched to the records just pulled.
    match_calls(account=account)
    return added


def pull_accounts(*, account_id: int | None = None) -> int:
    """The periodic pull (CDR_PULL_INTERVAL_MINUTES): the new calls of every account (or
    one). A failed pull is recorded on its row and the next account goes on."""
    accounts = WavixAccount.objects.all()
    if account_id is not None:
        accounts = accounts.filter(pk=account_id)
    added = 0
    for account in accounts:
        try:
            added += pull(account=account, client=WavixClient.for_account(account))
        except WavixError as exc:
            log.warning("CDR pull of %s failed: %s", account, exc)
    return added


class CdrPullRunner(JobRunner):
    """Pulls the calls of one account and direction from its watermark (`pulled_through`)."""

    model = CdrPull
    task = "trunks.tasks.pull_cdrs"
    retry_policy = None
    no_retry = (
        "A pull is not retried on its own: the next one (CDR_PULL_INTERVAL_MINUTES) starts "
        "again from the last day pulled, so no call is missed or stored twice."
    )

    @classmethod
    def queue(cls, *, account: WavixAccount, direction: str) -> CdrPull:
        """The account's pull in this direction, queued unless it is running."""
        with transaction.atomic():
            job, _ = CdrPull.objects.select_for_update().get_or_create(
                account=account, direction=direction
            )
            if job.status != JobStatus.RUNNING:
                job.status, job.attempt, job.error, job.error_detail = JobStatus.QUEUED, 1, "", ""
                job.started_at = job.finished_at = None
                job.save()
        return job

    @classmethod
    def pull(cls, job_id: int, *, client: WavixClient, today: date, context: _Context) -> int:
        """Claims the pull, runs it with this client, records it; the calls added (0 when
        another worker has it; a failure is recorded on the row, with the calls stored until
        then)."""
        job = cls.claim(job_id)
        if job is None:
            return 0
        runner = cls(job)
        runner.client, runner.today, runner.context, runner.added = client, today, context, 0
        runner.execute()
        return runner.added

    def perform(self) -> Outcome:
        job = self.job
        self.added = _pull_direction(
            job.account, self.client, job.direction, self.today, self.context
        )
        return Outcome.succeeded(note=f"{self.added} calls added.")


def _pull_direction(
    account: WavixAccount, client: WavixClient, direction: str, today: date, context: _Context
) -> int:
    cursor, _ = CdrPull.objects.get_or_create(account=account, direction=direction)
    start = _start(account, direction, today)
    added = 0
    try:
        for page in client.iter_cdrs(date_from=start, date_to=today, direction=direction):
            with transaction.atomic():
                added += store_page(
                    account=account, direction=direction, items=page.items, context=context
                )
    except Exception as exc:
        CdrPull.objects.filter(pk=cursor.pk).update(
            last_run_at=timezone.now(), last_added=added, last_error=str(exc)[:2000]
        )
        raise
    CdrPull.objects.filter(pk=cursor.pk).update(
        pulled_through=today, last_run_at=timezone.now(), last_added=added, last_error=""
    )
    return added


def _start(account: WavixAccount, direction: str, today: date) -> date:
    """The first day a pull reads: the last day pulled again (it was only partly over), or
    CDR_INITIAL_DAYS back the first time."""
    cursor = CdrPull.objects.filter(account=account, direction=direction).first()
    if cursor and cursor.pulled_through:
        return min(cursor.pulled_through - timedelta(days=1), today)
    return today - timedelta(days=settings.CDR_INITIAL_DAYS)
