"""The sandbox's recordings and transcriptions answer as Wavix's spec says: a recorded call's
address (Location) and its WAV file with ranges, a gone recording's 400, transcripts with
turns by the speakers' numbers, retranscribe (in progress, then completed and the webhook
posted), and the transcript search's must / match / exclude per speaker."""

from __future__ import annotations

import datetime as dt
import io
import wave

import pytest
import requests
from django.utils import timezone

from sandbox.wavix import speech
from sandbox.wavix.models import SandboxCdr
from sandbox.wavix.services import speech as services

from .conftest import CallbackCatcher

pytestmark = pytest.mark.django_db


def _call(account, *, transcribed: bool | None = True, direction="placed", days_ago=1):
    """A recorded answered call of the account (made until its id has the wanted traits)."""
    while True:
        cdr = SandboxCdr(
            account=account,
            direction=direction,
            date=timezone.now() - dt.timedelta(days=days_ago),
            caller="12025550100" if direction == "placed" else "13055550187",
            callee="13055550187" if direction == "placed" else "12025550100",
            disposition="answered",
            duration=95,
            destination="United States",
            per_minute="0.0095",
            charge="0.0150",
        )
        call_id = str(cdr.call_id)
        if not speech.is_recorded(call_id, "answered", 95):
            continue
        if transcribed is not None and speech.transcribed_at_first(call_id) != transcribed:
            continue
        cdr.save()
        return cdr


def _week():
    today = timezone.now().date()
    return {"from": str(today - dt.timedelta(days=6)), "to": str(today)}


def test_a_recorded_call_points_to_its_file_which_plays_and_seeks(sandbox):
    cdr = _call(sandbox.account)
    detail = sandbox.get(f"/v1/cdrs/{cdr.call_id}").json()
    assert detail["recording_url"].endswith(f"/v1/recordings/{cdr.call_id}")
    located = sandbox.get(f"/v1/recordings/{cdr.call_id}")
    assert located.status_code == 200
    location = located.headers["Location"]
    file_path = location.split("/wavix-sandbox", 1)[1]
    whole = sandbox.get(file_path, check=False)
    assert whole.headers["Content-Type"] == "audio/wav"
    with wave.open(io.BytesIO(whole.content)) as audio:
        assert audio.getnframes() / audio.getframerate() >= 3  # a few seconds to play
    part = sandbox.get(file_path, check=False, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == whole.content[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole.content)}"
    assert sandbox.get(file_path, check=False, auth=None).status_code == 401


def test_a_recording_past_the_retention_policy_is_gone_with_wavix_message(sandbox):
    cdr = _call(sandbox.account, days_ago=speech.RETENTION_DAYS + 5)
    answer = sandbox.get(f"/v1/recordings/{cdr.call_id}")
    assert answer.status_code == 400
    assert "retention policy" in answer.json()["message"]


def test_the_recordings_list_holds_recorded_calls_only(sandbox):
    recorded = _call(sandbox.account)
    answer = sandbox.get("/v1/recordings", params={"from_date": _week()["from"]}).json()
    ids = {r["call_uuid"] for r in answer["recordings"]}
    assert str(recorded.call_id) in ids
    for row in answer["recordings"]:
        cdr = SandboxCdr.objects.get(call_id=row["call_uuid"])
        assert services.is_recorded(cdr)


def test_a_transcript_has_turns_by_the_speakers_numbers_with_times(sandbox):
    cdr = _call(sandbox.account, transcribed=True)
    body = sandbox.get(f"/v1/cdrs/{cdr.call_id}/transcription").json()
    assert body["status"] == "completed" and body["call_uuid"] == str(cdr.call_id)
    assert {t["type"] for t in body["turns"]} == {"12025550100", "13055550187"}
    starts = [t["s"] for t in body["turns"]]
    assert starts == sorted(starts) and all(t["e"] > t["s"] for t in body["turns"])
    assert body["call_summary"]


