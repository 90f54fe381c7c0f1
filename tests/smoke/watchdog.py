"""Stops a smoke run's portal by itself if the test run that started it is gone (killed, or
crashed before its teardown) or after a deadline: `python -m tests.smoke.watchdog <test pid>
<process group> <seconds>`. It exits as soon as the group is gone."""

from __future__ import annotations

import os
import signal
import sys
import time


def _alive(pid: int, *, group: bool = False) -> bool:
    try:
        (os.killpg if group else os.kill)(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(parent: int, group: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while _alive(group, group=True):
        if not _alive(parent) or time.monotonic() > deadline:
            os.killpg(group, signal.SIGTERM)
            for _ in range(20):
                time.sleep(1)
                if not _alive(group, group=True):
                    return
            os.killpg(group, signal.SIGKILL)
            return
        time.sleep(1)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))
