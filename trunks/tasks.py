"""Celery tasks for trunks and call records: thin, taking ids and re-reading their rows."""

from celery import shared_task

from .services import cdrs, dialer, speech, speech_search, sync


@shared_task(name="trunks.tasks.sync_trunk")
def sync_trunk(trunk_id: int, attempt: int = 0) -> str:
    """Pushes one trunk to Wavix (create, full replacement or delete) on the job runner;
    `attempt` counts the retries before this one. Running it twice is harmless: a trunk in
    sync is skipped, and the runner's claim lets one push of a trunk run at a time."""
    return sync.TrunkPushRunner.push(trunk_id, retries=attempt)


@shared_task(name="trunks.tasks.reconcile_trunks")
def reconcile_trunks(account_id: int | None = None) -> int:
    """The periodic reconcile (TRUNK_RECONCILE_INTERVAL_MINUTES), or one account's on demand."""
    return sync.reconcile_accounts(account_id=account_id)


@shared_task(name="trunks.tasks.pull_cdrs")
def pull_cdrs(account_id: int | None = None) -> int:
    """The periodic CDR pull (CDR_PULL_INTERVAL_MINUTES): new calls of every account."""
    return cdrs.pull_accounts(account_id=account_id)


@shared_task(name="trunks.tasks.transcribe_call")
def transcribe_call(job_id: int, attempt: int | None = None) -> str:
    """A call's transcription request on the job runner: asks Wavix, then fetches the
    transcript when the webhook wakes it or its poll comes due."""
    return speech.TranscriptionRunner.run(job_id, attempt)


@shared_task(name="trunks.tasks.search_speech")
def search_speech(job_id: int, attempt: int | None = None) -> str:
    """A speech search on the job runner: Wavix's pages, the tenant's calls kept."""
    return speech_search.SpeechSearchRunner.run(job_id, attempt)


@shared_task(name="trunks.tasks.run_campaign")
def run_campaign(campaign_id: int, attempt: int | None = None, tick: int | None = None) -> str:
    """One tick of a voice campaign's dispatcher (places the calls its rate allows, follows
    those in progress, queues the next tick). A tick sent for an older chain does nothing."""
    return dialer.campaign_tick(campaign_id, attempt=attempt, tick=tick)
