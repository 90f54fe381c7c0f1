"""A tenant admin meets recordings, transcripts and speech search in real Chromium, with a real
Celery worker and the Wavix sandbox served by the same live server over HTTP: a recorded call
plays through the portal (and seeks), a transcription asked for shows its progress and then
the turns without a reload (Wavix's webhook wakes the job), and a speech search finds the call
by what the client said, its words marked, linking back to the call."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from portal.celery import app
from portal.services import wavix_account_save
from sandbox.wavix.accounts import account_for_key
from sandbox.wavix.seed import seed_catalogue
from tests.trunks.speech import portal_call, sandbox_call
from trunks.models import Transcript

from .test_roles import heading, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.worker]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def wavix(live_server, settings):
    """The default Wavix account is the sandbox on the live server; tasks go to the broker
    (not eager), for the worker."""
    settings.WAVIX_SANDBOX_ENABLED = True
    settings.PORTAL_BASE_URL = live_server.url
    seed_catalogue()
    return wavix_account_save(
        name="Sandbox",
        base_url=f"{live_server.url}/wavix-sandbox",
        auth_mode="bearer",
        api_key=settings.WAVIX_SANDBOX_API_KEY,
        is_default=True,
    )


@pytest.fixture
def worker(transactional_db, live_server):
    """A real Celery worker on the test database and the run's broker; Wavix's webhook
    addresses it builds lead to the live server."""
    app.control.purge()  # no message left by an earlier run
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "PORTAL_BASE_URL": live_server.url,
        "WAVIX_SANDBOX_ENABLED": "true",
        # Far off: a transcript seen sooner came by Wavix's webhook waking the job.
        "TRANSCRIPTION_POLL_SECONDS": "120",
    }
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_a_call_is_played_transcribed_and_found_by_what_the_client_said(
    page: Page, live_server, wavix, worker, world, screenshot
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database over PostgreSQL")
    sandbox = account_for_key(settings.WAVIX_SANDBOX_API_KEY)
    remote = sandbox_call(sandbox, transcribed=False, topic="billing")
    call = portal_call(wavix, remote, tenant=world.a)
    # Found by Wavix's search too, but excluded by a word its client said.
    dental = sandbox_call(sandbox, transcribed=True, topic="appointment")
    portal_call(wavix, dental, tenant=world.a)
    # The same words in another tenant's call: never shown to Acme.
    portal_call(wavix, sandbox_call(sandbox, transcribed=True, topic="billing"), tenant=world.b)

    log_in(page, live_server.url, world.admin_a)
    page.locator("nav [data-nav=tenant]").get_by_role("link", name="Call records").click()
    row = page.get_by_test_id("cdr-table").locator("tr", has=page.get_by_test_id("recorded"))
    expect(row).to_have_count(2)  # Acme's two calls, not Globex's
    page.goto(f"{live_server.url}/t/{world.a.slug}/calls/{call.pk}/")
    expect(heading(page)).to_contain_text("Call of")

    # The recording plays through the portal and seeks (a Range request passed on to Wavix).
    audio = page.get_by_test_id("recording")
    page.wait_for_function(
        "el => el.readyState >= 1 && el.duration > 0", arg=audio.element_handle()
    )
    assert 3.5 <= audio.evaluate("el => el.duration") <= 4.5  # the sandbox's 4-second file
    seeked = audio.evaluate(
        """el => new Promise(done => {
            el.addEventListener('seeked', () => done(el.currentTime), {once: true});
            el.currentTime = 2.5;
        })"""
    )
    assert seeked == pytest.approx(2.5, abs=0.1)
    assert not audio.get_attribute("src").startswith(wavix.base_url)

    # Asked for, the transcript arrives in place: progress first, then the turns.
    panel = page.get_by_test_id("transcript-panel")
    expect(panel.get_by_test_id("no-transcript")).to_have_text(
        "This call has not been transcribed yet."
    )
    page.get_by_label("Language").select_option("en")
    page.get_by_test_id("transcribe").click()
    expect(page.locator(".alert-success")).to_contain_text("Transcription requested")
    expect(page.get_by_test_id("transcription-progress")).to_be_visible()
    expect(page.get_by_test_id("transcription-state")).to_have_text(
        re.compile("Requested|In progress")  # the worker may have asked Wavix already
    )
    turns = page.get_by_test_id("turn")
    expect(turns.first).to_be_visible(timeout=30_000)
    expect(turns).to_have_count(6)
    expect(turns.nth(0)).to_have_attribute("data-speaker", "agent")
    expect(turns.nth(1)).to_have_attribute("data-speaker", "client")
    expect(turns.nth(1)).to_contain_text("Hello, I have a question about my last invoice.")
    expect(turns.nth(1).get_by_test_id("turn-time")).to_have_text("00:15")
    expect(page.get_by_test_id("transcribe")).to_have_text("Transcribe again")
    expect(page.get_by_test_id("transcription-state")).to_have_text("Transcribed")
    with scopes_disabled():
        assert Transcript.objects.filter(call=call).exists()
    screenshot("speech-call-transcribed")

    # The search: the client said "thank you", nobody said "cleaning".
    page.locator("nav [data-nav=tenant]").get_by_role("link", name="Speech search").click()
    expect(heading(page)).to_have_text("Speech search")
    day = remote.date.date()
    page.get_by_label("From").fill(str(day - dt.timedelta(days=1)))
    page.get_by_label("To").fill(str(day))
    page.get_by_label("Calls").select_option("placed")
    page.get_by_label("Said by the client: all of").fill("Thank you")
    page.get_by_label("Said by anyone: none of").fill("cleaning")
    page.get_by_test_id("speech-search-submit").click()
    hits = page.get_by_test_id("hit")
    expect(page.get_by_test_id("job-note")).to_have_text("1 call found.", timeout=30_000)
    expect(hits).to_have_count(1)
    line = hits.get_by_test_id("hit-line")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("Client")
    expect(line.locator("mark")).to_have_text("Thank you")

    screenshot("speech-search-results")
    hits.get_by_test_id("hit-link").click()
    expect(page).to_have_url(f"{live_server.url}/t/{world.a.slug}/calls/{call.pk}/")
    expect(page.get_by_test_id("turn")).to_have_count(6)
