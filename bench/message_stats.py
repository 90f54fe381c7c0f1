"""Message statistics at scale: 1,000,000 messages over 90 days on 6 channels and 5 tenants
(and some with no tenant) bulk-inserted in PostgreSQL with one `generate_series` INSERT, then
the roll-up rebuilt from them (its time), the minute's refresh (its time), and the pages that
read the figures: the statistics for a system administrator (all channels, one channel, 90
days) and for a tenant admin, the channel list (its last 24 hours) and /metrics. For each: the
queries of one request (they must not grow with the data) and the p50 and p95 latency over 50
requests with Django's test client. Target: p95 under 150 ms.

    TEST_PG_PORT=58432 TEST_REDIS_PORT=58379 bin/bench bench/message_stats.py
    BENCH_MESSAGES=100000 bin/bench bench/message_stats.py                  # quick
"""

import os
import sys
import time
import uuid
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["WAVIX_SANDBOX_ENABLED"] = "true"

import django  # noqa: E402

django.setup()

from _pages import measure, plain_static_files  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.utils import timezone  # noqa: E402

from messaging.models import Channel  # noqa: E402
from messaging.services.stats import _counts, stats_rebuild, stats_refresh  # noqa: E402
from tenants import services  # noqa: E402
from tenants.models import Role  # noqa: E402

MESSAGES = int(os.environ.get("BENCH_MESSAGES", "1000000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
DAYS = 90
TARGET_P95_MS = 150
TOKEN = "bench-metrics-token"

# One status per remainder of the row number by 20 (outbound rows): mostly delivered, and
# every other ending, so every count of the roll-up has work to do.
STATUSES = (
    ["delivered"] * 12
    + ["undelivered", "failed", "expired", "sent", "rejected", "dlr_expired", "queued"]
    + ["accepted"]
)


def world():
    tenants = [
        services.tenant_create(name=f"Bench {n}", slug=f"bench{n}", contact_email="b@x.example")
        for n in range(1, 6)
    ]
    admin = services.user_create(email="admin@bench.example", password=uuid.uuid4().hex)
    services.membership_set(tenant=tenants[0], user=admin, role=Role.ADMIN)
    root = services.user_create(
        email="root@bench.example", password=uuid.uuid4().hex, is_system_admin=True
    )
    channels = [Channel.objects.create(name=f"Channel {n}") for n in range(1, 7)]
    return tenants, channels, admin, root


def load() -> None:
    """The messages in one INSERT … SELECT over generate_series: created evenly over the last
    90 days, updated when created; a fifth inbound; one in 50 with no tenant."""
    status = "CASE g % 20 " + " ".join(f"WHEN {i} THEN '{s}'" for i, s in enumerate(STATUSES))
    sql = f"""
        INSERT INTO messaging_message (
            tenant_id, channel_id, direction, sender, recipient, country, text, media, is_mms,
            encoding, segments, provider_segments, charge, carrier_fees, status, reason, tag,
            source, created_at, updated_at, accepted_at, unrouted)
        SELECT
            CASE WHEN g % 50 = 0 THEN NULL ELSE t.ids[1 + g % array_length(t.ids, 1)] END,
            c.ids[1 + (g / 7) % array_length(c.ids, 1)],
            CASE WHEN g % 5 = 0 THEN 'inbound' ELSE 'outbound' END,
            '12125550100', '1646' || lpad((g % 10000000)::text, 7, '0'), 'US',
            'Bench message', '[]'::jsonb, false, 'GSM-7',
            1 + (g % 4 = 0)::int * 2, CASE WHEN g % 3 = 0 THEN 1 + (g % 4 = 0)::int * 2 END,
            CASE WHEN g % 20 NOT IN (13, 18) THEN 0.0079 END,
            CASE WHEN g % 10 = 1 THEN 0.0025 END,
            CASE WHEN g % 5 = 0 THEN 'received' ELSE {status} END END,
            '', 'bench-' || g, 'api', at.v, at.v,
            CASE WHEN g % 20 NOT IN (13, 18) AND g % 5 <> 0 THEN at.v END, ''
        FROM generate_series(1, {MESSAGES}) g
        CROSS JOIN (SELECT array_agg(id ORDER BY id) ids FROM tenants_tenant) t
        CROSS JOIN (SELECT array_agg(id ORDER BY id) ids FROM messaging_channel) c
        CROSS JOIN LATERAL (
            SELECT now() - interval '{DAYS} days' * (g::float8 / {MESSAGES}) AS v
        ) at
    """
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        cursor.execute("ANALYZE messaging_message")
    took = time.perf_counter() - start
    print(f"inserted {MESSAGES:,} messages in {took:.1f} s ({MESSAGES / took:,.0f} rows/s)")


def timed(label: str, call) -> None:
    start = time.perf_counter()
    result = call()
    print(f"{label}: {time.perf_counter() - start:.2f} s ({result})")


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/message_stats.py needs PostgreSQL; bin/bench starts one.")
    setup_test_environment()
    plain_static_files()
    settings.METRICS_TOKEN = TOKEN
    old = setup_databases(verbosity=0, interactive=False)
    try:
        tenants, channels, admin, root = world()
        load()
        timed("roll-up rebuilt from every message", lambda: f"{stats_rebuild()} rows")
        timed("the minute's refresh (today, yesterday)", lambda: stats_refresh())
        # What the pages would cost counting the messages themselves instead of the roll-up.
        today = timezone.localdate()
        month = today - timedelta(days=29)
        timed("the same 30 days counted from the messages", lambda: len(_counts(month, today)))
        clients = {}
        for who, user in (("admin", admin), ("root", root)):
            clients[who] = Client()
            clients[who].force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        ninety = f"since={today - timedelta(days=DAYS - 1)}&until={today}"
        bearer, platform = f"Bearer {TOKEN}", "/platform/statistics/"
        pages = [
            ("root", "statistics, all channels, 7 days", "/platform/statistics/", {}),
            ("root", "statistics, all channels, 30 days", "/platform/statistics/?period=month", {}),
            ("root", "statistics, custom 90 days", f"{platform}?period=custom&{ninety}", {}),
            (
                "root",
                "statistics, one channel, 30 days",
                f"/platform/statistics/?period=month&channel={channels[0].pk}",
                {},
            ),
            ("admin", "statistics, tenant, 30 days", "/t/bench1/statistics/?period=month", {}),
            ("admin", "statistics, tenant, today", "/t/bench1/statistics/?period=day", {}),
            ("root", "channel list (24 h delivery)", "/platform/channels/", {}),
            ("root", "/metrics (bearer token)", "/metrics", {"HTTP_AUTHORIZATION": bearer}),
        ]
        worst = 0.0
        print(f"{'page':<38} {'as':<6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
        for who, label, url, headers in pages:
            queries, p50, p95 = measure(clients[who], url, REQUESTS, **headers)
            worst = max(worst, p95)
            print(f"{label:<38} {who:<6} {queries:>7} {p50:>8.1f} {p95:>8.1f}")
        verdict = "met" if worst < TARGET_P95_MS else "MISSED"
        print(f"worst p95 {worst:.1f} ms: target p95 < {TARGET_P95_MS} ms {verdict}")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
