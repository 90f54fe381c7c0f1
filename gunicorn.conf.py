"""gunicorn reads this file from the folder it starts in (README: running in production).

A worker process for each core, each serving GUNICORN_THREADS (8) requests at once on threads
(gthread): a request waiting on the database leaves the core to the others, and providers'
webhooks that arrive together share one INSERT (messaging/services/group_commit.py), which a
worker serving one request at a time could never do. `--workers` and `--threads` on the command
line win over these.

The metrics of the web processes (portal/metrics.py) are files in PROMETHEUS_MULTIPROC_DIR, one
per worker process: the folder is emptied when gunicorn starts, and a worker that exits is
marked dead so its live gauges leave the sums (its counters and histograms stay in them)."""

import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))


def on_starting(server):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.conf import settings

    settings.PROMETHEUS_MULTIPROC_DIR  # noqa: B018 - reading it sets the folder up
    from portal.metrics import multiprocess_reset

    multiprocess_reset()


def child_exit(server, worker):
    from portal.metrics import multiprocess_exited

    multiprocess_exited(worker.pid)
