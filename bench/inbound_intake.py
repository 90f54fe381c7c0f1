"""The inbound webhook's intake on gunicorn and PostgreSQL, against a no-op Django view on the
same server in the same run: requests per second and latency (p50, p99) for 10,000 inbound
messages posted by concurrent clients, then the routing tasks draining behind (2 real Celery
workers): every message stored once, routed into its conversation. Then hostile traffic:
wrong-token and outside-the-allowlist posts (0 stored), the same messages replayed and shuffled
(0 duplicates), delivery reports replayed out of order (statuses only move forward).

    bin/bench bench/inbound_intake.py                       # 10,000 messages
    BENCH_INBOUND=2000 bin/bench bench/inbound_intake.py     # a quick run
    BENCH_CONCURRENCY (16), BENCH_GUNICORN_WORKERS (one per core), BENCH_GUNICORN_THREADS (8),
    BENCH_DRAIN_DURING (1; 0: the workers start after the posts), BENCH_WORKER_NICE (10; 0:
    the workers compete with the web for the CPU as equals)

On one machine the workers share its cores with gunicorn, PostgreSQL and the clients; they run
at a lower CPU priority by default, as a deployment gives the web its own cores (README, at
scale), so the figures are the intake's while routing drains behind it.

The yardsticks are served under /hooks/ (bench/_intake_urls.py), on the webhooks' own
middleware stack as the intake is. Targets: intake at least 0.6x the no-op view's rate, p99
under 100 ms, 0 lost. A second yardstick, a view that writes the body as one row and answers,
shows what storing each message on its own before answering costs on the same machine. Each
phase also prints its CPU time per request by part (bench/_cpu.py: the web, PostgreSQL,
Redis, the workers, the clients), the steadier figure where the rates vary from run to run.
"""

import http.client
import json
import os
import random
import re
import runpy
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from _cpu import describe, per_request, snapshot
from _messaging import ROOT, database_url, purge_broker, start_worker, stop
from django.conf import settings
from django.core.management import call_command
from django.test.utils import setup_databases, teardown_databases
from django.utils import timezone
from django_scopes import scopes_disabled

from dids.services import pool_save
from messaging.models import (
    Channel,
    Conversation,
    Message,
    MessageEvent,
    MessageQueue,
    NumberRoute,
    WebhookEvent,
)
from portal.services import wavix_account_save
from tenants.services.tenants import tenant_create

