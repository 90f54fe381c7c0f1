"""The messaging app's metrics for operators (portal/metrics.py serves them at /metrics).

Measured in the web processes: the providers' webhook intake's latency, a histogram per kind
(`inbound`, `dlr`), one `observe` per request (prometheus_client's multiprocess mode adds the
processes up). Read from the database at scrape time, in four queries whatever the traffic,
per channel: the messages sent, not sent, delivered, failed and received (the statistics'
daily roll-up, so at most a minute behind; MessageDay's docstring says what each count is),
how many times the rate limiter made a send wait (`ChannelCounter`) and the sends waiting or
under way in the outbox (queue depth).

A counter goes down only if messages are deleted (a tenant removed): Prometheus reads that as
a reset.
"""

from __future__ import annotations

import time
from functools import wraps

from django.db.models import Count, Sum
from django_scopes import scopes_disabled
from prometheus_client import Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from portal.jobs.models import ACTIVE_STATES

from .models import Channel, ChannelCounter, MessageDay, Outbox

INTAKE_SECONDS = Histogram(
    "portal_webhook_intake_seconds",
    "Time to take a provider's webhook (check, store, answer), in seconds.",
    ["kind"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)


def timed_intake(kind: str):
    """Observes the wrapped webhook view's time, whatever its answer."""
    child = INTAKE_SECONDS.labels(kind)

    def decorate(view):
        @wraps(view)
        def timed_view(*args, **kwargs):
            started = time.perf_counter()
            try:
                return view(*args, **kwargs)
            finally:
                child.observe(time.perf_counter() - started)

        return timed_view

    return decorate


LABELS = ["channel_id", "channel"]
COUNTERS = [
    ("sent", "portal_messages_sent", "Outbound messages the provider took."),
    ("sent_failed", "portal_messages_not_sent", "Outbound messages refused or expired unsent."),
    ("delivered", "portal_messages_delivered", "Outbound messages delivered."),
    ("failed", "portal_messages_failed", "Outbound messages sent but not delivered."),
    ("received", "portal_messages_received", "Inbound messages."),
]


class MessagingCollector:
    """The per-channel counters and the queue depth, read at scrape time."""

    def describe(self):
        for _, name, text in COUNTERS:
            yield CounterMetricFamily(name, text, labels=LABELS)
        yield from self._families()

    @staticmethod
    def _families():
        return (
            CounterMetricFamily(
                "portal_messages_throttled",
                "Times the channel's sending rate made a send wait.",
                labels=LABELS,
            ),
            GaugeMetricFamily(
                "portal_outbox_queue_depth",
                "Sends of the channel queued, running or waiting for a retry.",
                labels=LABELS,
            ),
        )

    def collect(self):
        with scopes_disabled():
            channels = list(Channel.objects.order_by("pk").values_list("pk", "name"))
            sums = {
                row["channel_id"]: row
                for row in MessageDay._base_manager.order_by()
                .values("channel_id")
                .annotate(**{field: Sum(field) for field, _, _ in COUNTERS})
            }
            throttled = dict(ChannelCounter.objects.values_list("channel_id", "throttled"))
            depth = dict(
                Outbox._base_manager.filter(status__in=ACTIVE_STATES)
                .order_by()
                .values_list("channel_id")
                .annotate(n=Count("pk"))
            )
        for field, name, text in COUNTERS:
            family = CounterMetricFamily(name, text, labels=LABELS)
            for pk, label in channels:
                family.add_metric([str(pk), label], (sums.get(pk) or {}).get(field) or 0)
            yield family
        waits, queue = self._families()
        for pk, label in channels:
            waits.add_metric([str(pk), label], throttled.get(pk, 0))
            queue.add_metric([str(pk), label], depth.get(pk, 0))
        yield waits
        yield queue
