"""Inventory sync benchmark: 100,000 numbers from the Wavix sandbox over real HTTP.

The sandbox is served by a WSGI server on a loopback port in this process (its own database
connection); the portal's client calls it like Wavix. Prints: HTTP requests vs pages, database
queries per page (min/max), numbers per second, and the rows a no-change re-sync writes.

Runs in a throwaway test database on PostgreSQL: `make bench` (or bin/bench bench/sync.py).
"""

import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["WAVIX_SANDBOX_ENABLED"] = "true"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from dids.models import Did, SyncRun  # noqa: E402
from dids.services import sync  # noqa: E402
from portal.services import wavix_account_save  # noqa: E402
from portal.wavix.client import WavixClient  # noqa: E402

NUMBERS = 100_000
PER_PAGE = 100


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class SandboxServer(ThreadedWSGIServer):
    """Each connection's thread closes its database connections when it ends (Django's
    threaded server does that); `server_close()` waits for those threads, so the test
    database has no other users when it is dropped."""

    daemon_threads = False


def serve() -> tuple[str, SandboxServer]:
    server = SandboxServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/wavix-sandbox", server


class PageQueries:
    """Counts the database queries of each applied page and the time the portal spends
    applying it (the rest of a sync's time is the sandbox answering over HTTP)."""

    def __init__(self):
        self.per_page: list[int] = []
        self.apply_seconds = 0.0
        self._original = sync.apply_page

    def __enter__(self):
        def counted(*args, **kwargs):
            calls = []
            t0 = time.perf_counter()
            with connection.execute_wrapper(lambda execute, *a: calls.append(1) or execute(*a)):
                result = self._original(*args, **kwargs)
            self.apply_seconds += time.perf_counter() - t0
            self.per_page.append(len(calls))
            return result

        sync.apply_page = counted
        return self

    def __exit__(self, *exc):
        sync.apply_page = self._original


def run_once(account, client) -> tuple[SyncRun, float, float, int, list[int], int]:
    requests_made = []
    client.session.hooks["response"].append(lambda r, *a, **k: requests_made.append(r.url))
    writes = []

    def watch(execute, sql, params, many, context):
        if sql.startswith(("INSERT", "UPDATE", "DELETE")) and '"dids_did"' in sql:
            writes.append(sql)
        return execute(sql, params, many, context)

    run = SyncRun.objects.create(account=account, status="running")
    with PageQueries() as pages, connection.execute_wrapper(watch):
        t0 = time.perf_counter()
        run = sync.run_sync(run, client)
        elapsed = time.perf_counter() - t0
    SyncRun.objects.filter(pk=run.pk).update(status="succeeded")
    client.session.hooks["response"].clear()
    return run, elapsed, pages.apply_seconds, len(requests_made), pages.per_page, len(writes)


def report(label, run, elapsed, applying, http, per_page, writes) -> None:
    print(
        f"{label}: {run.pages_done} pages, {http} HTTP requests, "
        f"{run.created} created / {run.updated} updated / {run.unchanged} unchanged / "
        f"{run.released} released"
    )
    print(
        f"  {elapsed:.1f} s, {(run.created + run.updated + run.unchanged) / elapsed:,.0f} "
        f"numbers/s end to end; the portal's share {applying:.1f} s "
        f"({(run.created + run.updated + run.unchanged) / applying:,.0f} "
        f"numbers/s, {1000 * applying / len(per_page):.1f} ms per page)"
    )
    print(
        f"  DB queries per page min {min(per_page)} max {max(per_page)}; "
        f"inventory rows written: {writes}"
    )


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/sync.py needs PostgreSQL (DATABASE_URL); bin/bench starts one.")
    old = setup_databases(verbosity=0, interactive=False)
    server = client = None
    try:
        settings.WAVIX_SANDBOX_ENABLED = True
        t0 = time.perf_counter()
        call_command("sandbox_seed", purchased=NUMBERS, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(
            f"sandbox seeded with {NUMBERS:,} purchased numbers in {time.perf_counter() - t0:.1f} s"
        )
        base_url, server = serve()
        account = wavix_account_save(
            name="Sandbox",
            base_url=base_url,
            auth_mode="bearer",
            api_key=settings.WAVIX_SANDBOX_API_KEY,
        )
        client = WavixClient.for_account(account)
        report("first sync", *run_once(account, client))
        report("no-change re-sync", *run_once(account, client))
        print(f"inventory: {Did.objects.count():,} numbers")
    finally:
        if client is not None:
            client.session.close()
        if server is not None:
            server.shutdown()
            server.server_close()
        connection.close()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