MESSAGES = int(os.environ.get("BENCH_INBOUND", "10000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
# As gunicorn.conf.py starts it in production (a worker process per core, 8 threads each).
_PRODUCTION = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
GUNICORN_WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", _PRODUCTION["workers"]))
GUNICORN_THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", _PRODUCTION["threads"]))
CLIENT_PROCESSES = 2
# 1: the 2 workers route while the posts arrive (they share this machine's cores with gunicorn
# and the clients); 0: they start once the posts are in, so the intake is measured alone.
DRAIN_DURING = os.environ.get("BENCH_DRAIN_DURING", "1") == "1"
WORKER_NICE = int(os.environ.get("BENCH_WORKER_NICE", "10"))
OUR_NUMBER = "16468097065"
HOSTILE = min(1000, MESSAGES)


# --- the load: concurrent clients in 2 processes, one connection per request (gunicorn's sync
# workers close each connection), the latency of each request measured ---------------------


def _post_many(args) -> tuple[list[float], dict[int, int]]:
    host, port, items, threads = args
    latencies: list[float] = []
    codes: dict[int, int] = {}
    lock = threading.Lock()
    queue = list(reversed(items))

    def run():
        while True:
            with lock:
                if not queue:
                    return
                path, body, headers = queue.pop()
            started = time.perf_counter()
            conn = http.client.HTTPConnection(host, port, timeout=30)
            try:
                conn.request(
                    "POST", path, body=body, headers={"Content-Type": "application/json", **headers}
                )
                response = conn.getresponse()
                response.read()
                code = response.status
            except OSError:
                code = 0
            finally:
                conn.close()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                codes[code] = codes.get(code, 0) + 1

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return latencies, codes


def blast(base: str, items: list[tuple[str, bytes, dict]]) -> dict:
    host, port = base.removeprefix("http://").split(":")
    chunks = [items[i::CLIENT_PROCESSES] for i in range(CLIENT_PROCESSES)]
    threads = max(1, CONCURRENCY // CLIENT_PROCESSES)
    cpu = snapshot()
    started = time.perf_counter()
    with ProcessPoolExecutor(CLIENT_PROCESSES) as pool:
        results = list(pool.map(_post_many, [(host, int(port), c, threads) for c in chunks]))
    elapsed = time.perf_counter() - started
    cpu = per_request(cpu, snapshot(), len(items))
    latencies = sorted(x for lat, _ in results for x in lat)
    codes: dict[int, int] = {}
    for _, c in results:
        for code, n in c.items():
            codes[code] = codes.get(code, 0) + n
    return {
        "rate": len(items) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "codes": codes,
        "elapsed": elapsed,
        "cpu": cpu,
    }


def inbound_body(message_id: str, sender: str, text: str) -> bytes:
    return json.dumps(
        {
            "message_id": message_id,
            "from": sender,
            "to": OUR_NUMBER,
            "message_body": {"text": text, "media": None},
            "received_at": timezone.now().isoformat(),
        }
    ).encode()


# --- the server ------------------------------------------------------------------------------


def start_gunicorn(log: Path) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "_intake_settings",
        "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WAVIX_SANDBOX_ENABLED": "false",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [
            gunicorn,
            "portal.wsgi:application",
            *("--bind", "127.0.0.1:0", "--workers", str(GUNICORN_WORKERS)),
            *("--threads", str(GUNICORN_THREADS)),
            *("--no-control-socket", "--error-logfile", str(log), "--backlog", "2048"),
        ],
        cwd=ROOT,
        env=env,
        # The portal's own log lines (one per refused or repeated post) go to the file too.
        stdout=open(log.with_suffix(".out"), "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = log.read_text() if log.exists() else ""
        found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", text)
        if found and text.count("Booting worker") >= GUNICORN_WORKERS:
            time.sleep(1)
            return process, found.group(1)
        time.sleep(0.2)
    process.kill()
    sys.exit(f"gunicorn did not start:\n{log.read_text()}")


def world() -> Channel:
    account = wavix_account_save(
        name="Bench intake", base_url="https://api.wavix.com", auth_mode="bearer", api_key="k" * 32
    )
    channel = Channel.objects.create(name="Bench intake", wavix_account=account)
    tenant = tenant_create(name="Bench Co", slug="bench-co")
    pool_save(tenant=tenant, text=OUR_NUMBER)
    with scopes_disabled():
        queue = MessageQueue.objects.create(tenant=tenant, name="Support")
        NumberRoute.objects.create(
            tenant=tenant, number=OUR_NUMBER, destination="queue", queue=queue
        )
    return channel


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


def report(name: str, result: dict) -> None:
    print(
        f"{name}: {result['rate']:,.0f} requests/s, p50 {result['p50']:.1f} ms, "
        f"p99 {result['p99']:.1f} ms, answers {result['codes']}"
    )
    print(f"  {describe(result['cpu'])}")


def main() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/inbound_intake.py needs PostgreSQL; bin/bench starts one.")
    old = setup_databases(verbosity=0, interactive=False)
    folder = Path(os.environ.get("PORTAL_VAR_DIR", "/tmp"))
    folder.mkdir(parents=True, exist_ok=True)
    server, workers = None, []
    try:
        channel = world()
        # The production static files (the error pages name them), as a deploy builds them.
        call_command("collectstatic", "--noinput", verbosity=0)
        purge_broker()
        server, base = start_gunicorn(folder / "bench-gunicorn.log")
        print(
            f"gunicorn with {GUNICORN_WORKERS} workers of {GUNICORN_THREADS} threads, "
            f"{CONCURRENCY} concurrent clients "
            f"in {CLIENT_PROCESSES} processes, {MESSAGES:,} requests each; 2 Celery workers "
            f"(nice {WORKER_NICE}) routing {'during' if DRAIN_DURING else 'after'} the posts"
        )
        senders = [f"1312555{n:04d}" for n in range(2000)]
        ids = [uuid.uuid4().hex for _ in range(MESSAGES)]
        path = f"/hooks/inbound/{channel.inbound_token}/"
        inbound = [
            (path, inbound_body(mid, senders[n % len(senders)], f"Hello {n}"), {})
            for n, mid in enumerate(ids)
        ]
        if DRAIN_DURING:
            # Up (and idle) before anything is measured: their start-up is in no figure.
            workers = [start_worker(f"intake{n}", nice=WORKER_NICE) for n in range(2)]
            time.sleep(8)
        noop = [("/hooks/bench/noop/", body, {}) for _, body, _ in inbound]
        blast(base, noop[:200])  # warm every worker (not measured)
        baseline = blast(base, noop)
        report("no-op Django view", baseline)
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_one_row (id bigserial PRIMARY KEY, body text)")
        floor = blast(base, [("/hooks/bench/one-row/", body, {}) for _, body, _ in inbound])
        report("Django view writing one row", floor)
        intake = blast(base, inbound)
        if not DRAIN_DURING:
            workers = [start_worker(f"intake{n}", nice=WORKER_NICE) for n in range(2)]
        report("inbound webhook", intake)
        print(
            f"intake at {intake['rate'] / baseline['rate']:.2f}x the no-op view's rate "
            f"(target: at least 0.6x); p99 {intake['p99']:.1f} ms (target: under 100 ms); "
            f"the one-row view at {floor['rate'] / baseline['rate']:.2f}x, the intake at "
            f"{intake['rate'] / floor['rate']:.2f}x the one-row view's"
        )
        stored = WebhookEvent.objects.filter(channel=channel, kind="inbound").count()
        print(f"stored: {stored:,} of {MESSAGES:,} ({MESSAGES - stored} lost)")
        t0 = time.perf_counter()
        drained = wait_for(
            lambda: (
                Message._base_manager.filter(
                    channel=channel, direction="inbound", conversation__isnull=False
                ).count()
                >= MESSAGES
            ),
            600,
        )
        routed = Message._base_manager.filter(
            channel=channel, direction="inbound", conversation__isnull=False
        ).count()
        print(
            f"routing drained {'in' if drained else 'NOT within'} "
            f"{time.perf_counter() - t0:.1f} s after the last post: {routed:,} messages in "
            f"{Conversation._base_manager.count():,} conversations"
        )

        # Hostile traffic.
        before = WebhookEvent.objects.count()
        wrong = [
            (f"/hooks/inbound/{uuid.uuid4().hex}/", body, {}) for _, body, _ in inbound[:HOSTILE]
        ]
        result = blast(base, wrong)
        print(
            f"wrong token: {HOSTILE:,} posts answered {result['codes']}, "
            f"{WebhookEvent.objects.count() - before} stored"
        )
        Channel.objects.filter(pk=channel.pk).update(inbound_allowlist="62.212.73.112")
        # The web processes keep a channel they looked up this long (another process's change).
        time.sleep(float(settings.MESSAGING_INTAKE_CHANNEL_SECONDS) + 0.5)
        forged = [
            (path, inbound_body(uuid.uuid4().hex, "13125550000", "x"), {}) for _ in range(HOSTILE)
        ]
        result = blast(base, forged)
        print(
            f"from outside the allowlist: {HOSTILE:,} posts answered {result['codes']}, "
            f"{WebhookEvent.objects.count() - before} stored"
        )
        Channel.objects.filter(pk=channel.pk).update(inbound_allowlist="")
        time.sleep(float(settings.MESSAGING_INTAKE_CHANNEL_SECONDS) + 0.5)
        replay = random.sample(inbound, HOSTILE) * 2
        random.shuffle(replay)
        result = blast(base, replay)
        messages = Message._base_manager.filter(channel=channel, direction="inbound").count()
        print(
            f"replayed {len(replay):,} posts of {HOSTILE:,} stored messages, shuffled: answered "
            f"{result['codes']}, {WebhookEvent.objects.count() - before} stored, "
            f"{messages - MESSAGES} duplicate messages"
        )
        dlr_replay(base, channel)
    finally:
        for w in workers:
            stop(w)
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        teardown_databases(old, verbosity=0)


def dlr_replay(base: str, channel: Channel) -> None:
    """Outbound messages accepted by the provider; their reports (sent, delivered) posted
    twice each, shuffled: every message ends delivered with one history entry per status."""
    now = timezone.now()
    with scopes_disabled():
        tenant_id = NumberRoute.objects.values_list("tenant_id", flat=True).first()
        messages = Message._base_manager.bulk_create(
            Message(
                tenant_id=tenant_id,
                channel=channel,
                direction="outbound",
                sender=OUR_NUMBER,
                recipient=f"1312777{n:04d}",
                text="Report me",
                status="accepted",
                tag=uuid.uuid4().hex,
                provider_id=uuid.uuid4().hex,
                source="api",
                created_at=now,
            )
            for n in range(HOSTILE)
        )
    path = f"/hooks/dlr/{channel.dlr_token}/"
    posts = []
    for m in messages:
        for status in ("sent", "delivered"):
            body = {
                "message_id": m.provider_id,
                "message_type": "sms",
                "from": m.sender,
                "to": m.recipient,
                "tag": m.tag,
                "status": status,
                "segments_count": 1,
                "sent": now.isoformat(),
                "delivered": now.isoformat() if status == "delivered" else None,
                "charge": "0.0040",
                "carrier_fees": "0",
                "error": None,
            }
            posts.append((path, json.dumps(body).encode(), {}))
    posts = posts * 2
    random.shuffle(posts)
    result = blast(base, posts)
    ids = [m.pk for m in messages]
    ok = wait_for(
        lambda: Message._base_manager.filter(pk__in=ids, status="delivered").count() == len(ids),
        300,
    )
    delivered = Message._base_manager.filter(pk__in=ids, status="delivered").count()
    doubled = (
        MessageEvent._base_manager.filter(message_id__in=ids, status="delivered").count()
        - delivered
    )
    print(
        f"delivery reports: {len(posts):,} posts (each twice, shuffled) "
        f"answered {result['codes']}; "
        f"{delivered:,} of {len(ids):,} delivered{'' if ok else ' (timed out)'}, "
        f"{doubled} doubled history entries"
    )


if __name__ == "__main__":
    main()
