"""Inbox and conversation pages at scale: 1,000,000 messages in 50,000 conversations of one
tenant in PostgreSQL (bulk-loaded with COPY), then each inbox tab (mine, queues, all, closed),
a search, the live poll's "nothing changed" answer and a conversation page, as an agent and as
a tenant admin: the queries of one request (they must not grow with the data) and the p50 and
p95 latency over 100 requests each with Django's test client. Target: p95 under 150 ms.

    bin/bench bench/inbox_pages.py                                   # 1,000,000 messages
    BENCH_CONVERSATIONS=2000 BENCH_PER_CONVERSATION=10 bin/bench bench/inbox_pages.py  # quick
"""

import os
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["WAVIX_SANDBOX_ENABLED"] = "true"

import django  # noqa: E402

django.setup()

from _pages import measure, plain_static_files  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from messaging.models import Channel, Conversation, MessageQueue, SenderId  # noqa: E402
from tenants import services  # noqa: E402
from tenants.models import Role  # noqa: E402

CONVERSATIONS = int(os.environ.get("BENCH_CONVERSATIONS", "50000"))
PER_CONVERSATION = int(os.environ.get("BENCH_PER_CONVERSATION", "20"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100"))
OUR = "12125550100"
TARGET_P95_MS = 150


def world():
    tenant = services.tenant_create(name="Bench Telecom", slug="bench", contact_email="b@x.example")
    users = {}
    for email, role in [
        ("admin@bench.example", Role.ADMIN),
        ("agent@bench.example", Role.AGENT),
        ("other@bench.example", Role.AGENT),
    ]:
        user = services.user_create(email=email, password=uuid.uuid4().hex, full_name=email[:5])
        services.membership_set(tenant=tenant, user=user, role=role)
        users[email.split("@")[0]] = user
    with scopes_disabled():
        channel = Channel.objects.create(name="Bench channel")
        SenderId.objects.create(
            tenant=tenant, channel=channel, kind="numeric", value=OUR, number=int(OUR)
        )
        queue = MessageQueue.objects.create(tenant=tenant, name="Support")
        queue.members.add(users["agent"], users["other"])
    return tenant, channel, queue, users


def _copy(table: str, columns: list[str], rows) -> None:
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def load(tenant, channel, queue, users) -> None:
    """The conversations (40% the agent's, 30% waiting in the queue, 20% another agent's, 10%
    closed), then their messages, then each conversation's last message."""
    now = timezone.now()
    start = time.perf_counter()

    def conversations():
        for n in range(CONVERSATIONS):
            kind = n % 10
            assignee = users["agent"].pk if kind < 4 else users["other"].pk if kind < 6 else None
            if kind in (6, 7, 8):
                assignee = None
            state = "closed" if kind == 9 else "open"
            if kind == 9:
                assignee = users["agent"].pk
            at = now - timedelta(minutes=n)
            yield (
                tenant.pk,
                channel.pk,
                OUR,
                f"1646{n:07d}",
                state,
                assignee,
                queue.pk if kind in (6, 7, 8) else None,
                n % 3,
                at,
                at,
                at,
                at,
            )

    _copy(
        "messaging_conversation",
        [
            "tenant_id",
            "channel_id",
            "our_number",
            "remote",
            "state",
            "assignee_id",
            "queue_id",
            "unread",
            "last_message_at",
            "last_inbound_at",
            "created_at",
            "changed_at",
        ],
        conversations(),
    )
    with scopes_disabled():
        ids = list(
            Conversation.objects.filter(tenant=tenant).order_by("pk").values_list("pk", flat=True)
        )
    loaded_conversations = time.perf_counter() - start

    def messages():
        for index, conversation_id in enumerate(ids):
            remote = f"1646{index:07d}"
            last = now - timedelta(minutes=index)
            for k in range(PER_CONVERSATION):
                inbound = k % 2 == 0
                at = last - timedelta(seconds=(PER_CONVERSATION - 1 - k) * 30)
                yield (
                    tenant.pk,
                    channel.pk,
                    "inbound" if inbound else "outbound",
                    remote if inbound else OUR,
                    OUR if inbound else remote,
                    "US",
                    f"Message {k} about order {index}",
                    "[]",
                    False,
                    "GSM-7",
                    1,
                    "received" if inbound else "delivered",
                    "",
                    uuid.uuid4().hex,
                    "provider" if inbound else "conversation",
                    at,
                    at,
                    conversation_id,
                    "",
                )

    _copy(
        "messaging_message",
        [
            "tenant_id",
            "channel_id",
            "direction",
            "sender",
            "recipient",
            "country",
            "text",
            "media",
            "is_mms",
            "encoding",
            "segments",
            "status",
            "reason",
            "tag",
            "source",
            "created_at",
            "updated_at",
            "conversation_id",
            "unrouted",
        ],
        messages(),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE messaging_conversation c SET last_message_id = m.id
            FROM (SELECT DISTINCT ON (conversation_id) id, conversation_id
                  FROM messaging_message ORDER BY conversation_id, created_at DESC, id DESC) m
            WHERE m.conversation_id = c.id
            """
        )
        cursor.execute("ANALYZE messaging_conversation")
        cursor.execute("ANALYZE messaging_message")
    total = CONVERSATIONS * PER_CONVERSATION
    took = time.perf_counter() - start
    print(
        f"loaded {CONVERSATIONS:,} conversations ({loaded_conversations:.1f} s) and {total:,} "
        f"messages in {took:.1f} s ({total / took:,.0f} rows/s)"
    )


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/inbox_pages.py needs PostgreSQL; bin/bench starts one.")
    setup_test_environment()
    plain_static_files()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        tenant, channel, queue, users = world()
        load(tenant, channel, queue, users)
        with scopes_disabled():
            mine = Conversation.objects.filter(tenant=tenant, assignee=users["agent"]).first()
        since = (timezone.now() + timedelta(seconds=5)).isoformat().replace("+", "%2B")
        pages = [
            ("agent", "inbox, Mine", "/t/bench/inbox/?tab=mine", 200),
            ("agent", "inbox, Queues", "/t/bench/inbox/?tab=queues", 200),
            ("agent", "inbox, Closed", "/t/bench/inbox/?tab=closed", 200),
            ("admin", "inbox, All", "/t/bench/inbox/?tab=all", 200),
            ("admin", "inbox, search by number", "/t/bench/inbox/?tab=all&q=%2B1+646+000+12", 200),
            (
                "agent",
                "live poll, nothing changed",
                f"/t/bench/inbox/changes/?tab=queues&since={since}",
                204,
            ),
            ("agent", "conversation page", f"/t/bench/conversations/{mine.pk}/", 200),
            (
                "agent",
                "conversation poll, nothing changed",
                f"/t/bench/conversations/{mine.pk}/changes/?since={since}",
                204,
            ),
        ]
        clients = {}
        for who in ("agent", "admin"):
            clients[who] = Client()
            clients[who].force_login(
                users[who], backend="django.contrib.auth.backends.ModelBackend"
            )
        worst = 0.0
        print(f"{'page':<38} {'as':<6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
        for who, label, url, expect in pages:
            queries, p50, p95 = measure(clients[who], url, REQUESTS, expect)
            worst = max(worst, p95)
            print(f"{label:<38} {who:<6} {queries:>7} {p50:>8.1f} {p95:>8.1f}")
        verdict = "met" if worst < TARGET_P95_MS else "MISSED"
        print(f"worst p95 {worst:.1f} ms: target p95 < {TARGET_P95_MS} ms {verdict}")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
