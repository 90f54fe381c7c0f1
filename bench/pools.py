"""DID pool benchmark on PostgreSQL: 100,000 existing ranges across 1,000 tenants.

Prints: assigning a 1,000,000-number range vs a one-number range (target: the same, < 50 ms),
the overlap check (< 10 ms), "who owns" p50/p99 (p99 < 2 ms), the same pool stored one row
per number (as FusionPBX stores destinations) for comparison, and a pool CSV import of 5,000
rows x 200 single numbers between the existing ranges (dry run and apply: time, queries).

Runs in a throwaway test database: `make bench` (or bin/bench bench/pools.py).
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,  # noqa: E402
    setup_databases,
    teardown_databases,
)
from django_scopes import scopes_disabled  # noqa: E402

from dids.models import DidPool, NumberRange, PoolImport  # noqa: E402
from dids.ranges import Pool  # noqa: E402
from dids.selectors import owner_of  # noqa: E402
from dids.services import (  # noqa: E402
    find_conflicts,
    imports,  # noqa: E402
    pool_save,
)
from tenants.models import Tenant, User  # noqa: E402

TENANTS = 1_000
RANGES = 100_000
BASE = 10_000_000_000  # 11-digit numbers
STRIDE = 1_000  # each existing range owns 100 numbers every 1,000
LOOKUPS = 2_000


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def timed(fn, repeat: int = 5):
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples), result


def populate() -> None:
    print(f"populating {RANGES:,} ranges across {TENANTS:,} tenants…", flush=True)
    t0 = time.perf_counter()
    Tenant.objects.bulk_create(
        Tenant(name=f"Bench tenant {i}", slug=f"bench-{i}") for i in range(TENANTS)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO dids_didpool (tenant_id, name, spec, size, created_at, updated_at) "
            "SELECT id, 'Direct', '', 0, now(), now() FROM tenants_tenant "
            "WHERE slug LIKE 'bench-%%'"
        )
        # Range i belongs to tenant i % TENANTS: tenants' ranges interleave, as in real life.
        cursor.execute(
            "WITH pools AS (SELECT p.id AS pool_id, p.tenant_id, "
            "row_number() OVER (ORDER BY p.tenant_id) - 1 AS k FROM dids_didpool p) "
            'INSERT INTO dids_numberrange (pool_id, tenant_id, start, "end") '
            "SELECT pools.pool_id, pools.tenant_id, %s + g * %s, %s + g * %s + 99 "
            "FROM generate_series(0, %s - 1) AS g JOIN pools ON pools.k = g %% %s",
            [BASE, STRIDE, BASE, STRIDE, RANGES, TENANTS],
        )
        cursor.execute("ANALYZE dids_numberrange")
    print(f"  done in {time.perf_counter() - t0:.1f} s")


def bench_assign() -> None:
    free_start = BASE + RANGES * STRIDE + 1_000_000
    new_tenants = list(
        Tenant.objects.bulk_create(
            Tenant(name=f"New tenant {i}", slug=f"new-{i}") for i in range(20)
        )
    )
    big_times, one_times = [], []
    for i in range(10):
        big_start = free_start + i * 2_000_000
        big, small = new_tenants[2 * i], new_tenants[2 * i + 1]
        t0 = time.perf_counter()
        pool_save(tenant=big, text=f"{big_start}-{big_start + 999_999}")
        big_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        pool_save(tenant=small, text=f"{big_start + 1_500_000}")
        one_times.append(time.perf_counter() - t0)
    big_ms, one_ms = statistics.median(big_times), statistics.median(one_times)
    print(f"assign 1,000,000-number range: median {ms(big_ms)} (target < 50 ms)")
    print(f"assign one-number range:       median {ms(one_ms)}")
    print(f"  ratio big/one: {big_ms / one_ms:.2f}")


def bench_overlap() -> None:
    probe = Pool.parse(f"{BASE + 500 * STRIDE}-{BASE + 500 * STRIDE + 50_000}")
    elapsed, conflicts = timed(lambda: find_conflicts(probe), repeat=20)
    print(
        f"overlap check (range across 51 existing ranges): median {ms(elapsed)} "
        f"(target < 10 ms), {len(conflicts)} conflicting pools found"
    )
    free = Pool.parse(f"{BASE + RANGES * STRIDE + 100}")
    elapsed, _ = timed(lambda: find_conflicts(free), repeat=20)
    print(f"overlap check (free number): median {ms(elapsed)}")


def bench_owner() -> None:
    rnd = random.Random(42)  # noqa: S311 - benchmark inputs
    numbers = [BASE + rnd.randrange(RANGES * STRIDE) for _ in range(LOOKUPS)]
    samples = []
    hits = 0
    for n in numbers:
        t0 = time.perf_counter()
        row = owner_of(n)
        samples.append(time.perf_counter() - t0)
        hits += row is not None
    samples.sort()
    p50, p99 = samples[len(samples) // 2], samples[int(len(samples) * 0.99)]
    print(
        f"who owns ({LOOKUPS:,} lookups, {hits:,} owned): p50 {ms(p50)}, p99 {ms(p99)} "
        "(target p99 < 2 ms)"
    )


def bench_row_per_number() -> None:
    """The same million-number pool stored as one row per number."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_number_rows (number bigint PRIMARY KEY, tenant_id bigint NOT NULL)"
        )
        start = BASE + RANGES * STRIDE + 100_000_000
        t0 = time.perf_counter()
        with transaction.atomic():
            cursor.execute(
                "INSERT INTO bench_number_rows SELECT g, 1 FROM generate_series(%s, %s) g",
                [start, start + 999_999],
            )
        rows_s = time.perf_counter() - t0
        cursor.execute("SELECT pg_total_relation_size('bench_number_rows')")
        rows_bytes = cursor.fetchone()[0]
        cursor.execute("SELECT pg_total_relation_size('dids_numberrange') / %s", [RANGES + 20])
        range_bytes = cursor.fetchone()[0]
    tenant = Tenant.objects.create(name="Range tenant", slug="range-tenant")
    t0 = time.perf_counter()
    pool_save(tenant=tenant, text=f"{start + 10_000_000}-{start + 10_999_999}")
    range_s = time.perf_counter() - t0
    print("1,000,000 numbers, one row per number vs one range:")
    print(f"  rows:  {ms(rows_s)} to write, {rows_bytes / 1e6:.1f} MB on disk")
    print(f"  range: {ms(range_s)} to write, ~{range_bytes} bytes on disk")
    print(
        f"  write-time ratio rows/range: {rows_s / range_s:,.0f}x; "
        f"size ratio: {rows_bytes / max(range_bytes, 1):,.0f}x"
    )


