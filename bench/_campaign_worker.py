"""A real Celery worker (`--pool=solo`: tasks run in this process's main thread) that appends
one JSON line per task run to $BENCH_QUERY_LOG: the task's name, its database queries and its
seconds. bench/campaign.py starts it; not a benchmark itself."""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from celery.signals import task_postrun, task_prerun  # noqa: E402
from django.db import connection  # noqa: E402

from portal.celery import app  # noqa: E402

LOG = Path(os.environ["BENCH_QUERY_LOG"])
current: dict = {}


def counted(execute, sql, params, many, context):
    current["queries"] = current.get("queries", 0) + 1
    return execute(sql, params, many, context)


@task_prerun.connect
def started(task=None, **kwargs):
    current.clear()
    current.update(queries=0, t0=time.perf_counter())


@task_postrun.connect
def ended(task=None, **kwargs):
    line = {
        "task": task.name,
        "queries": current.get("queries", 0),
        "seconds": round(time.perf_counter() - current.get("t0", time.perf_counter()), 3),
    }
    with LOG.open("a") as out:
        out.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    # The wrapper list lives on the connection object of this (the only) thread: it survives
    # the connection being closed and opened again between tasks.
    connection.execute_wrappers.append(counted)
    app.worker_main(
        [
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            "campaign@%h",
            "--loglevel=WARNING",
        ]
    )
