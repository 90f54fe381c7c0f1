"""A smoke run of the main flows on the zero-set-up configuration, as `make run` starts it:
`bin/run` with a clean environment (no DATABASE_URL, no broker URL, DEBUG at its default), so
SQLite in a file, the Celery broker on a SQLite file, a real worker and beat, and the Wavix
sandbox served by the real web server the worker calls over HTTP. Each flow must reach its
end within seconds; a transaction held across a call to Wavix (which locks SQLite while the
sandbox needs it) makes them time out instead."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 300  # migrate, seed the demo, first inventory sync
FLOW_SECONDS = 10  # each flow, from the request to its end
WATCHDOG_SECONDS = 900
FLOWS = [
    "inventory sync",
    "buy a number",
    "E911 set",
    "E911 delete",
    "trunk create",
    "trunk push",
    "message and its delivery report",
    "inbound message received",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _stop(process: subprocess.Popen) -> None:
    """bin/run stops its web server, worker and beat on TERM; whatever is left of its
    process group after that is killed."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def zero_setup_portal(tmp_path_factory):
    var = tmp_path_factory.mktemp("zero-setup")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(var),
        "LANG": "C.UTF-8",
        "PORTAL_VAR_DIR": str(var),
        "PORT": str(_free_port()),
    }
    log = var / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(ROOT / "bin" / "run")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one
        )
    # Stops the portal if this test run dies before its teardown (or after WATCHDOG_SECONDS).
    watchdog = subprocess.Popen(
        [sys.executable, "-m", "tests.smoke.watchdog", str(os.getpid()), str(process.pid)]
        + [str(WATCHDOG_SECONDS)],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while "Press Ctrl-C to stop." not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"bin/run did not start:\n{_tail(log)}")
            time.sleep(0.5)
        yield SimpleNamespace(env=env, log=log)
    finally:
        _stop(process)
        with contextlib.suppress(subprocess.TimeoutExpired):
            watchdog.wait(timeout=10)


def test_main_flows_complete_within_seconds_on_the_zero_setup_defaults(zero_setup_portal):
    portal = zero_setup_portal
    driven = subprocess.run(
        [sys.executable, "-m", "tests.smoke.drive"],
        cwd=ROOT,
        # DEBUG as bin/run sets it by default.
        env={**portal.env, "DEBUG": "true", "SMOKE_FLOW_TIMEOUT": str(FLOW_SECONDS * 3)},
        capture_output=True,
        text=True,
        timeout=FLOW_SECONDS * 3 * len(FLOWS) + 60,
    )
    flows = [json.loads(line) for line in driven.stdout.splitlines() if line.startswith("{")]
    context = f"{driven.stdout}\n{driven.stderr[-3000:]}\nbin/run:\n{_tail(portal.log)}"
    assert [f["flow"] for f in flows] == FLOWS, context
    for flow in flows:
        assert flow["status"] in ("succeeded", "in_sync"), (flow, context)
        assert flow["seconds"] < FLOW_SECONDS, (flow, context)
    timings = ", ".join(f"{f['flow']} {f['seconds']} s" for f in flows)
    print(f"zero-set-up flows: {timings}")