IMPORT_ROWS = 5_000
IMPORT_NUMBERS = 200  # per row, each a single number (a range of its own)


def import_file() -> bytes:
    """Row r sets pool "Import <r // 1000>" of tenant bench-<r % 1000>; its numbers sit ten to
    a gap between the existing ranges, so the check meets every existing range."""
    lines = ["tenant,pool,numbers"]
    for r in range(IMPORT_ROWS):
        numbers = []
        for j in range(IMPORT_NUMBERS):
            k = r * IMPORT_NUMBERS + j
            numbers.append(str(BASE + (k // 10) * STRIDE + 100 + 90 * (k % 10)))
        lines.append(f"bench-{r % TENANTS},Import {r // TENANTS},{';'.join(numbers)}")
    return ("\n".join(lines) + "\n").encode()


def bench_import() -> None:
    data = import_file()
    settings.DID_POOL_IMPORT_INLINE_BYTES = len(data)  # run both steps here, as the task would
    settings.DID_POOL_IMPORT_MAX_BYTES = max(settings.DID_POOL_IMPORT_MAX_BYTES, len(data))
    user = User.objects.create(email="bench@portal.example", is_superuser=True)
    print(
        f"pool CSV import: {IMPORT_ROWS:,} rows x {IMPORT_NUMBERS} numbers "
        f"({len(data) / 1e6:.1f} MB) against {NumberRange.objects.count():,} ranges"
    )
    with CaptureQueriesContext(connection) as check_queries:
        t0 = time.perf_counter()
        job = imports.import_start(user=user, upload=SimpleUploadedFile("bench.csv", data))
        check_s = time.perf_counter() - t0
    assert job.checked_ok, (job.file_errors, [r["errors"] for r in job.rows if r["errors"]][:3])
    print(f"  dry run: {check_s:.1f} s, {len(check_queries)} queries (none per row)")
    with CaptureQueriesContext(connection) as apply_queries:
        t0 = time.perf_counter()
        job = imports.import_apply(job=job)
        apply_s = time.perf_counter() - t0
    assert job.applied, job.error
    written = NumberRange.objects.filter(pool__name__startswith="Import ").count()
    print(
        f"  import:  {apply_s:.1f} s, {len(apply_queries)} queries, {written:,} ranges written "
        "in one transaction"
    )
    PoolImport.objects.all().delete()


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/pools.py needs PostgreSQL (DATABASE_URL); bin/bench starts one.")
    old = setup_databases(verbosity=0, interactive=False)
    try:
        with scopes_disabled():
            populate()
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM dids_numberrange")
                ranges = cursor.fetchone()[0]
            print(f"existing: {DidPool.objects.count():,} pools, {ranges:,} ranges")
            bench_assign()
            bench_overlap()
            bench_owner()
            bench_row_per_number()
            bench_import()
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
