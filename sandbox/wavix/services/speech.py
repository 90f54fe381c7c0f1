"""Recordings and transcriptions of the sandbox's calls: what each call has, a transcription
requested (in progress, completed a few seconds later by a task that posts the webhook, as
Wavix does), and the account-wide transcript search."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import requests
from django.db import transaction
from django.utils import timezone

from ... import callbacks
from .. import speech
from ..errors import not_found
from ..models import SandboxAccount, SandboxCdr, SandboxTranscription

TRANSCRIBE_SECONDS = 3  # how long "transcribing" takes
PRICE_PER_MINUTE = Decimal("0.0100")
AGENT = "Wavix-Sandbox/1.0"


def http_session() -> requests.Session:
    """The session the transcription webhook is posted with; tests replace it."""
    return requests.Session()


def call_of(account: SandboxAccount, call_id: str) -> SandboxCdr:
    try:
        key = uuid.UUID(str(call_id))
    except ValueError:
        raise not_found("Call") from None
    cdr = account.cdrs.filter(call_id=key).first()
    if cdr is None:
        raise not_found("Call")
    return cdr


def agent_number(cdr: SandboxCdr) -> str:
    """The account's own side of the call: the caller of a placed call, the callee of a
    received one (Wavix labels speakers by the call's direction)."""
    return cdr.caller if cdr.direction == SandboxCdr.Direction.PLACED else cdr.callee


def is_recorded(cdr: SandboxCdr) -> bool:
    return speech.is_recorded(str(cdr.call_id), cdr.disposition, cdr.duration)


def recording_deleted(cdr: SandboxCdr) -> bool:
    return cdr.date < timezone.now() - dt.timedelta(days=speech.RETENTION_DAYS)


def _stored(cdr: SandboxCdr) -> SandboxTranscription | None:
    try:
        return cdr.transcription
    except SandboxTranscription.DoesNotExist:
        return None


def transcription_status(cdr: SandboxCdr) -> str | None:
    """completed, in_progress, failed, or None (never transcribed)."""
    if not is_recorded(cdr):
        return None
    row = _stored(cdr)
    if row is not None:
        return row.status
    return "completed" if speech.transcribed_at_first(str(cdr.call_id)) else None


def transcription_uuid(cdr: SandboxCdr) -> str:
    row = _stored(cdr)
    if row is not None:
        return str(row.uuid)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"transcription:{cdr.call_id}"))


def turns(cdr: SandboxCdr) -> list[dict]:
    other = cdr.callee if cdr.direction == SandboxCdr.Direction.PLACED else cdr.caller
    return speech.turns(
        str(cdr.call_id), agent=agent_number(cdr), client=other, duration=cdr.duration
    )


def transcription_payload(cdr: SandboxCdr) -> dict:
    """The spec's CDRTranscriptionResponse of a completed transcription; 404 otherwise."""
    if transcription_status(cdr) != "completed":
        raise not_found("Transcription")
    row = _stored(cdr)
    call_turns = turns(cdr)
    said: dict[str, list[str]] = {cdr.caller: [], cdr.callee: []}
    for turn in call_turns:
        said.setdefault(turn["type"], []).append(turn["text"])
    done = row.completed_at if row and row.completed_at else cdr.date + dt.timedelta(minutes=5)
    topic = speech.topic(str(cdr.call_id))
    charge = (PRICE_PER_MINUTE * max(cdr.duration, 60) / 60).quantize(Decimal("0.001"))
    return {
        "transcript": {number: " ".join(texts) for number, texts in said.items()},
        "turns": call_turns,
        "uuid": transcription_uuid(cdr),
        "language": row.language if row else "en",
        "duration": cdr.duration,
        "charge": str(charge),
        "status": "completed",
        "transcription_date": _iso(done),
        "call_date": _iso(cdr.date),
        "call_uuid": str(cdr.call_id),
        "call_score": speech.SCORES[topic],
        "call_summary": speech.SUMMARIES[topic],
    }


def _iso(moment: dt.datetime) -> str:
    from ..payloads import iso

    return iso(moment) or ""


def retranscribe(
    *, account: SandboxAccount, call_id: str, language: str | None, webhook_url: str | None
) -> SandboxTranscription:
    """Starts (again) the transcription of a recorded call: in progress now, completed by
    `complete` after TRANSCRIBE_SECONDS."""
    cdr = call_of(account, call_id)
    if not is_recorded(cdr) or recording_deleted(cdr):
        # The spec answers this operation with 200 or 404 only.
        raise not_found("Recording")
    with transaction.atomic():
        row, _ = SandboxTranscription.objects.update_or_create(
            cdr=cdr,
            defaults={
                "status": SandboxTranscription.Status.IN_PROGRESS,
                "language": language or "en",
                "webhook_url": webhook_url or "",
                "requested_at": timezone.now(),
                "completed_at": None,
                "uuid": uuid.uuid4(),
            },
        )
        transaction.on_commit(lambda: _enqueue(row.pk))
    return row


def _enqueue(transcription_id: int) -> None:
    from ..tasks import complete_transcription

    complete_transcription.apply_async((transcription_id,), countdown=TRANSCRIBE_SECONDS)


def complete(*, transcription_id: int) -> bool:
    """Finishes a transcription in progress and posts `{uuid, status}` to its webhook (once:
    the state moves first, in its own transaction; the POST is made outside it)."""
    finished = SandboxTranscription.objects.filter(
        pk=transcription_id, status=SandboxTranscription.Status.IN_PROGRESS
    ).update(status=SandboxTranscription.Status.COMPLETED, completed_at=timezone.now())
    if not finished:
        return False
    row = SandboxTranscription.objects.select_related("cdr").get(pk=transcription_id)
    if row.webhook_url:
        body = json.dumps({"uuid": str(row.cdr.call_id), "status": row.status})
        callbacks.post(
            http_session(), row.webhook_url, body, content_type="application/json", user_agent=AGENT
        )
    return True


def search(account: SandboxAccount, *, direction: str, start, end, criteria: dict, filters):
    """The account's calls with a completed transcription whose turns match `criteria`."""
    rows = account.cdrs.filter(
        direction=direction, date__date__gte=start, date__date__lte=end, disposition="answered"
    ).select_related("transcription")
    if filters.get("min_duration"):
        rows = rows.filter(duration__gte=filters["min_duration"])
    if filters.get("uuid"):
        rows = rows.filter(call_id=filters["uuid"])
    found = []
    for cdr in rows.order_by("-date", "-id"):
        if transcription_status(cdr) != "completed":
            continue
        if speech.matches(turns(cdr), criteria, agent_number(cdr)):
            found.append(cdr)
    return found
