"""Metrics for operators, in Prometheus's text format: who may read them, and the exposition.

The endpoint answers a scraper that sends `Authorization: Bearer <METRICS_TOKEN>` (compared in
constant time) and a logged-in system administrator; with METRICS_TOKEN blank it does not
exist (a 404). Metrics measured in the web processes (the webhook intake's latency) are kept by
prometheus_client's multiprocess mode: each gunicorn worker writes its own file under
PROMETHEUS_MULTIPROC_DIR (set in settings before the library is imported, emptied when gunicorn
starts: gunicorn.conf.py) and a scrape adds them up, whichever worker answers. Counts kept in
the database are read at scrape time by the app's collectors.
"""

from __future__ import annotations

import hmac
import os
import shutil
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead


def metrics_enabled() -> bool:
    return bool(settings.METRICS_TOKEN)


def bearer_token_ok(request: HttpRequest) -> bool:
    """Whether the request carries METRICS_TOKEN as its bearer token (constant-time)."""
    expected = settings.METRICS_TOKEN
    scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def may_read_metrics(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if bearer_token_ok(request):
        return True
    return bool(user is not None and user.is_authenticated and user.is_system_admin)


def refused() -> HttpResponse:
    response = HttpResponse(
        "The metrics need the bearer token (METRICS_TOKEN) or a system administrator's login.\n",
        status=401,
        content_type="text/plain; charset=utf-8",
    )
    response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


def exposition(*collectors) -> HttpResponse:
    """Every process's metrics (the multiprocess files) and the given collectors' figures."""
    registry = CollectorRegistry(auto_describe=True)
    MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)
    for collector in collectors:
        registry.register(collector)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


# --- the multiprocess folder (gunicorn.conf.py) -------------------------------------------------


def multiprocess_dir() -> Path:
    return Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])


def multiprocess_reset() -> None:
    """Empties the folder when the web server starts: the files of the processes of an earlier
    start would otherwise be added up with the new ones for ever."""
    folder = multiprocess_dir()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)


def multiprocess_exited(pid: int) -> None:
    mark_process_dead(pid, path=str(multiprocess_dir()))
