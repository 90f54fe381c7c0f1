"""Recordings and transcripts of the tenants' calls.

A transcription request is a job on the runner (`TranscriptionRunner`): it asks Wavix with the
portal's webhook address, then waits: the webhook (`transcription_webhook`) wakes it when
Wavix says the transcript is done, and without a webhook it polls Wavix on a countdown until
the transcript is there or TRANSCRIPTION_MAX_POLLS polls have passed. A recording is streamed
from Wavix through the portal (`recording_open`), never by Wavix's own address.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django_scopes import scopes_disabled

from portal import audit
from portal.jobs.models import ACTIVE_STATES, JobStatus
from portal.jobs.runner import JobRunner, Outcome
from portal.models import WavixAccount
from portal.wavix.client import RecordingStream, WavixClient
from portal.wavix.errors import WavixError, WavixNotFound, WavixValidationError

from .. import speech
from ..models import Cdr, Transcript, TranscriptionJob, TranscriptionState

log = logging.getLogger(__name__)

LANGUAGES = (("", "Detect automatically"), ("en", "English"), ("de", "German"))
LANGUAGES += (("es", "Spanish"), ("fr", "French"), ("it", "Italian"))
WAITING = "Waiting for Wavix to finish the transcript."


class RecordingUnavailable(Exception):
    """The recording cannot be played: `reason` says why in plain words."""

    def __init__(self, reason: str, *, gone: bool = False, not_recorded: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.gone, self.not_recorded = reason, gone, not_recorded


# --- transcripts ------------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def transcript_store(*, call: Cdr, data: dict) -> Transcript:
    """Keeps Wavix's transcript of the call (turns as agent/client) and marks the call
    transcribed."""
    turns = speech.speaker_turns(data.get("turns") or [], own_number=call.own_number)
    fields = {
        "tenant_id": call.tenant_id,
        "language": str(data.get("language") or "")[:8],
        "turns": turns,
        "summary": str(data.get("call_summary") or "")[:2000],
        "score": _decimal(data.get("call_score")),
        "charge": _decimal(data.get("charge")) or Decimal(0),
        "transcribed_at": parse_datetime(str(data.get("transcription_date") or "")),
    }
    with transaction.atomic():
        transcript, _ = Transcript.objects.update_or_create(call=call, defaults=fields)
        Cdr.objects.filter(pk=call.pk).update(transcription=TranscriptionState.COMPLETED)
    call.transcription = TranscriptionState.COMPLETED
    return transcript


def webhook_url(token: str) -> str:
    return settings.PORTAL_BASE_URL + reverse("trunk_hooks:transcription", args=[token])


def transcription_request(
    *, call: Cdr, user=None, language: str = "", fetch_only: bool = False
) -> TranscriptionJob:
    """Starts the call's transcription (again); joins the request already running.
    `fetch_only`: Wavix has the transcript already (its lists said so), only read it."""
    if not call.recorded:
        raise ValidationError({"call": "This call was not recorded, so it cannot be transcribed."})
    if language not in dict(LANGUAGES):
        raise ValidationError({"language": f"“{language}” is not a language Wavix transcribes."})
    active = TranscriptionJob.objects.filter(call=call, status__in=list(ACTIVE_STATES))
    with transaction.atomic():
        if (job := active.first()) is not None:
            return job
        job = TranscriptionJob(
            tenant_id=call.tenant_id,
            call=call,
            language=language,
            token=secrets.token_urlsafe(32),
            requested_by=user if getattr(user, "pk", None) else None,
            requested=fetch_only,
        )
        job.full_clean()
        try:
            with transaction.atomic():
                job.save()
        except IntegrityError:  # a request at the same moment made it
            return active.get()
        if not fetch_only:
            Cdr.objects.filter(pk=call.pk).update(transcription=TranscriptionState.REQUESTED)
            again = " again" if call.transcription == TranscriptionState.COMPLETED else ""
            message = f"Transcription requested{again}"
            audit.record(job, "create", None, audit.snapshot(job), message)
        TranscriptionRunner.enqueue(job.pk)
    return job


def transcription_webhook(*, token: str, status: str) -> bool:
    """Wavix's `{uuid, status}` for a request: the job is woken to fetch the transcript (or
    to fail). False for an unknown token."""
    with scopes_disabled():
        job = TranscriptionJob.objects.filter(token=token).first()
        if job is None:
            return False
        TranscriptionJob.objects.filter(pk=job.pk).update(webhook_status=status[:16])
        if job.status == JobStatus.RETRYING:
            # Due now rather than at its countdown; the countdown's message then finds it done.
            attempt = job.attempt
            transaction.on_commit(lambda: TranscriptionRunner.send(job.pk, attempt=attempt))
    return True


class TranscriptionRunner(JobRunner):
    model = TranscriptionJob
    task = "trunks.tasks.transcribe_call"

    def perform(self) -> Outcome:
        # A job works outside any request: across the scope, explicitly (its row names the
        # tenant and the call).
        with scopes_disabled():
            return self._perform()

    def _perform(self) -> Outcome:
        job = self.job
        call = Cdr.objects.select_related("account").get(pk=job.call_id)
        client = WavixClient.for_account(call.account)
        if not job.requested:
            client.retranscribe(
                call.call_id, webhook_url=webhook_url(job.token), language=job.language or None
            )
            self.progress(requested=True)
            Cdr.objects.filter(pk=call.pk).update(transcription=TranscriptionState.IN_PROGRESS)
            job.requested = True
        job.refresh_from_db(fields=["webhook_status", "polls"])
        if job.webhook_status == "failed":
            return self._failed(call, "Wavix could not transcribe this call.")
        try:
            data = client.get_transcription(call.call_id)
        except WavixNotFound:
            data = None  # not finished yet
        if data and data.get("status") == "completed":
            transcript_store(call=call, data=data)
            return Outcome.succeeded(note="The transcript is ready.")
        if data and data.get("status") == "failed":
            return self._failed(call, "Wavix could not transcribe this call.")
        return self._wait(call)

    def _wait(self, call: Cdr) -> Outcome:
        job = self.job
        if job.polls + 1 >= settings.TRANSCRIPTION_MAX_POLLS:
            minutes = settings.TRANSCRIPTION_MAX_POLLS * settings.TRANSCRIPTION_POLL_SECONDS // 60
            return self._failed(
                call, f"No transcript came from Wavix within {minutes} minutes; try again later."
            )
        self.progress(polls=job.polls + 1)
        raise self.poll_again(settings.TRANSCRIPTION_POLL_SECONDS, WAITING)

    def _failed(self, call: Cdr, reason: str) -> Outcome:
        Cdr.objects.filter(pk=call.pk).update(transcription=TranscriptionState.FAILED)
        return Outcome.failed(reason)


# --- recordings -------------------------------------------------------------------------------


def recording_open(*, call: Cdr, byte_range: str | None, user=None) -> RecordingStream:
    """The call's recording from Wavix as a stream (the caller checked who may listen); a
    listen from the start is written to the audit log."""
    if not call.recorded:
        raise RecordingUnavailable("This call was not recorded.", not_recorded=True)
    if not byte_range or byte_range.replace(" ", "").startswith("bytes=0-"):
        # A seek asks again from further on: only a listen from the start is one listen.
        audit.record(call, "update", None, None, "Listened to the call's recording")
    client = WavixClient.for_account(call.account)
    try:
        return client.open_recording(call.call_id, byte_range=byte_range)
    except WavixValidationError as exc:
        # The spec's only 400 here: the file was deleted by the retention policy.
        log.info("recording of %s is gone: %s", call.pk, exc)
        raise RecordingUnavailable(
            "Wavix no longer has this recording: it was deleted by the retention policy.",
            gone=True,
        ) from None
    except WavixNotFound:
        raise RecordingUnavailable("Wavix has no recording of this call.", gone=True) from None
    except WavixError as exc:
        log.warning("recording of %s could not be read: %s", call.pk, exc)
        raise RecordingUnavailable(
            "The recording cannot be played right now: Wavix did not answer. Try again."
        ) from None


# --- what the pull learns ---------------------------------------------------------------------


def mark_recorded_and_transcribed(
    *, account: WavixAccount, client: WavixClient, start: date, end: date
) -> int:
    """After a CDR pull: the calls Wavix's recordings list has are recorded, and the calls
    its transcript search finds (an empty filter finds every transcribed call) are
    transcribed. One request per page of each list, never one per call. Global work across
    tenants (explicitly). Returns the calls changed."""
    changed = 0
    with scopes_disabled():
        calls = Cdr.objects.filter(account=account)
        for page in client.iter_recordings(date_from=start, date_to=end):
            ids = [str(r.get("call_uuid") or "") for r in page.items]
            changed += calls.filter(call_id__in=ids, recorded=False).update(recorded=True)
        for direction in ("placed", "received"):
            for page in client.iter_transcription_search(
                date_from=start, date_to=end, direction=direction, transcription={}
            ):
                ids = [str(i.get("call_id") or i.get("uuid") or "") for i in page.items]
                changed += calls.filter(
                    call_id__in=ids, transcription=TranscriptionState.NONE
                ).update(recorded=True, transcription=TranscriptionState.COMPLETED)
    return changed
