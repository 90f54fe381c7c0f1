"""`manage.py broker_ready` declares the Celery queues on a fresh zero-setup broker (a SQLite
file) before the worker and the first job's sender share it: they used to race on the queue's
row, and the first sync's task was lost. Running it again changes nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_queue_is_declared_once_on_a_fresh_file_broker(tmp_path):
    broker = tmp_path / "broker.sqlite3"
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "true",
        "PORTAL_VAR_DIR": str(tmp_path),
        "CELERY_BROKER_URL": f"sqla+sqlite:///{broker}",
    }
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "manage.py", "broker_ready", "-v", "2"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert "Broker queues declared: celery" in done.stdout
    rows = sqlite3.connect(broker).execute("select name from kombu_queue").fetchall()
    assert rows == [("celery",)]
