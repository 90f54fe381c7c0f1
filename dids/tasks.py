"""Celery tasks for numbers: thin, taking ids, re-reading and locking their rows."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from portal.wavix.client import WavixClient
from portal.wavix.errors import WavixError

from portal.models import WavixAccount

from . import services
from .models import SyncRun
from .sync import run_sync

log = logging.getLogger(__name__)


@shared_task(name="dids.tasks.sync_inventory")
def sync_inventory(run_id: int) -> str:
    """Runs a queued sync. Running it twice is harmless: only a queued run starts."""
    with transaction.atomic():
        run = (
            SyncRun.objects.select_for_update().select_related("account").filter(pk=run_id).first()
        )
        if run is None or run.status != SyncRun.Status.QUEUED:
            return "skipped"
        run.status, run.started_at = SyncRun.Status.RUNNING, timezone.now()
        run.save(update_fields=["status", "started_at"])
    try:
        run = run_sync(run, WavixClient.for_account(run.account))
    except WavixError as exc:
        return _finish(run, SyncRun.Status.FAILED, str(exc))
    except Exception as exc:
        log.exception("inventory sync %s failed", run_id)
        _finish(run, SyncRun.Status.FAILED, f"Unexpected error: {exc.__class__.__name__}")
        raise
    return _finish(run, SyncRun.Status.SUCCEEDED, "")


def _finish(run: SyncRun, status: str, error: str) -> str:
    SyncRun.objects.filter(pk=run.pk).update(
        status=status, error=error[:2000], finished_at=timezone.now()
    )
    return status


@shared_task(name="dids.tasks.sync_all_accounts")
def sync_all_accounts() -> int:
    """The periodic sync (WAVIX_SYNC_INTERVAL_MINUTES): one run per account."""
    accounts = list(WavixAccount.objects.all())
    for account in accounts:
        services.sync_start(account=account, trigger="schedule")
    return len(accounts)
