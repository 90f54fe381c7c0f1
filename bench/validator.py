"""Number validator benchmark: one 10,000-number asynchronous validation job against the
Wavix sandbox over real HTTP.

The sandbox is served by a WSGI server on a loopback port in this process (its own database
connection), as in bench/sync.py; the portal's client calls it like Wavix. The job's task is
run in this process as a worker would run it: each message the runner sends (the submit, then
each poll with its countdown) is delivered after its countdown. Prints: the wall time from
submit to finished, the number of polls, the portal's database queries during the job (total
and per run of the task) and the time the portal spent per poll.

Runs in a throwaway test database on PostgreSQL: bin/bench bench/validator.py
    BENCH_NUMBERS=2000 BENCH_POLL_SECONDS=1 bin/bench bench/validator.py   # quick
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["WAVIX_SANDBOX_ENABLED"] = "true"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402
from sync import serve  # noqa: E402

from dids.models import ValidationJob, ValidationResult  # noqa: E402
from dids.services.validator import validation_start  # noqa: E402
from dids.services.validator_jobs import ValidationRunner  # noqa: E402
from portal.services import wavix_account_save  # noqa: E402
from tenants import services  # noqa: E402

NUMBERS = int(os.environ.get("BENCH_NUMBERS", "10000"))
POLL_SECONDS = int(os.environ.get("BENCH_POLL_SECONDS", "5"))


def numbers() -> list[int]:
    """New York numbers, every ending: the sandbox answers each with phonenumbers' facts."""
    return [16468000000 + i for i in range(NUMBERS)]


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/validator.py needs PostgreSQL (DATABASE_URL); bin/bench starts one.")
    old = setup_databases(verbosity=0, interactive=False)
    server = None
    try:
        settings.WAVIX_SANDBOX_ENABLED = True
        settings.WAVIX_VALIDATION_POLL_SECONDS = POLL_SECONDS
        call_command("sandbox_seed", purchased=10, stdout=open(os.devnull, "w"))  # noqa: SIM115
        base_url, server = serve()
        wavix_account_save(
            name="Sandbox",
            base_url=base_url,
            auth_mode="bearer",
            api_key=settings.WAVIX_SANDBOX_API_KEY,
        )
        tenant = services.tenant_create(name="Bench", slug="bench", contact_email="b@x.example")
        sent: list[tuple[int, int | None, int | None]] = []
        ValidationRunner.send = classmethod(
            lambda cls, job_id, attempt=None, countdown=None: sent.append(
                (job_id, attempt, countdown)
            )
        )
        per_run: list[tuple[int, float]] = []
        t0 = time.perf_counter()
        with scope(tenant=tenant):
            job = validation_start(tenant=tenant, kind="validation", numbers=numbers())
        while sent:
            job_id, attempt, countdown = sent.pop(0)
            time.sleep(countdown or 0)
            calls: list[int] = []
            t1 = time.perf_counter()
            with connection.execute_wrapper(lambda ex, *a, c=calls: c.append(1) or ex(*a)):
                ValidationRunner.run(job_id, attempt)
            per_run.append((len(calls), time.perf_counter() - t1))
        elapsed = time.perf_counter() - t0
        with scopes_disabled():
            job = ValidationJob.objects.get(pk=job.pk)
            saved = ValidationResult.objects.filter(job=job).count()
        queries = [q for q, _ in per_run]
        print(
            f"{NUMBERS:,} numbers, asynchronous: {job.status} in {elapsed:.1f} s wall time "
            f"(submit to finished, polled every {POLL_SECONDS} s)"
        )
        print(
            f"  {job.polls} polls; {saved:,} results saved, {job.invalid:,} invalid, "
            f"Wavix charged {job.total_cost}"
        )
        print(
            f"  DB queries during the job: {sum(queries)} in {len(per_run)} task runs "
            f"(submit {queries[0]}, per poll {', '.join(map(str, queries[1:]))})"
        )
        print(
            "  task run time (s): "
            + ", ".join(f"{seconds:.2f}" for _, seconds in per_run)
            + " (each includes the sandbox's own work over HTTP)"
        )
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        connection.close()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
