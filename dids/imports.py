"""CSV import and export of pools. An import is checked row by row (a dry run reports every
row) and committed all-or-nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django_scopes import scopes_disabled

from tenants.models import Tenant

from .models import DidPool
from .services import pool_save

COLUMNS = ("tenant", "pool", "numbers")
MAX_ROWS = 5000


@dataclass
class RowReport:
    line: int
    tenant: str
    pool: str
    errors: list[str] = field(default_factory=list)
    added: str = ""
    removed: str = ""
    size: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    rows: list[RowReport]
    committed: bool
    file_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(r.ok for r in self.rows)


def _read(data: bytes) -> tuple[list[dict], list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], ["The file is not UTF-8 text."]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [
            f"The header row lacks the column(s) {', '.join(missing)}; "
            f"expected {', '.join(COLUMNS)}."
        ]
    reader.fieldnames = header
    rows = list(reader)
    if not rows:
        return [], ["The file has no rows after the header."]
    if len(rows) > MAX_ROWS:
        return [], [f"The file has {len(rows)} rows; at most {MAX_ROWS} per import."]
    return rows, []


def import_pools(data: bytes, *, commit: bool) -> ImportReport:
    """Applies every row inside one transaction, each in its own savepoint so a bad row is
    reported without hiding the others; rolls everything back unless `commit` and all rows
    are good. Rows apply in order, so a conflict between two rows of the file is found too."""
    rows, file_errors = _read(data)
    if file_errors:
        return ImportReport(rows=[], committed=False, file_errors=file_errors)
    reports = []
    with transaction.atomic():
        for line, row in enumerate(rows, start=2):
            reports.append(_apply_row(line, row))
        committed = commit and all(r.ok for r in reports)
        if not committed:
            transaction.set_rollback(True)
    return ImportReport(rows=reports, committed=committed)


def _apply_row(line: int, row: dict) -> RowReport:
    slug, name = (row.get("tenant") or "").strip(), (row.get("pool") or "").strip() or "Direct"
    report = RowReport(line=line, tenant=slug, pool=name)
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        report.errors.append(f"tenant: no tenant with the slug “{slug}”")
        return report
    with scopes_disabled():
        pool = DidPool.objects.filter(tenant=tenant, name=name).first()
    try:
        with transaction.atomic():
            saved, preview = pool_save(
                tenant=tenant, pool=pool, text=row.get("numbers") or "", name=name
            )
    except ValidationError as exc:
        for messages in exc.message_dict.values():
            report.errors.extend(messages)
        return report
    report.added, report.removed = preview.added.format(), preview.removed.format()
    report.size = saved.size
    return report


def export_rows():
    """Every pool as (tenant, pool, numbers, size), read in chunks."""
    with scopes_disabled():
        pools = DidPool.objects.select_related("tenant").order_by("tenant__slug", "name")
        for pool in pools.iterator(chunk_size=500):
            yield [pool.tenant.slug, pool.name, pool.spec, pool.size]
