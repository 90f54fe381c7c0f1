"""The shared limiter at 5 and 50 messages per second, within ±5%, in two ways:

- the limiter alone: 2 processes take slots of one key from it (Redis, as the workers do)
  as fast as they can over the window: what the limiter lets through;
- end to end: a channel at that rate, sent by 2 real worker processes (PostgreSQL, Redis) to
  the sandbox, measured by the messages' accepted times. Where the machine cannot send that
  fast at all (the sandbox answering over loopback on a busy machine), the figure is the
  sending capacity, not the limiter: the plain-loop figure of bench/messaging_throughput.py
  says which.

    bin/bench bench/messaging_rate.py                        # 60 s windows
    BENCH_SECONDS=15 bin/bench bench/messaging_rate.py       # a quick run
"""

import multiprocessing
import os
import sys
import time
import uuid

from _messaging import (
    connection,
    purge_broker,
    queue_bulk,
    sandbox_channel,
    serve,
    start_worker,
    stop,
)
from django.test.utils import setup_databases, teardown_databases
from django.utils import timezone

from messaging.models import Message, Outbox
from messaging.services.outbox import outbox_kick
from portal.wavix.client import close_sessions

SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
RATES = (5, 50)
WARM_UP = 3.0  # seconds before the window opens (the workers' first claims)


def _take_slots(url: str, key: str, per_second: float, start_at: float, out) -> None:
    from messaging.rate import RedisLimiter

    limiter, taken = RedisLimiter(url), 0
    time.sleep(max(0.0, start_at - time.time()))  # both start at the same moment
    deadline = start_at + SECONDS
    while time.time() < deadline:
        wait = limiter.slot_wait(key, per_second)
        if wait:
            time.sleep(min(wait, max(0.0, deadline - time.time())))
        else:
            taken += 1
    out.put(taken)


def measure_limiter(per_second: int) -> None:
    from django.conf import settings

    ctx = multiprocessing.get_context("spawn")
    out, key, start_at = ctx.Queue(), f"bench:{uuid.uuid4().hex}", time.time() + 5
    processes = [
        ctx.Process(target=_take_slots, args=(settings.REDIS_URL, key, per_second, start_at, out))
        for _ in range(2)
    ]
    for p in processes:
        p.start()
    counts = [out.get(timeout=SECONDS + 60) for _ in processes]
    for p in processes:
        p.join()
    measured = sum(counts) / SECONDS
    off = 100 * (measured - per_second) / per_second
    print(
        f"limiter alone, {per_second}/s, 2 processes, {SECONDS:.0f} s: {sum(counts):,} slots "
        f"({' + '.join(map(str, counts))}), {measured:.2f}/s ({off:+.1f}%, "
        f"{'within' if abs(off) <= 5 else 'OUTSIDE'} ±5%)"
    )


def measure(base_url: str, per_second: int) -> None:
    channel, _, sender = sandbox_channel(base_url, rate=per_second)
    # More than the window can take, so the rate (not the queue) is what limits.
    queue_bulk(channel, sender, int(per_second * (SECONDS + WARM_UP + 5) * 1.2) + 20)
    purge_broker()
    workers = [start_worker(f"rate{per_second}-{n}") for n in range(2)]
    try:
        time.sleep(6)  # the workers start
        outbox_kick(channel_id=channel.pk)
        time.sleep(WARM_UP)
        opened = timezone.now()
        time.sleep(SECONDS)
        closed = timezone.now()
        sent = Message._base_manager.filter(
            channel=channel, accepted_at__gte=opened, accepted_at__lt=closed
        ).count()
    finally:
        for w in workers:
            stop(w)
        # What is left is not measured: it must not be sent by the next phase's workers.
        Outbox._base_manager.filter(channel=channel, status__in=["queued", "retrying"]).update(
            status="failed", error="benchmark over"
        )
    measured = sent / (closed - opened).total_seconds()
    off = 100 * (measured - per_second) / per_second
    verdict = "within" if abs(off) <= 5 else "OUTSIDE"
    print(
        f"end to end, {per_second}/s, 2 worker processes, {SECONDS:.0f} s: {sent:,} sent, "
        f"{measured:.2f}/s ({off:+.1f}%, {verdict} ±5%)"
    )


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/messaging_rate.py needs PostgreSQL; bin/bench starts one.")
    old = setup_databases(verbosity=0, interactive=False)
    server = None
    try:
        base_url, server = serve()
        for per_second in RATES:
            measure_limiter(per_second)
        for per_second in RATES:
            measure(base_url, per_second)
    finally:
        close_sessions()
        if server is not None:
            server.shutdown()
            server.server_close()
        connection.close()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
