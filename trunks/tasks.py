"""Celery tasks for trunks and call records: thin, taking ids and re-reading their rows."""

import logging

from celery import shared_task

from portal.models import WavixAccount
from portal.wavix.client import WavixClient
from portal.wavix.errors import WavixError

from .services import cdrs, sync

log = logging.getLogger(__name__)


@shared_task(name="trunks.tasks.sync_trunk")
def sync_trunk(trunk_id: int, attempt: int = 0) -> str:
    """Pushes one trunk to Wavix (create, full replacement or delete) on the job runner;
    `attempt` counts the retries before this one. Running it twice is harmless: a trunk in
    sync is skipped, and the runner's claim lets one push of a trunk run at a time."""
    return sync.TrunkPushRunner.push(trunk_id, retries=attempt)


@shared_task(name="trunks.tasks.reconcile_trunks")
def reconcile_trunks(account_id: int | None = None) -> int:
    """The periodic reconcile (TRUNK_RECONCILE_INTERVAL_MINUTES), or one account's on demand."""
    accounts = WavixAccount.objects.all()
    if account_id is not None:
        accounts = accounts.filter(pk=account_id)
    done = 0
    for account in accounts:
        try:
            report = sync.reconcile(account=account, client=WavixClient.for_account(account))
        except WavixError as exc:
            sync.record_reconcile(account=account, ok=False, message=str(exc))
            continue
        sync.record_reconcile(account=account, ok=True, message=str(report))
        done += 1
    return done


@shared_task(name="trunks.tasks.pull_cdrs")
def pull_cdrs(account_id: int | None = None) -> int:
    """The periodic CDR pull (CDR_PULL_INTERVAL_MINUTES): new calls of every account."""
    accounts = WavixAccount.objects.all()
    if account_id is not None:
        accounts = accounts.filter(pk=account_id)
    added = 0
    for account in accounts:
        try:
            added += cdrs.pull(account=account, client=WavixClient.for_account(account))
        except WavixError as exc:
            log.warning("CDR pull of %s failed: %s", account, exc)
    return added
