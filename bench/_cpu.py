"""CPU time by part of the system (Linux's /proc), so a benchmark can say where a request's cost
goes: the web server, PostgreSQL, Redis, the Celery workers, the load's own clients.

`snapshot()` reads, per part, the CPU seconds of its live processes plus what their reaped
children used (a PostgreSQL backend that ended with its connection is in its postmaster's
count); `per_request(before, after, n)` gives the microseconds per request of each part.
The clients are this process's children that have ended (`RUSAGE_CHILDREN`): the load's
process pool, joined before the second snapshot.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
PARTS = ("web", "PostgreSQL", "Redis", "workers", "clients")


def _part(cmdline: bytes, comm: str) -> str | None:
    if comm.startswith("postgres"):
        return "PostgreSQL"
    if comm.startswith("redis-server"):
        return "Redis"
    if b"gunicorn" in cmdline:
        return "web"
    if b"celery" in cmdline:
        return "workers"
    return None


def snapshot() -> dict[str, float]:
    seconds = dict.fromkeys(PARTS, 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:  # ended meanwhile
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        part = _part(cmdline, comm)
        if part is None:
            continue
        # After the command's name: state is field 3, utime..cstime are fields 14..17.
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds[part] += sum(int(f) for f in fields[11:15]) / TICK
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds["clients"] = children.ru_utime + children.ru_stime
    return seconds


def per_request(before: dict[str, float], after: dict[str, float], requests: int) -> dict:
    return {part: (after[part] - before[part]) / requests * 1e6 for part in PARTS}


def describe(micros: dict[str, float]) -> str:
    total = sum(micros.values())
    parts = ", ".join(f"{part} {micros[part]:,.0f}" for part in PARTS)
    return f"CPU per request: {parts} (in all {total:,.0f} microseconds)"
