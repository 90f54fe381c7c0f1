"""Celery tasks for numbers: thin, taking ids and calling the services' job runners (claimed
in a short transaction, Wavix called outside any, the outcome recorded in another:
`portal.jobs.runner`). The names stay as they were, so queued messages carry over."""

from celery import shared_task

from portal.models import WavixAccount

from .services.documents import DocumentUploadRunner
from .services.e911_jobs import E911Runner
from .services.imports import apply_rows, import_check
from .services.orders import OrderRunner
from .services.reconcile import ReconcileRunner, reconcile_start
from .services.sync import SyncRunner, sync_start
from .services.validator_jobs import ValidationRunner


@shared_task(name="dids.tasks.sync_inventory")
def sync_inventory(run_id: int) -> str:
    """Runs a queued sync. Running it twice is harmless: only a queued run starts."""
    return SyncRunner.run(run_id)


@shared_task(name="dids.tasks.sync_all_accounts")
def sync_all_accounts() -> int:
    """The periodic sync (WAVIX_SYNC_INTERVAL_MINUTES): one run per account."""
    accounts = list(WavixAccount.objects.all())
    for account in accounts:
        sync_start(account=account, trigger="schedule")
    return len(accounts)


@shared_task(name="dids.tasks.run_order")
def run_order(order_id: int, attempt: int | None = None) -> str:
    """Carries out a queued order on Wavix (`OrderRunner`)."""
    return OrderRunner.run(order_id, attempt)


@shared_task(name="dids.tasks.e911_run_job")
def e911_run_job(job_id: int, attempt: int | None = None) -> str:
    """Sets or deletes E911 records on Wavix, number by number (`E911Runner`)."""
    return E911Runner.run(job_id, attempt)


@shared_task(name="dids.tasks.e911_reconcile")
def e911_reconcile(run_id: int) -> str:
    """Compares an account's E911 records on Wavix with the portal (`ReconcileRunner`)."""
    return ReconcileRunner.run(run_id)


@shared_task(name="dids.tasks.e911_reconcile_all")
def e911_reconcile_all() -> int:
    """The periodic reconcile (E911_RECONCILE_INTERVAL_MINUTES): one run per account."""
    accounts = list(WavixAccount.objects.all())
    for account in accounts:
        reconcile_start(account=account, trigger="schedule")
    return len(accounts)


@shared_task(name="dids.tasks.pool_import_check")
def pool_import_check(job_id: int) -> str:
    """The dry run of a large pool import (a queued one only: running it twice is harmless)."""
    return import_check(job_id)


@shared_task(name="dids.tasks.pool_import_apply")
def pool_import_apply(job_id: int) -> str:
    """Applies a checked pool import (a queued one only)."""
    return apply_rows(job_id)


@shared_task(name="dids.tasks.validation_run_job")
def validation_run_job(job_id: int, attempt: int | None = None) -> str:
    """Validates a job's numbers with Wavix, polling an asynchronous request until it is done
    (`ValidationRunner`)."""
    return ValidationRunner.run(job_id, attempt)


@shared_task(name="dids.tasks.document_upload_run")
def document_upload_run(upload_id: int, attempt: int | None = None) -> str:
    """Sends an uploaded number document to Wavix (`DocumentUploadRunner`)."""
    return DocumentUploadRunner.run(upload_id, attempt)
