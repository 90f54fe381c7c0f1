"""The fault run: messages through 2 real worker processes (PostgreSQL, Redis) to the Wavix
sandbox failing 30% of requests (10% 5xx, 10% 429 with Retry-After, 10% timeouts after the
request was applied), with one worker killed by SIGKILL mid-batch and a fresh one started.
The sandbox counts the sends per tag: 0 lost, 0 sent twice, every message final.

    bin/bench bench/messaging_faults.py                       # 10,000 messages
    BENCH_MESSAGES=500 bin/bench bench/messaging_faults.py    # a quick run
"""

import os
import signal
import sys
import time

from _messaging import (
    connection,
    done_count,
    purge_broker,
    queue_bulk,
    sandbox_channel,
    serve,
    start_worker,
    stop,
)
from django.test.utils import setup_databases, teardown_databases

from messaging.models import Message, Outbox
from messaging.services.outbox import outbox_tick
from portal.wavix.client import close_sessions
from sandbox.wavix.faults import faults_set
from sandbox.wavix.selectors import sends_per_tag

MESSAGES = int(os.environ.get("BENCH_MESSAGES", "10000"))
DEADLINE = float(os.environ.get("BENCH_DEADLINE_SECONDS", str(120 + MESSAGES / 5)))
# The workers' outbox, made quick: short retries, a short settle window and lease, a short
# client timeout (the sandbox holds a timed-out answer back for longer).
WORKER_ENV = {
    "MESSAGING_RETRY_SCHEDULE": "0.5,1,2",
    "MESSAGING_RETRY_THEN": "2",
    "MESSAGING_UNKNOWN_SETTLE_SECONDS": "2",
    "MESSAGING_LEASE_SECONDS": "10",
    "WAVIX_TIMEOUT_SECONDS": "1",
}


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/messaging_faults.py needs PostgreSQL; bin/bench starts one.")
    old = setup_databases(verbosity=0, interactive=False)
    server, workers = None, []
    try:
        base_url, server = serve()
        channel, sandbox, sender = sandbox_channel(base_url, rate=1000)
        tags = queue_bulk(channel, sender, MESSAGES)
        faults_set(
            account=sandbox,
            error_rate=0.1,
            error_status=503,
            rate_limit_rate=0.1,
            retry_after=1,
            timeout_rate=0.1,
            timeout_seconds=1.5,
        )
        purge_broker()
        workers = [start_worker(f"faults{n}", **WORKER_ENV) for n in range(2)]
        time.sleep(6)
        t0 = time.monotonic()
        killed = None
        while time.monotonic() - t0 < DEADLINE:
            outbox_tick()  # the minute's beat, every second here: sweep, expire, kick
            done = done_count(channel)
            if done >= MESSAGES:
                break
            if killed is None and done >= MESSAGES // 3:
                victim = workers[0]
                running = Outbox._base_manager.filter(channel=channel, status="running").count()
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                killed = (done, running)
                workers[0] = start_worker("faults-restarted", **WORKER_ENV)
            time.sleep(1)
        elapsed = time.monotonic() - t0
        faults_set(account=sandbox)
        sends = sends_per_tag(sandbox, tags)
        statuses = dict(Message._base_manager.filter(channel=channel).values_list("tag", "status"))
        lost = sum(1 for t in tags if sends.get(t, 0) == 0)
        doubled = sum(1 for t in tags if sends.get(t, 0) > 1)
        unfinished = sum(1 for t in tags if statuses.get(t) != "accepted")
        retried = Outbox._base_manager.filter(channel=channel, attempt__gt=1).count()
        print(
            f"{MESSAGES:,} messages, 30% of requests failing, 2 workers: {elapsed:.0f} s; "
            f"{retried:,} needed more than one attempt"
        )
        if killed:
            print(
                f"  worker 1 killed (SIGKILL) after {killed[0]:,} were done, "
                f"{killed[1]} sends in flight; a fresh worker started"
            )
        print(
            f"  lost (never reached the sandbox): {lost}; sent twice: {doubled}; "
            f"not final (accepted): {unfinished}"
        )
        if lost or doubled or unfinished:
            sys.exit(1)
    finally:
        for w in workers:
            stop(w)
        close_sessions()
        if server is not None:
            server.shutdown()
            server.server_close()
        connection.close()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
