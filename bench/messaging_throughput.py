"""Outbox throughput: messages from queued to "accepted by the sandbox" through 2 real worker
processes (PostgreSQL, Redis), against a plain loop of HTTP sends to the same sandbox in the
same run; and the workers' memory while a long queue drains (it must stay flat).

    bin/bench bench/messaging_throughput.py                      # 100,000 messages
    BENCH_MESSAGES=2000 bin/bench bench/messaging_throughput.py  # a quick run
"""

import os
import sys
import time
import uuid

from _messaging import (
    connection,
    done_count,
    purge_broker,
    queue_bulk,
    rss_mb,
    sandbox_channel,
    serve,
    start_worker,
    stop,
)
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from messaging.services.outbox import outbox_kick  # noqa: E402
from portal.wavix.client import WavixClient, close_sessions  # noqa: E402

MESSAGES = int(os.environ.get("BENCH_MESSAGES", "100000"))
BASELINE = min(MESSAGES, int(os.environ.get("BENCH_BASELINE", "1000")))
WORKERS = 2


def baseline(channel, sender) -> float:
    client = WavixClient.for_account(channel.wavix_account, max_retries=0)
    t0 = time.perf_counter()
    for n in range(BASELINE):
        client.send_message_once(
            sender=sender,
            to=f"1312666{1000 + n % 9000:04d}",
            text="Plain loop",
            tag=uuid.uuid4().hex,
        )
    return BASELINE / (time.perf_counter() - t0)


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/messaging_throughput.py needs PostgreSQL; bin/bench starts one.")
    old = setup_databases(verbosity=0, interactive=False)
    server, workers = None, []
    try:
        base_url, server = serve()
        channel, _, sender = sandbox_channel(base_url, rate=10_000)
        plain = baseline(channel, sender)
        print(f"plain loop of HTTP sends: {BASELINE:,} in a row, {plain:,.1f} messages/s")

        purge_broker()
        workers = [start_worker(f"throughput{n}") for n in range(WORKERS)]
        time.sleep(6)  # the workers start (not measured)
        t0 = time.perf_counter()
        queue_bulk(channel, sender, MESSAGES)
        queued = time.perf_counter() - t0
        outbox_kick(channel_id=channel.pk)
        memory, last_sample = [], 0.0
        while (done := done_count(channel)) < MESSAGES:
            if any(w.poll() is not None for w in workers):
                sys.exit("a worker exited; see var/bench-throughput*.log")
            now = time.perf_counter()
            if now - last_sample >= 2:
                memory.append((done, [rss_mb(w.pid) for w in workers]))
                last_sample = now
            time.sleep(0.2)
        elapsed = time.perf_counter() - t0
        rate = MESSAGES / elapsed
        print(
            f"outbox, {WORKERS} workers: {MESSAGES:,} messages queued in {queued:.1f} s and "
            f"accepted after {elapsed:.1f} s: {rate:,.1f} messages/s end to end, "
            f"{rate / plain:.2f}x the plain loop (target: at least 0.5x)"
        )
        if memory:
            print(f"worker memory (MB RSS), {len(memory)} samples while the queue drained:")
            for i in range(WORKERS):
                samples = [m[1][i] for m in memory]
                half = samples[len(samples) // 2]
                print(
                    f"  worker {i + 1}: first {samples[0]:.0f}, middle {half:.0f}, "
                    f"last {samples[-1]:.0f}, peak {max(samples):.0f}"
                )
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