def test_retranscribe_is_in_progress_then_completed_with_the_webhook(sandbox, monkeypatch):
    catcher = CallbackCatcher()
    session = requests.Session()
    session.mount("https://", catcher)
    monkeypatch.setattr(services, "http_session", lambda: session)
    monkeypatch.setattr(services, "_enqueue", lambda pk: None)  # completed below, by hand
    cdr = _call(sandbox.account, transcribed=False)
    path = f"/v1/cdrs/{cdr.call_id}/transcription"
    assert sandbox.get(path).status_code == 404

    hook = "https://portal.example/hooks/transcriptions/abc/"
    answer = sandbox.put(f"/v1/cdrs/{cdr.call_id}/retranscribe", json={"webhook_url": hook})
    assert answer.json() == {"success": True}
    assert sandbox.get(path).status_code == 404  # in progress

    assert services.complete(transcription_id=cdr.transcription.pk)
    assert not services.complete(transcription_id=cdr.transcription.pk)  # once only
    assert sandbox.get(path).json()["status"] == "completed"
    assert [(p.url, p.json) for p in catcher.posts] == [
        (hook, {"uuid": str(cdr.call_id), "status": "completed"})
    ]


def test_retranscribe_refuses_a_call_without_recording(sandbox):
    cdr = _call(sandbox.account)
    cdr.duration = 0
    cdr.save()
    answer = sandbox.put(f"/v1/cdrs/{cdr.call_id}/retranscribe", json={})
    assert answer.status_code == 404 and answer.json()["message"] == "Recording not found"


def _search(sandbox, transcription, direction="placed"):
    body = {**_week(), "type": direction, "page": 1, "per_page": 50}
    body["transcription"] = {"agent": {}, "client": {}, "any": {}, **transcription}
    answer = sandbox.post("/v1/cdrs", json=body).json()
    return {item["call_id"] for item in answer["items"]}


def _call_about(account, topic, **kwargs):
    while True:
        cdr = _call(account, **kwargs)
        if speech.topic(str(cdr.call_id)) == topic:
            return cdr
        cdr.delete()


def test_search_honours_must_match_and_exclude_per_speaker(sandbox):
    billing = str(_call_about(sandbox.account, "billing").call_id)
    dental = str(_call_about(sandbox.account, "appointment").call_id)
    untranscribed = str(_call_about(sandbox.account, "billing", transcribed=False).call_id)

    # "charged twice" is said by the client only; "refund" by the agent only.
    assert _search(sandbox, {"client": {"must": ["Charged TWICE"]}}) == {billing}
    assert _search(sandbox, {"agent": {"must": ["charged twice"]}}) == set()
    assert _search(sandbox, {"client": {"must": ["invoice"], "exclude": ["refund"]}}) == {billing}
    assert _search(sandbox, {"any": {"must": ["invoice", "refund"]}}) == {billing}
    assert _search(sandbox, {"any": {"match": ["appointment", "refund"]}}) == {billing, dental}
    assert _search(sandbox, {"any": {"exclude": ["refund"]}}) == {dental}
    assert untranscribed not in _search(sandbox, {})
    assert _search(sandbox, {}, direction="received") == set()


def test_search_pages_through_its_hits(sandbox):
    for _ in range(3):
        _call(sandbox.account)
    body = {**_week(), "type": "placed", "page": 2, "per_page": 2}
    answer = sandbox.post("/v1/cdrs", json=body).json()
    assert answer["pagination"] == {"current_page": 2, "per_page": 2, "total": 3, "total_pages": 2}
    assert len(answer["items"]) == 1


def test_byte_ranges_are_bounded_by_the_file():
    assert speech.byte_range("bytes=0-", 10) == (0, 9)
    assert speech.byte_range("bytes=-4", 10) == (6, 9)
    assert speech.byte_range("bytes=5-50", 10) == (5, 9)
    assert speech.byte_range("bytes=10-", 10) is None
    assert speech.byte_range("bytes=0-1,4-5", 10) is None
    assert speech.byte_range("items=0-1", 10) is None
