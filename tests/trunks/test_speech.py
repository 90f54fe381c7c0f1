"""Recordings and transcripts of the tenants' calls, against the Wavix sandbox: the pull marks
recorded and transcribed calls from Wavix's lists; a transcription request finishes when
Wavix's webhook comes, or by polling when none comes, and gives up in the end; the speech
search keeps the tenant's own calls only."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from portal.models import AuditEntry
from sandbox.wavix.models import SandboxCdr, SandboxTranscription
from sandbox.wavix.services import speech as sandbox_speech
from trunks.models import Cdr, SpeechHit, Transcript, TranscriptionJob
from trunks.services import speech as services
from trunks.services.speech_search import speech_search_start
from trunks.tasks import pull_cdrs

from .speech import portal_call, sandbox_call, session_to

pytestmark = pytest.mark.django_db


def test_the_pull_marks_recorded_and_transcribed_calls_from_wavix_lists(acme, sandbox_account):
    sandbox = sandbox_account.sandbox
    transcribed = sandbox_call(sandbox, transcribed=True)
    waiting = sandbox_call(sandbox, transcribed=False)
    unrecorded = sandbox_call(sandbox, transcribed=None)
    SandboxCdr.objects.filter(pk=unrecorded.pk).update(duration=0, disposition="noanswer")

    before = sandbox_account.transport.request_count
    pull_cdrs()

    with scopes_disabled():
        calls = {c.call_id: c for c in Cdr.objects.all()}
    assert calls[str(transcribed.call_id)].recorded
    assert calls[str(transcribed.call_id)].transcription == "completed"
    assert calls[str(waiting.call_id)].recorded
    assert calls[str(waiting.call_id)].transcription == "none"
    assert not calls[str(unrecorded.call_id)].recorded
    # A page per list and direction, never a request per call.
    assert sandbox_account.transport.request_count - before <= 8


def _request(call, user=None, **kwargs):
    with scopes_disabled():
        return services.transcription_request(call=call, user=user, **kwargs)


def _job(pk) -> TranscriptionJob:
    with scopes_disabled():
        return TranscriptionJob.objects.get(pk=pk)


def test_a_transcription_finishes_when_wavix_webhook_comes(
    acme,
    world,
    sandbox_account,
    hold_task,
    wavix_later,
    webhooks_to_portal,
    django_capture_on_commit_callbacks,
):
    held = hold_task("trunks.tasks", "transcribe_call")
    remote = sandbox_call(sandbox_account.sandbox, transcribed=False, topic="billing")
    call = portal_call(sandbox_account, remote, tenant=acme)
    with django_capture_on_commit_callbacks(execute=True):
        job = _request(call, world.admin_a, language="en")
    assert held.run_next() == "retrying"  # asked Wavix; no transcript yet
    call.refresh_from_db()
    assert call.transcription == "in_progress"
    row = SandboxTranscription.objects.get(cdr=remote)
    assert row.webhook_url.endswith(f"/hooks/transcriptions/{_job(job.pk).token}/")
    assert row.language == "en"

    with django_capture_on_commit_callbacks(execute=True):
        assert sandbox_speech.complete(transcription_id=row.pk)
    assert webhooks_to_portal.posts[0][1] == 200
    # The webhook sent the job at once, besides its countdown's message: both run, once.
    assert len(held.messages) == 2
    statuses = {held.run_next(), held.run_next()}
    assert statuses == {"succeeded", "skipped"}

    call.refresh_from_db()
    assert call.transcription == "completed"
    with scopes_disabled():
        transcript = Transcript.objects.get(call=call)
        entry = AuditEntry.objects.filter(object_id=str(job.pk)).first()
    assert [t["speaker"] for t in transcript.turns][:2] == ["agent", "client"]
    assert "invoice" in transcript.turns[1]["text"]
    assert transcript.summary and transcript.score is not None
    assert entry.message == "Transcription requested"
    assert _job(job.pk).requested_by == world.admin_a


def test_without_a_webhook_the_job_polls_until_the_transcript_is_there(
    acme,
    sandbox_account,
    hold_task,
    wavix_later,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(sandbox_speech, "http_session", lambda: session_to(_Lost()))
    held = hold_task("trunks.tasks", "transcribe_call")
    remote = sandbox_call(sandbox_account.sandbox, transcribed=False)
    call = portal_call(sandbox_account, remote, tenant=acme)
    with django_capture_on_commit_callbacks(execute=True):
        job = _request(call)
    assert held.run_next() == "retrying"
    assert held.run_next() == "retrying"  # polled: still in progress
    assert held.messages[0][1] == 20  # the next poll's countdown (TRANSCRIPTION_POLL_SECONDS)
    assert _job(job.pk).error == services.WAITING

    sandbox_speech.complete(transcription_id=SandboxTranscription.objects.get(cdr=remote).pk)
    assert held.run_next() == "succeeded"
    assert _job(job.pk).polls == 2
    with scopes_disabled():
        assert Transcript.objects.filter(call=call).exists()


def test_polling_gives_up_saying_so_when_no_transcript_comes(
    acme, sandbox_account, hold_task, wavix_later, settings, django_capture_on_commit_callbacks
):
    settings.TRANSCRIPTION_MAX_POLLS = 3
    held = hold_task("trunks.tasks", "transcribe_call")
    call = portal_call(
        sandbox_account, sandbox_call(sandbox_account.sandbox, transcribed=False), tenant=acme
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = _request(call)
    assert [held.run_next() for _ in range(3)] == ["retrying", "retrying", "failed"]
    assert "No transcript came from Wavix" in _job(job.pk).error
    call.refresh_from_db()
    assert call.transcription == "failed"


def test_a_second_request_joins_the_one_running_and_unrecorded_calls_are_refused(
    acme, sandbox_account
):
    remote = sandbox_call(sandbox_account.sandbox, transcribed=False)
    call = portal_call(sandbox_account, remote, tenant=acme)
    assert _request(call).pk == _request(call).pk
    other = portal_call(
        sandbox_account, sandbox_call(sandbox_account.sandbox), tenant=acme, recorded=False
    )
    with pytest.raises(Exception, match="not recorded"):
        _request(other)


def test_search_keeps_only_the_tenants_calls_and_fetches_their_transcripts(
    acme, world, sandbox_account, run_tasks
):
    sandbox = sandbox_account.sandbox
    ours = portal_call(sandbox_account, sandbox_call(sandbox, topic="billing"), tenant=acme)
    theirs = portal_call(sandbox_account, sandbox_call(sandbox, topic="billing"), tenant=world.b)
    nobodys = portal_call(sandbox_account, sandbox_call(sandbox, topic="billing"), tenant=None)
    dental = portal_call(sandbox_account, sandbox_call(sandbox, topic="appointment"), tenant=acme)

    search = run_tasks(
        speech_search_start,
        tenant=acme,
        user=world.admin_a,
        date_from=ours.started_at.date(),
        date_to=ours.started_at.date(),
        direction="placed",
        criteria={"client": {"must": ["invoice"]}, "any": {"exclude": ["cleaning"]}},
    )
    with scopes_disabled():
        search.refresh_from_db()
        hits = list(SpeechHit.objects.filter(search=search))
    assert search.status == "succeeded" and search.hit_count == 1
    assert [h.call_id for h in hits] == [ours.pk]
    assert hits[0].phrases == ["invoice"]
    with scopes_disabled():
        assert Transcript.objects.filter(call=ours).exists()
        assert not Transcript.objects.filter(call__in=[theirs, nobodys, dental]).exists()
    assert search.pages_done >= 1


def test_a_search_needs_a_phrase_and_a_bounded_range(acme, world):
    day = dt.date(2026, 6, 1)
    with pytest.raises(ValidationError, match="at least one word"):
        speech_search_start(
            tenant=acme,
            user=None,
            date_from=day,
            date_to=day,
            direction="placed",
            criteria={"any": {"must": []}},
        )
    with pytest.raises(ValidationError, match="too long"):
        speech_search_start(
            tenant=acme,
            user=None,
            date_from=day,
            date_to=day + dt.timedelta(days=120),
            direction="placed",
            criteria={"any": {"must": ["x"]}},
        )


class _Lost(requests.adapters.BaseAdapter):
    """A webhook that never arrives (the network lost it)."""

    def send(self, request, **kwargs):
        raise requests.ConnectionError("lost")

    def close(self):
        pass
