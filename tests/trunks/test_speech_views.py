"""Recordings, transcripts and speech search as a user meets them: the call list's and the call
page's marks, the transcript's turns, the recording played through the portal (with seeking),
a transcription asked for (its progress, a second ask joining it), the speech search's form
and results, the transcription webhook, and the API; another tenant's calls are a 404 and a
tenant's agent is refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from portal.models import AuditEntry
from sandbox.wavix.models import SandboxTranscription
from sandbox.wavix.services import speech as sandbox_speech
from trunks import speech
from trunks.models import Cdr, SpeechHit, SpeechSearch, Transcript, TranscriptionJob
from trunks.services import speech as services

from ..conftest import api_client, login, shown
from .speech import portal_call, sandbox_call

pytestmark = pytest.mark.django_db

TURN = re.compile(
    r'data-testid="turn" data-speaker="(\w+)">\s*'
    r'<span[^>]*data-testid="turn-time">([\d:]+)</span>\s*'
    r"<span[^>]*>(Agent|Client)</span>\s*<span>([^<]*)</span>"
)


def _url(name: str, call: Cdr, *more) -> str:
    return reverse(f"tenant:{name}", args=[call.tenant.slug, call.pk, *more])


def _transcribed(sandbox_account, tenant, **traits) -> Cdr:
    """A recorded call of `tenant` whose transcript the portal holds."""
    remote = sandbox_call(sandbox_account.sandbox, transcribed=True, **traits)
    call = portal_call(sandbox_account, remote, tenant=tenant, transcription="completed")
    with scopes_disabled():
        services.transcript_store(call=call, data=sandbox_speech.transcription_payload(remote))
    return call


def _jobs(call) -> list[TranscriptionJob]:
    with scopes_disabled():
        return list(TranscriptionJob.objects.filter(call=call))


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- the call's page --------------------------------------------------------------------------


def test_the_call_list_and_page_show_recorded_and_transcribed_and_the_turns(
    acme, world, sandbox_account
):
    call = _transcribed(sandbox_account, acme, topic="billing")
    plain = portal_call(
        sandbox_account, sandbox_call(sandbox_account.sandbox), tenant=acme, recorded=False
    )
    client = login(world.admin_a)

    listed = client.get(reverse("tenant:cdr_list", args=[acme.slug])).content.decode()
    rows = re.findall(r"<tr>.*?</tr>", listed, re.S)
    ours = next(r for r in rows if _url("cdr_detail", call) in r)
    other = next(r for r in rows if _url("cdr_detail", plain) in r)
    assert 'data-testid="recorded"' in ours and 'data-testid="transcribed"' in ours
    assert 'data-testid="recorded"' not in other and 'data-testid="transcribed"' not in other

    page = client.get(_url("cdr_detail", call)).content.decode()
    assert shown(page, "transcription-state") == "Transcribed"
    assert f'src="{_url("cdr_recording", call)}" data-testid="recording"' in page
    assert "wavix-sandbox" not in page  # Wavix's own address never reaches the browser
    turns = TURN.findall(page)
    with scopes_disabled():
        stored = Transcript.objects.get(call=call).turns
    assert len(turns) == len(stored) >= 2
    # The tenant's number speaks as the agent, the other side as the client, in time order.
    assert [(t[0], t[2]) for t in turns[:2]] == [("agent", "Agent"), ("client", "Client")]
    assert [t[1] for t in turns] == [speech.clock(t["start_ms"]) for t in stored]
    assert turns[-1][1] != "00:00"
    assert "invoice" in turns[1][3]
    assert "Transcribe again" in page
    assert 'data-testid="transcript-summary"' in page


def test_an_unrecorded_call_offers_no_transcription_and_refuses_one(acme, world, sandbox_account):
    call = portal_call(
        sandbox_account, sandbox_call(sandbox_account.sandbox), tenant=acme, recorded=False
    )
    client = login(world.admin_a)
    page = client.get(_url("cdr_detail", call)).content.decode()
    assert shown(page, "not-recorded") == "This call was not recorded."
    assert shown(page, "no-transcript") == "Only recorded calls can be transcribed."
    assert 'data-testid="transcribe-form"' not in page and "<audio" not in page

    answer = client.post(_url("cdr_transcribe", call), follow=True).content.decode()
    assert "This call was not recorded, so it cannot be transcribed." in answer
    assert _jobs(call) == []
    played = client.get(_url("cdr_recording", call))
    assert played.status_code == 404
    assert "This call was not recorded." in played.content.decode()


# --- the recording ----------------------------------------------------------------------------


def test_the_recording_streams_as_audio_and_seeks_with_a_range(acme, world, sandbox_account):
    call = _transcribed(sandbox_account, acme)
    client = login(world.admin_a)
    url = _url("cdr_recording", call)

    whole = client.get(url)
    data = _body(whole)
    assert whole.status_code == 200
    assert whole["Content-Type"] == "audio/wav"
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    assert int(whole["Content-Length"]) == len(data)
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Cache-Control"] == "private, no-store"
    assert not whole.has_header("Location")  # Wavix's file address stays in the portal

    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert _body(part) == data[100:200]

    # One listen from the start is one audit entry; a seek is not another listen.
    with scopes_disabled():
        listens = AuditEntry.objects.filter(message="Listened to the call's recording")
        assert listens.count() == 1


def test_a_recording_wavix_deleted_says_so(acme, world, sandbox_account):
    days = sandbox_speech.speech.RETENTION_DAYS + 5
    remote = sandbox_call(sandbox_account.sandbox, days_ago=days)
    call = portal_call(sandbox_account, remote, tenant=acme)
    played = login(world.admin_a).get(_url("cdr_recording", call))
    assert played.status_code == 410
    assert "deleted by the retention policy" in played.content.decode()


# --- who may see it ---------------------------------------------------------------------------


def test_another_tenants_call_recording_and_search_are_not_found(acme, world, sandbox_account):
    theirs = _transcribed(sandbox_account, world.b)
    with scopes_disabled():
        search = SpeechSearch.objects.create(
            tenant=world.b,
            date_from=dt.date(2026, 6, 1),
            date_to=dt.date(2026, 6, 1),
            direction="placed",
            criteria={"any": {"must": ["invoice"]}},
        )
    client = login(world.admin_a)
    slug = acme.slug
    for name in ("cdr_detail", "cdr_recording"):
        assert client.get(reverse(f"tenant:{name}", args=[slug, theirs.pk])).status_code == 404
    assert client.post(reverse("tenant:cdr_transcribe", args=[slug, theirs.pk])).status_code == 404
    detail = reverse("tenant:speech_search_detail", args=[slug, search.pk])
    assert client.get(detail).status_code == 404
    assert _jobs(theirs) == []

    api = api_client(world.admin_a, acme)
    base = f"/api/v1/tenants/{slug}"
    for path in (f"cdrs/{theirs.pk}/transcript/", f"cdrs/{theirs.pk}/recording/"):
        assert api.get(f"{base}/{path}").status_code == 404, path
    assert api.post(f"{base}/cdrs/{theirs.pk}/transcribe/", {}, format="json").status_code == 404
    assert api.get(f"{base}/speech-searches/{search.pk}/").status_code == 404
    assert api.get(f"{base}/speech-searches/{search.pk}/hits/").status_code == 404
    assert api.get(f"{base}/speech-searches/").json()["count"] == 0


def test_a_tenant_agent_can_neither_listen_transcribe_nor_search(acme, world, sandbox_account):
    call = _transcribed(sandbox_account, acme)
    client = login(world.agent_a)
    assert client.get(_url("cdr_detail", call)).status_code == 403
    assert client.get(_url("cdr_recording", call)).status_code == 403
    assert client.post(_url("cdr_transcribe", call)).status_code == 403
    assert client.get(reverse("tenant:speech_search", args=[acme.slug])).status_code == 403
    assert _jobs(call) == []

    api = api_client(world.agent_a, acme)
    base = f"/api/v1/tenants/{acme.slug}"
    assert api.get(f"{base}/cdrs/{call.pk}/transcript/").status_code == 403
    assert api.get(f"{base}/cdrs/{call.pk}/recording/").status_code == 403
    assert api.post(f"{base}/cdrs/{call.pk}/transcribe/", {}, format="json").status_code == 403
    body = {"date_from": "2026-06-01", "date_to": "2026-06-01", "direction": "placed"}
    body["criteria"] = {"any": {"must": ["invoice"]}}
    assert api.post(f"{base}/speech-searches/", body, format="json").status_code == 403


def test_a_system_administrator_plays_any_tenants_recording(acme, world, sandbox_account):
    call = _transcribed(sandbox_account, world.b)
    client = login(world.sysadmin)
    page = client.get(reverse("platform:cdr_detail", args=[call.pk])).content.decode()
    assert shown(page, "transcription-state") == "Transcribed"
    played = client.get(reverse("platform:cdr_recording", args=[call.pk]))
    assert played.status_code == 200 and _body(played)[:4] == b"RIFF"


# --- asking for a transcription ---------------------------------------------------------------


def test_asking_for_a_transcription_shows_its_progress_and_a_second_ask_joins_it(
    acme, world, sandbox_account, hold_task, wavix_later, django_capture_on_commit_callbacks
):
    held = hold_task("trunks.tasks", "transcribe_call")
    remote = sandbox_call(sandbox_account.sandbox, transcribed=False, topic="billing")
    call = portal_call(sandbox_account, remote, tenant=acme)
    client = login(world.admin_a)
    page = client.get(_url("cdr_detail", call)).content.decode()
    assert shown(page, "no-transcript") == "This call has not been transcribed yet."
    assert "Request transcription" in page

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(_url("cdr_transcribe", call), {"language": "en"}, follow=True)
    page = asked.content.decode()
    assert "Transcription requested: the transcript appears here when Wavix is done." in page
    assert 'data-testid="transcription-progress"' in page
    assert "Asking Wavix to transcribe the call" in page
    assert f'hx-get="{_url("cdr_detail", call)}" hx-trigger="every 2s"' in page
    assert 'data-testid="transcribe-form"' not in page  # no second button while it runs
    assert shown(page, "transcription-state") == "Requested"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("cdr_transcribe", call), {"language": "en"})
    assert len(_jobs(call)) == 1 and len(held.messages) == 1  # joined, not asked twice

    assert held.run_next() == "retrying"
    panel = client.get(_url("cdr_detail", call), HTTP_HX_REQUEST="true").content.decode()
    assert panel.startswith('<div id="transcript-panel"')  # the partial alone
    assert "Waiting for Wavix to finish the transcript" in panel

    sandbox_speech.complete(transcription_id=SandboxTranscription.objects.get(cdr=remote).pk)
    assert held.run_next() == "succeeded"
    panel = client.get(_url("cdr_detail", call), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in panel  # finished: the page stops asking
    assert shown(panel, "transcription-state") == "Transcribed"  # the state follows
    assert [t[0] for t in TURN.findall(panel)][:2] == ["agent", "client"]
    assert "Transcribe again" in panel


def test_a_language_wavix_does_not_transcribe_is_refused_by_name(acme, world, sandbox_account):
    call = portal_call(sandbox_account, sandbox_call(sandbox_account.sandbox), tenant=acme)
    client = login(world.admin_a)
    answer = client.post(_url("cdr_transcribe", call), {"language": "xx"}, follow=True)
    assert "“xx” is not a language Wavix transcribes." in answer.content.decode()
    assert _jobs(call) == []


# --- the transcription webhook ----------------------------------------------------------------


def test_the_webhook_refuses_an_unknown_address_and_a_malformed_body(acme, sandbox_account):
    call = portal_call(sandbox_account, sandbox_call(sandbox_account.sandbox), tenant=acme)
    with scopes_disabled():
        job = services.transcription_request(call=call)
    hook = Client()  # Wavix's: no login
    url = reverse("trunk_hooks:transcription", args=[job.token])
    wrong = reverse("trunk_hooks:transcription", args=["not-the-token"])

    body = '{"uuid": "x", "status": "completed"}'
    assert hook.post(wrong, body, content_type="application/json").status_code == 404
    cases = [
        ("not json", "must be a JSON object"),
        ('["completed"]', "is not one of completed, failed"),
        ('{"status": "done"}', "“done” is not one of completed, failed"),
        ('{"status": "\x00"}', "must be a JSON object"),  # a raw control character
        ('{"status": "\\u0000"}', "is not one of completed, failed"),
        ("\xff".encode("latin-1"), "must be a JSON object"),
    ]
    for raw, message in cases:
        answer = hook.post(url, raw, content_type="application/json")
        assert answer.status_code == 400, raw
        assert message in answer.json()["error"], raw
    huge = hook.post(url, "x" * (9 * 1024), content_type="application/json")
    assert huge.status_code == 413
    assert hook.get(url).status_code == 405
    with scopes_disabled():
        job.refresh_from_db()
    assert job.webhook_status == ""  # nothing stored from any of them

    assert hook.post(url, body, content_type="application/json").json() == {"ok": True}
    with scopes_disabled():
        job.refresh_from_db()
    assert job.webhook_status == "completed"


# --- speech search ----------------------------------------------------------------------------


def _search_form(**fields) -> dict:
    today = dt.date.today()
    return {
        "date_from": str(today - dt.timedelta(days=6)),
        "date_to": str(today),
        "direction": "placed",
        **fields,
    }


def _searches() -> int:
    with scopes_disabled():
        return SpeechSearch.objects.count()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {},
            None,
            "Give at least one word or phrase to look for: every box (all of, any of, none of) "
            "is empty.",
        ),
        ({"any_exclude": "  \n \n"}, None, "Give at least one word or phrase to look for"),
        (
            {"date_from": "2026-06-10", "date_to": "2026-06-01", "any_must": "invoice"},
            "date_to",
            "The end (2026-06-01) is before the start.",
        ),
        (
            {"date_from": "2026-01-01", "date_to": "2026-06-01", "any_must": "invoice"},
            "date_to",
            "152 days is too long: search 92 days at most.",
        ),
        (
            {"client_must": "a" * 101},
            "client_must",
            "Said by the client: all of (“aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa”): "
            "each line must be at most 100 characters.",
        ),
        (
            {"agent_match": "\n".join(f"w{i}" for i in range(21))},
            "agent_match",
            "Said by the agent: any of (“21”): must be at most 20 words or phrases.",
        ),
        (
            {"any_must": "x" * 5000},
            "any_must",
            "Ensure this value has at most 2040 characters (it has 5000).",
        ),
        ({"any_must": "in\x00voice"}, "any_must", "Null characters are not allowed."),
        ({"any_must": "invoice", "date_from": "2026-02-30"}, "date_from", "Enter a valid date."),
        ({"any_must": "invoice", "direction": "sideways"}, "direction", "Select a valid choice."),
    ],
)
def test_the_search_form_names_what_is_wrong_and_starts_nothing(
    acme, world, fields, field, message
):
    response = login(world.admin_a).post(
        reverse("tenant:speech_search", args=[acme.slug]), _search_form(**fields)
    )
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field or "__all__", [])
    assert any(message in e for e in errors), form.errors
    assert message.split("“")[0] in response.content.decode().replace("&#x27;", "'")
    assert _searches() == 0


def test_a_search_shows_only_the_tenants_calls_with_the_words_marked(
    acme, world, sandbox_account, eager_celery, django_capture_on_commit_callbacks
):
    sandbox = sandbox_account.sandbox
    ours = portal_call(sandbox_account, sandbox_call(sandbox, topic="billing"), tenant=acme)
    theirs = portal_call(sandbox_account, sandbox_call(sandbox, topic="billing"), tenant=world.b)
    dental = portal_call(sandbox_account, sandbox_call(sandbox, topic="appointment"), tenant=acme)
    client = login(world.admin_a)

    form = _search_form(client_must="Invoice", any_exclude="cleaning")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tenant:speech_search", args=[acme.slug]), form)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()

    assert "the client said all of “Invoice”" in shown_text(page, "search-summary")
    assert "anyone said none of “cleaning”" in shown_text(page, "search-summary")
    assert "1 call found." in page
    links = re.findall(r'href="([^"]+)" data-testid="hit-link"', page)
    assert links == [_url("cdr_detail", ours)]
    for other in (theirs, dental):
        assert f"/calls/{other.pk}/" not in page
    lines = re.findall(r'data-testid="hit-line">(.*?)</li>', page, re.S)
    assert lines and all("Client" in line for line in lines)
    assert re.search(r"<mark>invoice</mark>", lines[0], re.I)
    assert "hx-trigger" not in page  # done: no more polling

    recent = client.get(reverse("tenant:speech_search", args=[acme.slug])).content.decode()
    assert "Invoice" in shown_text(recent, "recent-searches") and "1 call)" in recent


def test_a_transcript_cannot_inject_markup_into_the_results(acme, world, sandbox_account):
    call = _transcribed(sandbox_account, acme, topic="billing")
    with scopes_disabled():
        transcript = Transcript.objects.get(call=call)
        transcript.turns[1]["text"] = "<script>alert(1)</script> about my invoice"
        transcript.save()
        search = SpeechSearch.objects.create(
            tenant=acme,
            date_from=call.started_at.date(),
            date_to=call.started_at.date(),
            direction="placed",
            criteria={"client": {"must": ["invoice"]}},
            status="succeeded",
            hit_count=1,
        )
        SpeechHit.objects.create(tenant=acme, search=search, call=call, phrases=["invoice"])
    page = login(world.admin_a).get(
        reverse("tenant:speech_search_detail", args=[acme.slug, search.pk])
    )
    html = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; about my <mark>invoice</mark>" in html
    assert "<script>alert(1)" not in html


def shown_text(page: str, test_id: str) -> str:
    """The text of the element marked `data-testid=…`, tags dropped."""
    match = re.search(rf'data-testid="{test_id}">(.*?)</(p|ul|div)>', page, re.S)
    assert match, test_id
    return re.sub(r"<[^>]+>", "", match.group(1))


# --- the API ----------------------------------------------------------------------------------


def test_the_api_reads_a_transcript_and_asks_for_one(
    acme, world, sandbox_account, hold_task, wavix_later, django_capture_on_commit_callbacks
):
    done = _transcribed(sandbox_account, acme, topic="billing")
    waiting = portal_call(
        sandbox_account, sandbox_call(sandbox_account.sandbox, transcribed=False), tenant=acme
    )
    api = api_client(world.admin_a, acme)
    base = f"/api/v1/tenants/{acme.slug}/cdrs"

    transcript = api.get(f"{base}/{done.pk}/transcript/").json()
    assert [t["speaker"] for t in transcript["turns"]][:2] == ["agent", "client"]
    assert transcript["turns"][0]["start_ms"] <= transcript["turns"][1]["start_ms"]
    assert transcript["call"] == done.pk and transcript["summary"]
    missing = api.get(f"{base}/{waiting.pk}/transcript/")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "This call has no transcript in the portal yet."

    held = hold_task("trunks.tasks", "transcribe_call")
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(f"{base}/{waiting.pk}/transcribe/", {"language": "de"}, format="json")
        again = api.post(f"{base}/{waiting.pk}/transcribe/", {}, format="json")
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["status"] == "queued" and first.json()["language"] == "de"
    assert len(held.messages) == 1
    bad = api.post(f"{base}/{done.pk}/transcribe/", {"language": "xx"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["errors"]["language"] == ['"xx" is not a valid choice.']

    played = api.get(f"{base}/{done.pk}/recording/", HTTP_RANGE="bytes=0-99")
    assert played.status_code == 206 and played["Content-Type"] == "audio/wav"
    assert len(_body(played)) == 100


def test_the_api_creates_lists_and_reads_speech_searches(
    acme, world, sandbox_account, eager_celery, django_capture_on_commit_callbacks
):
    sandbox = sandbox_account.sandbox
    ours = portal_call(sandbox_account, sandbox_call(sandbox, topic="billing"), tenant=acme)
    portal_call(sandbox_account, sandbox_call(sandbox, topic="billing"), tenant=world.b)
    api = api_client(world.admin_a, acme)
    base = f"/api/v1/tenants/{acme.slug}/speech-searches/"
    day = str(ours.started_at.date())
    body = {"date_from": day, "date_to": day, "direction": "placed"}

    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(
            base, {**body, "criteria": {"client": {"must": ["invoice"]}}}, format="json"
        )
    assert created.status_code == 202, created.json()
    pk = created.json()["id"]
    detail = api.get(f"{base}{pk}/").json()
    assert detail["status"] == "succeeded" and detail["hit_count"] == 1
    hits = api.get(f"{base}{pk}/hits/").json()["results"]
    assert [h["call"]["id"] for h in hits] == [ours.pk]
    assert hits[0]["phrases"] == ["invoice"]
    assert [s["id"] for s in api.get(base).json()["results"]] == [pk]

    reversed_days = {"date_to": "2026-01-01", "date_from": "2026-01-05"}
    refusals = [
        ({"criteria": {"any": {"must": []}}}, "criteria", "Give at least one word or phrase"),
        ({"criteria": {"any": {"must": ["a" * 101]}}}, "criteria", "at most 100 characters"),
        ({"criteria": {"any": {"must": ["in\x00voice"]}}}, "criteria", "Null characters"),
        (
            {**reversed_days, "criteria": {"any": {"must": ["a"]}}},
            "date_to",
            "is before the start",
        ),
    ]
    for extra, field, message in refusals:
        refused = api.post(base, {**body, **extra}, format="json")
        assert refused.status_code == 400, extra
        errors = refused.json()["errors"]
        assert message in str(errors[field]), errors
    assert _searches() == 1
