"""CSV import and export of pools.

An import is checked first (the dry run): the file's size is bounded before it is read, each
row goes through the pool editor's form and the model's rules, and all rows are checked
together against the existing pools in one pass, in memory (a bounded number of queries,
whatever the rows). The checked rows are kept on a `PoolImport` owned by the system
administrator; Import applies exactly those rows in one short transaction that first makes
sure no pool changed since the dry run. Nothing is computed while a write lock is held, and a
large file is checked and applied by a task with progress.
"""

from __future__ import annotations

import csv
import heapq
import io
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from portal import audit
from portal.jobs.models import JobStatus
from portal.jobs.runner import JobRunner, Outcome
from tenants.models import Tenant, User

from .. import usage
from ..forms import PoolImportRowForm
from ..models import DidPool, NumberRange, PoolImport
from ..ranges import Pool, Span
from .pools import BULK_CHUNK, parse_pool

log = logging.getLogger(__name__)

COLUMNS = ("tenant", "pool", "numbers")
IGNORED_COLUMNS = ("size",)  # written by the export, so an exported file imports as it is
MAX_ROWS = 5000
PROGRESS_EVERY = 250  # rows between two progress updates of a running check
SHOWN_CHARS = 60  # of the added and removed numbers, as shown in the report
ROW_FIELDS = {"tenant": "tenant", "name": "pool", "numbers": "numbers"}  # form field: column
KEPT_DAYS = 1  # a user's finished imports older than this are deleted at their next upload


@dataclass
class Row:
    """One row of the file as checked: what it sets, and why it cannot (if it cannot)."""

    line: int
    tenant: str
    pool: str
    errors: list[str] = field(default_factory=list)
    slug: str = ""
    tenant_id: int | None = None
    pool_id: int | None = None
    numbers_text: str = ""
    numbers: Pool | None = None
    old: Pool = field(default_factory=Pool)
    added: str = ""
    removed: str = ""
    added_count: int = 0
    removed_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def stored(self) -> dict:
        return {
            "line": self.line,
            "tenant": self.tenant,
            "pool": self.pool,
            "errors": self.errors,
            "tenant_id": self.tenant_id,
            "pool_id": self.pool_id,
            "spec": self.numbers.format() if self.numbers is not None and self.ok else "",
            "size": self.numbers.size if self.numbers is not None else 0,
            "added": self.added,
            "removed": self.removed,
            "added_count": self.added_count,
            "removed_count": self.removed_count,
        }


# Starting and checking -----------------------------------------------------------------------


def import_start(*, user: User, upload: UploadedFile) -> PoolImport:
    """Keeps an uploaded file for its dry run (refused above `DID_POOL_IMPORT_MAX_BYTES`,
    before it is read) and checks it now if small, or queues the check."""
    limit = settings.DID_POOL_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {"file": f"The file has {upload.size:,} bytes; at most {limit:,} per import."}
        )
    raw = upload.read(limit + 1)
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            {"file": f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read)."}
        ) from exc
    _purge_old(user)
    job = PoolImport.objects.create(
        requested_by=user, filename=_printable(upload.name or "")[:255], data=raw
    )
    if upload.size <= settings.DID_POOL_IMPORT_INLINE_BYTES:
        import_check(job.pk)
        job.refresh_from_db()
    else:
        CheckRunner.enqueue(job.pk)
    return job


def _purge_old(user: User) -> None:
    cutoff = timezone.now() - timedelta(days=KEPT_DAYS)
    PoolImport.objects.filter(requested_by=user, created_at__lt=cutoff).exclude(
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).delete()


class _ImportRunner(JobRunner):
    """A phase of a pool import. Not retried by itself: it calls no provider, so what fails
    fails the same way again (the reason is on the job; the user runs it again)."""

    model = PoolImport
    task = "dids.tasks.pool_import_check"
    retry_policy = None
    no_retry = "Run the dry run again."
    phase: str = PoolImport.Phase.CHECK

    def claimable(self, job: PoolImport) -> bool:
        return job.phase == self.phase

    def finished(self, status: str) -> dict:
        # The file is dropped once checked; `done` is every row on success, none otherwise.
        return {"data": b"", "done": F("total") if status == JobStatus.SUCCEEDED else 0}

    def perform(self) -> Outcome | None:
        try:
            return self.work()
        except Exception:
            # Logged with its traceback for the system administrators; the job says what
            # happened (a page of the portal, so never a 500).
            log.exception(
                "pool import %s: the %s failed", self.job.pk, self.job.get_phase_display()
            )
            return Outcome.failed(UNEXPECTED)

    def work(self) -> Outcome | None:
        raise NotImplementedError


