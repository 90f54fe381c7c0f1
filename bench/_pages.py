"""What the page benchmarks share (bench/inbox_pages.py, bench/message_stats.py): the page's
queries in one request and its latency over many, and a static-files storage that needs no
collectstatic (the pages are measured, not the files). Imported after django.setup()."""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def plain_static_files() -> None:
    """Production's manifest storage needs collectstatic: the plain one stands in."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def measure(
    client: Client, url: str, requests: int, expect: int = 200, **headers
) -> tuple[int, float, float]:
    """(queries of one request, p50 ms, p95 ms over `requests`) of the page at `url`."""
    client.get(url, **headers)  # warm: the first visit records the user's last tenant
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == expect, (url, response.status_code)
    # Read now: the list is sliced from the connection's log, which each request clears.
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url, **headers)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return queries, statistics.median(times), times[int(len(times) * 0.95) - 1]
