"""The fault run, small: a few hundred messages through the outbox to the Wavix sandbox over
real HTTP (the live server), two pumps at once, with the sandbox failing about 30% of requests
(5xx, 429 with Retry-After, and timeouts after the request was applied). Every message ends
accepted, none is lost, and the sandbox, which counts the sends per tag, took each exactly
once. The full-size run (10,000 messages) is bench/messaging_faults.py."""

import threading
import time
import uuid

import pytest
from django.db import connections
from django_scopes import scopes_disabled

from messaging.models import Channel, Message, Outbox
from messaging.services.outbox import OutboxRunner, outbox_pump
from portal.services import wavix_account_save
from portal.wavix.client import close_sessions
from sandbox.wavix.accounts import account_for_key
from sandbox.wavix.faults import faults_set
from sandbox.wavix.seed import seed_account
from sandbox.wavix.selectors import sends_per_tag
from tests.messaging.test_outbox import queue

MESSAGES = 200


@pytest.fixture
def live_wavix(live_server, settings, transactional_db, monkeypatch):
    """The sandbox on the live server, reached over HTTP as Wavix would be."""
    settings.WAVIX_SANDBOX_ENABLED = True
    # The carrier's later steps (sent, delivered) are not under test here.
    monkeypatch.setattr("sandbox.wavix.services.messaging._enqueue_progress", lambda pk: None)
    account = wavix_account_save(
        name="Sandbox",
        base_url=f"{live_server.url}/wavix-sandbox",
        auth_mode="bearer",
        api_key=settings.WAVIX_SANDBOX_API_KEY,
    )
    sandbox = account_for_key(settings.WAVIX_SANDBOX_API_KEY)
    seed_account(account=sandbox, purchased=3)
    yield account, sandbox
    close_sessions()


def pumps(channel_id: int, until: float, workers: int = 2) -> None:
    def work():
        try:
            while time.monotonic() < until:
                OutboxRunner.sweep()
                active = Outbox.objects.filter(
                    channel_id=channel_id, status__in=["queued", "running", "retrying"]
                )
                if not active.exists():
                    return
                if outbox_pump(channel_id=channel_id, seconds=3) == 0:
                    time.sleep(0.1)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_with_30_percent_faults_every_message_goes_exactly_once(live_wavix, settings, hold_task):
    account, sandbox = live_wavix
    hold_task("messaging.tasks", "pump_channel")  # the test runs the pumps itself
    settings.WAVIX_TIMEOUT_SECONDS = 0.3
    settings.MESSAGING_RETRY_SCHEDULE = (0.2, 0.5, 1)
    settings.MESSAGING_RETRY_THEN = 1
    settings.MESSAGING_UNKNOWN_SETTLE_SECONDS = 1.0
    channel = Channel.objects.create(
        name=f"Wavix {uuid.uuid4().hex[:6]}", kind="wavix", wavix_account=account, rate=200
    )
    sender = sandbox.numbers.filter(sms_enabled=True, status="active").first().number
    messages = [
        queue(channel, recipient=f"1312555{n:04d}", sender=sender)
        for n in range(1000, 1000 + MESSAGES)
    ]
    faults_set(
        account=sandbox,
        timeout_rate=0.1,
        timeout_seconds=0.5,
        rate_limit_rate=0.1,
        retry_after=1,
        error_rate=0.1,
        error_status=503,
        seed=20261201,
    )

    started = time.monotonic()
    pumps(channel.pk, until=started + 80)
    elapsed = time.monotonic() - started

    with scopes_disabled():
        statuses = dict(Message.objects.filter(channel=channel).values_list("tag", "status"))
    tags = [m.tag for m in messages]
    sends = sends_per_tag(sandbox, tags)
    left = list(
        Outbox.objects.filter(channel=channel)
        .exclude(status="succeeded")
        .values_list("status", "attempt", "due_at", "unknown_since", "error")
    )
    assert not left, f"not all done after {elapsed:.0f} s: {left}"
    print(f"fault run: {MESSAGES} messages in {elapsed:.1f} s")
    assert all(statuses[t] == "accepted" for t in tags)  # none lost, every one final here
    assert sorted(set(sends.values())) == [1] and len(sends) == MESSAGES  # none sent twice
    retried = Outbox.objects.filter(channel=channel, attempt__gt=1).count()
    assert retried > MESSAGES * 0.2  # the faults really happened
