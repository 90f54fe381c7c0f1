"""A real worker killed with SIGKILL in the middle of sending loses nothing and doubles
nothing: the send it had in flight is taken up by the sweep as an unknown outcome, looked up
by its tag, and a fresh worker sends the rest. Workers are real Celery processes on the test
run's Redis and database; Wavix is the sandbox on the live server."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_scopes import scopes_disabled

from messaging.models import Channel, Message, Outbox
from messaging.services.outbox import outbox_tick
from sandbox.wavix.faults import faults_set
from sandbox.wavix.selectors import sends_per_tag
from tests.messaging.test_fault_run import live_wavix  # noqa: F401 - the fixture
from tests.messaging.test_outbox import queue

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 20


def start_worker() -> subprocess.Popen:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "WAVIX_SANDBOX_ENABLED": "false",
        "MESSAGING_LEASE_SECONDS": "3",
        "MESSAGING_UNKNOWN_SETTLE_SECONDS": "1",
        "MESSAGING_RETRY_SCHEDULE": "0.5",
        "MESSAGING_RETRY_THEN": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo"]
        + ["--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=WARNING"]
        + ["-n", f"outbox-{uuid.uuid4().hex[:6]}@%h"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(predicate, seconds: float, tick: bool = False) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if tick:
            outbox_tick()  # the minute's beat, every half second here
        if predicate():
            return True
        time.sleep(0.5)
    return False


@pytest.mark.worker
def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(live_wavix):  # noqa: F811
    account, sandbox = live_wavix
    channel = Channel.objects.create(
        name=f"Wavix {uuid.uuid4().hex[:6]}", kind="wavix", wavix_account=account, rate=100
    )
    sender = sandbox.numbers.filter(sms_enabled=True, status="active").first().number
    faults_set(account=sandbox, latency_ms=300)  # each send takes a while: one is in flight
    workers = [start_worker()]
    try:
        time.sleep(4)  # the worker starts
        messages = [
            queue(channel, recipient=f"1312555{n:04d}", sender=sender)
            for n in range(2000, 2000 + MESSAGES)
        ]
        with scopes_disabled():
            accepted = Message.objects.filter(channel=channel, status="accepted")
            assert wait_for(lambda: accepted.count() >= 3, 30), "the worker sent nothing"
        # Kill the worker while a send is in flight (each takes 300 ms, so the window between
        # seeing the claimed row and the signal landing is a small part of it).
        running = Outbox.objects.filter(channel=channel, status="running")
        deadline = time.monotonic() + 10
        while not running.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        workers[0].send_signal(signal.SIGKILL)
        in_flight = running.count()
        workers[0].wait()
        workers.append(start_worker())

        def all_accepted():
            with scopes_disabled():
                return accepted.count() == MESSAGES

        assert wait_for(all_accepted, 60, tick=True), "not every message was sent"
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=20)
    sends = sends_per_tag(sandbox, [m.tag for m in messages])
    assert len(sends) == MESSAGES and set(sends.values()) == {1}
    assert in_flight == 1  # the kill did land in the middle of a send