class CheckRunner(_ImportRunner):
    """The dry run of a queued import: reads and checks every row, and keeps the result on
    the job. Reads only; the job's row is the one thing written."""

    def work(self) -> None:
        job = self.job
        version = pools_version()
        records, file_errors = read_csv(bytes(job.data).decode("utf-8-sig"))
        self.progress(total=len(records))
        rows = check_rows(records, progress=lambda n: self.progress(done=n)) if records else []
        self.progress(
            file_errors=file_errors,
            rows=[r.stored() for r in rows],
            total=len(rows),
            invalid=sum(not r.ok for r in rows),
            pools_version=version,
        )


def import_check(job_id: int) -> str:
    """The dry run of a queued import (its task, or inline for a small file)."""
    return CheckRunner.run(job_id)


def read_csv(text: str) -> tuple[list[tuple[int, dict]], list[str]]:
    """(line, {column: value}) for each row, or the reasons the file cannot be read."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return [], ["The file is empty; it needs a header row: tenant,pool,numbers."]
        columns = [h.strip().lower() for h in header]
        problems = _header_problems(columns)
        if problems:
            return [], problems
        records = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(records) >= MAX_ROWS:
                return [], [f"The file has more than {MAX_ROWS:,} rows; at most {MAX_ROWS:,}."]
            line = reader.line_num
            if len(cells) != len(columns):
                records.append((line, {"_cells": len(cells), "_columns": len(columns)}))
                continue
            records.append((line, dict(zip(columns, cells, strict=True))))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            return [], [
                f"Line {reader.line_num}: a cell is longer than {csv.field_size_limit():,} "
                "characters, the most one cell may hold (write consecutive numbers as ranges, "
                "first-last)."
            ]
        return [], [f"Line {reader.line_num}: the CSV cannot be read ({exc})."]
    if not records:
        return [], ["The file has no rows after the header."]
    return records, []


def _header_problems(columns: list[str]) -> list[str]:
    problems = []
    seen: dict[str, int] = {}
    for position, name in enumerate(columns, start=1):
        if name in seen:
            problems.append(
                f"The header row repeats the column “{name}” (columns {seen[name]} and "
                f"{position}); each column may appear once."
            )
        seen.setdefault(name, position)
    unknown = [c for c in seen if c not in COLUMNS and c not in IGNORED_COLUMNS]
    if unknown:
        problems.append(
            f"The header row has unknown column(s) {', '.join(f'“{c}”' for c in unknown)}; "
            f"expected {', '.join(COLUMNS)}."
        )
    missing = [c for c in COLUMNS if c not in seen]
    if missing:
        problems.append(
            f"The header row lacks the column(s) {', '.join(missing)}; "
            f"expected {', '.join(COLUMNS)}."
        )
    return problems


def check_rows(records: list[tuple[int, dict]], progress=None) -> list[Row]:
    """Every row checked on its own (the editor's form, the model's rules, the size rules),
    then all rows together against the existing pools and each other."""
    rows = [_row(line, values) for line, values in records]
    with scopes_disabled():
        _resolve(rows)
        for start in range(0, len(rows), PROGRESS_EVERY):
            for row in rows[start : start + PROGRESS_EVERY]:
                if row.numbers_text:
                    _parse(row)
            if progress is not None:
                progress(min(start + PROGRESS_EVERY, len(rows)))
        valid = [r for r in rows if r.ok]
        existing = _existing_ranges(valid)
        for row in valid:
            row.old = Pool(Span(s, e) for s, e in existing.get(row.pool_id, ()))
        _find_conflicts(valid, existing)
        _find_uses(valid)
    for row in rows:
        if row.ok:
            added, removed = row.old.diff(row.numbers)
            row.added, row.removed = _shown(added), _shown(removed)
            row.added_count, row.removed_count = added.size, removed.size
    return rows


def _row(line: int, values: dict) -> Row:
    if "_cells" in values:
        row = Row(line=line, tenant="", pool="")
        row.errors.append(
            f"the row has {values['_cells']} cells; the header has {values['_columns']}"
        )
        return row
    slug, name = values.get("tenant", "").strip(), values.get("pool", "").strip() or "Direct"
    row = Row(line=line, tenant=_printable(slug[:100]), pool=_printable(name[:100]))
    form = PoolImportRowForm(
        data={"tenant": slug, "name": name, "numbers": values.get("numbers", "")}
    )
    if not form.is_valid():
        for field_name, messages in form.errors.items():
            row.errors += [f"{ROW_FIELDS.get(field_name, field_name)}: {m}" for m in messages]
    row.slug = form.cleaned_data.get("tenant", "")
    row.pool = form.cleaned_data.get("name", row.pool)
    row.numbers_text = form.cleaned_data.get("numbers", "")
    return row


def _printable(text: str) -> str:
    """A value as the report shows it: a NUL (which the form refuses, and the database cannot
    store) shown as the symbol for it."""
    return text.replace("\x00", "\u2400")


def _resolve(rows: list[Row]) -> None:
    """Tenants and existing pools of every row: two queries for the whole file. A row that
    sets a pool an earlier row sets too is refused (one row per pool)."""
    slugs = {r.slug for r in rows if r.slug}
    tenants = dict(Tenant.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    pools = {
        (tenant_id, name): pk
        for pk, tenant_id, name in DidPool.objects.filter(
            tenant_id__in=tenants.values()
        ).values_list("pk", "tenant_id", "name")
    }
    first_line: dict[tuple[int, str], int] = {}
    for row in rows:
        if not row.slug:
            continue
        row.tenant_id = tenants.get(row.slug)
        if row.tenant_id is None:
            row.errors.append(f"tenant: no tenant with the slug “{row.tenant}”")
            continue
        key = (row.tenant_id, row.pool)
        if key in first_line:
            row.errors.append(
                f"pool: line {first_line[key]} sets pool “{row.pool}” of {row.tenant} too; "
                "one row per pool"
            )
            continue
        first_line[key] = row.line
        row.pool_id = pools.get(key)
        if row.ok:
            candidate = DidPool(tenant_id=row.tenant_id, name=row.pool)
            try:
                candidate.full_clean(
                    exclude=["tenant", "spec", "size"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as exc:
                for field_name, messages in exc.message_dict.items():
                    row.errors += [f"{field_name}: {m}" for m in messages]


def _parse(row: Row) -> None:
    try:
        row.numbers = parse_pool(row.numbers_text)
    except ValidationError as exc:
        row.errors += [f"numbers: {m}" for m in exc.message_dict["numbers"]]


def _existing_ranges(rows: list[Row]) -> dict[int, list[tuple[int, int]]]:
    """The ranges that can matter, by pool: those of the pools the file replaces, and those
    inside the span of the file's numbers. One query per chunk of replaced pools."""
    spans = [r for row in rows for r in (row.numbers.ranges if row.numbers else ())]
    replaced = sorted({row.pool_id for row in rows if row.pool_id})
    out: dict[int, list[tuple[int, int]]] = defaultdict(list)
    if not spans and not replaced:
        return out
    hull = Q()
    if spans:
        low, high = min(s.start for s in spans), max(s.end for s in spans)
        hull = Q(start__lte=high, end__gte=low)
    chunks = [replaced[i : i + BULK_CHUNK] for i in range(0, len(replaced), BULK_CHUNK)] or [[]]
    seen = set()
    for index, chunk in enumerate(chunks):
        query = Q(pool_id__in=chunk)
        if index == 0 and spans:
            query |= hull
        for pk, pool_id, start, end in NumberRange.objects.filter(query).values_list(
            "pk", "pool_id", "start", "end"
        ):
            if pk not in seen:
                seen.add(pk)
                out[pool_id].append((start, end))
    return out


def _find_conflicts(rows: list[Row], existing: dict[int, list[tuple[int, int]]]) -> None:
    """One sweep over all ranges in order of their start: where two owners overlap, the
    existing pool (not replaced by the file) or the earlier line keeps the numbers, and the
    later line is refused with them."""
    replaced = {row.pool_id for row in rows if row.pool_id}
    # (start, end, rank, owner): rank 0 for existing pools, the line for rows.
    intervals = [
        (start, end, 0, pool_id)
        for pool_id, spans in existing.items()
        if pool_id not in replaced
        for start, end in spans
    ]
    by_line = {row.line: row for row in rows}
    intervals += [(s.start, s.end, row.line, None) for row in rows for s in row.numbers.ranges]
    intervals.sort()
    active: list[tuple[int, int, int, int | None]] = []  # heap by end
    lost: dict[int, dict[tuple[int, int | None], list[Span]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for start, end, rank, pool_id in intervals:
        while active and active[0][0] < start:
            heapq.heappop(active)
        for other_end, other_rank, other_pool, other_start in active:
            if other_rank == rank and rank:
                continue
            overlap = Span(max(start, other_start), min(end, other_end))
            winner, loser = sorted([(other_rank, other_pool), (rank, pool_id)])
            if loser[0]:
                lost[loser[0]][winner].append(overlap)
        heapq.heappush(active, (end, rank, pool_id, start))
    if not lost:
        return
    owners = {pool_id for by_winner in lost.values() for _, pool_id in by_winner if pool_id}
    names = {
        p.pk: (p.tenant.name, p.name)
        for p in DidPool.objects.select_related("tenant").filter(pk__in=owners)
    }
    tenant_names = dict(
        Tenant.objects.filter(pk__in={r.tenant_id for r in rows}).values_list("pk", "name")
    )
    for line, by_winner in sorted(lost.items()):
        row = by_line[line]
        for (winner_rank, winner_pool), spans in sorted(by_winner.items(), key=_first_span):
            numbers = Pool(spans).format()
            if winner_rank == 0:
                tenant, pool = names[winner_pool]
                row.errors.append(f"numbers: {numbers} already belong to {tenant} (pool “{pool}”)")
            else:
                first = by_line[winner_rank]
                row.errors.append(
                    f"numbers: {numbers} already belong to {tenant_names[first.tenant_id]} "
                    f"(pool “{first.pool}”, line {first.line} of this file)"
                )


def _first_span(item) -> tuple[int, int]:
    return min((s.start, s.end) for s in item[1])


def _find_uses(rows: list[Row]) -> None:
    """Numbers a row would take from its pool while something uses them: the registered
    checkers run once per tenant that loses numbers (not per row)."""
    losing: dict[int, list[tuple[Row, Pool]]] = defaultdict(list)
    for row in rows:
        if row.pool_id and row.ok:
            removed = row.old.difference(row.numbers)
            if removed:
                losing[row.tenant_id].append((row, removed))
    if not losing:
        return
    tenants = Tenant.objects.in_bulk(list(losing))
    for tenant_id, items in losing.items():
        everything = Pool(s for _, removed in items for s in removed.ranges)
        for use in usage.uses_of(tenants[tenant_id], everything):
            for row, removed in items:
                if use.number in removed:
                    row.errors.append(f"numbers: +{use.number} is in use: {use.what}")


def _shown(numbers: Pool) -> str:
    text = numbers.format()
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def pools_version() -> str:
    """A fingerprint of every pool: any pool created, edited or deleted changes it."""
    with scopes_disabled():
        state = DidPool.objects.aggregate(n=Count("pk"), last=Max("pk"), at=Max("updated_at"))
    at = state["at"].isoformat() if state["at"] else ""
    return f"{state['n']}:{state['last'] or 0}:{at}"


# Applying --------------------------------------------------------------------------------------


def import_apply(*, job: PoolImport) -> PoolImport:
    """Applies a checked import (now if small, else by a task): refused unless its dry run
    found every row valid, and only once."""
    with transaction.atomic():
        job = PoolImport.objects.select_for_update().get(pk=job.pk)
        if not job.checked_ok:
            raise ValidationError(
                {"file": "This import cannot be applied: run a dry run whose rows are all valid."}
            )
        job.phase, job.status, job.done, job.finished_at, job.attempt = (
            PoolImport.Phase.APPLY,
            JobStatus.QUEUED,
            0,
            None,
            1,
        )
        job.save(update_fields=["phase", "status", "done", "finished_at", "attempt"])
        small = _is_small(job)
        if not small:
            ApplyRunner.enqueue(job.pk)
    if small:
        apply_rows(job.pk)  # claimed above, committed: applied in its own transaction
    job.refresh_from_db()
    return job


def _is_small(job: PoolImport) -> bool:
    return sum(len(r["spec"]) for r in job.rows) <= settings.DID_POOL_IMPORT_INLINE_BYTES


class ApplyRunner(_ImportRunner):
    """Writes the checked rows: the new ranges are built first, outside any transaction; then
    one transaction locks the pools, makes sure none changed since the dry run, and writes.
    Not retried by itself: a refused import stays refused until the dry run is run again."""

    task = "dids.tasks.pool_import_apply"
    phase = PoolImport.Phase.APPLY

    def work(self) -> Outcome | None:
        job = self.job
        plan = [(r, Pool.parse(r["spec"])) for r in job.rows]
        try:
            with scopes_disabled(), transaction.atomic():
                _write(job, plan)
        except _Changed as exc:
            return Outcome.failed(str(exc))
        except (IntegrityError, OperationalError):
            # The exclusion constraints caught a pool edit that committed while we wrote.
            return Outcome.failed(CHANGED)
        return None


def apply_rows(job_id: int) -> str:
    """Applies a checked import (its task, or inline for a small one)."""
    return ApplyRunner.run(job_id)


CHANGED = (
    "The pools changed since the dry run (someone created, edited or deleted a pool); "
    "nothing was imported. Run the dry run again and import its result."
)


UNEXPECTED = (
    "The import stopped on an unexpected error (recorded in the server log); nothing was imported."
)


class _Changed(Exception):
    pass


def _write(job: PoolImport, plan: list[tuple[dict, Pool]]) -> None:
    existing_ids = [r["pool_id"] for r, _ in plan if r["pool_id"]]
    locked = {}
    for i in range(0, len(existing_ids), BULK_CHUNK):
        chunk = existing_ids[i : i + BULK_CHUNK]
        locked.update(
            DidPool.objects.select_for_update(of=("self",)).select_related("tenant").in_bulk(chunk)
        )
    if len(locked) != len(existing_ids) or pools_version() != job.pools_version:
        raise _Changed(CHANGED)
    now = timezone.now()
    # The audit entries name each pool with its tenant: read the tenants once.
    wanted = {r["tenant_id"] for r, _ in plan if not r["pool_id"]}
    tenants = Tenant.objects.in_bulk(wanted)
    if len(tenants) != len(wanted):
        raise _Changed(CHANGED)  # a tenant was deleted since the dry run
    created, updated, before, targets = [], [], {}, []
    for r, numbers in plan:
        if r["pool_id"]:
            pool = locked[r["pool_id"]]
            before[pool.pk] = audit.snapshot(pool)
            pool.spec, pool.size, pool.updated_at = r["spec"], numbers.size, now
            updated.append(pool)
        else:
            pool = DidPool(
                tenant=tenants[r["tenant_id"]], name=r["pool"], spec=r["spec"], size=numbers.size
            )
            created.append(pool)
        targets.append((pool, numbers))
    DidPool.objects.bulk_create(created, batch_size=BULK_CHUNK)
    DidPool.objects.bulk_update(updated, ["spec", "size", "updated_at"], batch_size=BULK_CHUNK)
    _write_ranges(targets, [p.pk for p in updated])
    message = f"Pool CSV import {job.key}"
    audit.record_many([(p, "create", None, audit.snapshot(p)) for p in created], message)
    audit.record_many([(p, "update", before[p.pk], audit.snapshot(p)) for p in updated], message)


def _write_ranges(targets: list[tuple[DidPool, Pool]], updated_ids: list[int]) -> None:
    """Deletes the ranges that are no more and inserts the new ones; a range that stays is
    not touched, so importing an unchanged file writes no range."""
    wanted = {pool.pk: {(s.start, s.end) for s in numbers.ranges} for pool, numbers in targets}
    kept: dict[int, set[tuple[int, int]]] = defaultdict(set)
    stale = []
    for i in range(0, len(updated_ids), BULK_CHUNK):
        for pk, pool_id, start, end in NumberRange.objects.filter(
            pool_id__in=updated_ids[i : i + BULK_CHUNK]
        ).values_list("pk", "pool_id", "start", "end"):
            if (start, end) in wanted[pool_id]:
                kept[pool_id].add((start, end))
            else:
                stale.append(pk)
    for i in range(0, len(stale), BULK_CHUNK):
        NumberRange.objects.filter(pk__in=stale[i : i + BULK_CHUNK]).delete()
    NumberRange.objects.bulk_create(
        [
            NumberRange(pool_id=pool.pk, tenant_id=pool.tenant_id, start=s.start, end=s.end)
            for pool, numbers in targets
            for s in numbers.ranges
            if (s.start, s.end) not in kept[pool.pk]
        ],
        batch_size=5000,
    )


# Export ------------------------------------------------------------------------------------------


def export_rows():
    """Every pool as (tenant, pool, numbers, size), read in chunks: a pool is its ranges, so
    the file never expands numbers."""
    with scopes_disabled():
        pools = DidPool.objects.select_related("tenant").order_by("tenant__slug", "name")
        for pool in pools.iterator(chunk_size=500):
            yield [pool.tenant.slug, pool.name, pool.spec, pool.size]
