"""Writes for DID pools: preview, assign, edit, delete, all-or-nothing.

The rule: a number belongs to one pool, so to one tenant, at most. The service checks it
inside the write transaction and names every conflict; on PostgreSQL the exclusion
constraints enforce it again against concurrent writers, and a violation there is reported
the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django_scopes import scopes_disabled

from portal import phone
from portal.validation import full_clean
from tenants.models import Tenant

from .. import listeners, usage
from ..models import Did, DidPool, NumberRange
from ..ranges import Pool, PoolSyntaxError, Span
from ..selectors import chunked_spans_q

BULK_CHUNK = 500
DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE


@dataclass(frozen=True)
class Conflict:
    numbers: Pool
    tenant: Tenant
    pool_name: str

    def __str__(self) -> str:
        return (
            f"{self.numbers.format()} already belong to {self.tenant.name} "
            f"(pool “{self.pool_name}”)"
        )


@dataclass
class PoolPreview:
    """What saving `new` would do: numbers added and removed, and why it would be refused."""

    old: Pool
    new: Pool
    added: Pool
    removed: Pool
    conflicts: list[Conflict] = field(default_factory=list)
    in_use: list[usage.Use] = field(default_factory=list)
    added_held: int = 0  # of the added numbers, how many are held on Wavix

    @property
    def ok(self) -> bool:
        return not self.conflicts and not self.in_use

    def errors(self) -> list[str]:
        messages = [str(c) for c in self.conflicts]
        messages += [f"+{u.number} is in use: {u.what}" for u in self.in_use]
        return messages


def parse_pool(text: str, field_name: str = "numbers") -> Pool:
    """A pool as a system administrator types it (`portal.phone`), within the size rules:
    `DID_POOL_MAX_RANGE_NUMBERS` per range, `DID_POOL_MAX_NUMBERS` per pool."""
    try:
        pool = Pool.parse(text, number=phone.check, max_range=settings.DID_POOL_MAX_RANGE_NUMBERS)
    except PoolSyntaxError as exc:
        raise ValidationError({field_name: [str(e) for e in exc.errors]}) from exc
    limit = settings.DID_POOL_MAX_NUMBERS
    if pool.size > limit:
        raise ValidationError(
            {field_name: f"The pool holds {pool.size:,} numbers; at most {limit:,} per pool."}
        )
    return pool


def current_pool(pool: DidPool | None) -> Pool:
    if pool is None or pool.pk is None:
        return Pool()
    with scopes_disabled():
        rows = NumberRange.objects.filter(pool=pool).values_list("start", "end")
    return Pool(Span(s, e) for s, e in rows)


def find_conflicts(numbers: Pool, *, exclude_pool: DidPool | None = None) -> list[Conflict]:
    """The parts of `numbers` that belong to other pools, grouped by pool (a global check):
    one indexed query per chunk of ranges, then one for the names of the pools found."""
    found: dict[int, list[Span]] = {}
    spans = list(numbers.ranges)
    with scopes_disabled():
        for i in range(0, len(spans), BULK_CHUNK):
            rows = NumberRange.objects.overlapping_any(spans[i : i + BULK_CHUNK])
            if exclude_pool is not None and exclude_pool.pk:
                rows = rows.exclude(pool=exclude_pool)
            for pool_id, start, end in rows.values_list("pool_id", "start", "end"):
                found.setdefault(pool_id, []).append(Span(start, end))
        pools = DidPool.objects.select_related("tenant").in_bulk(list(found)) if found else {}
    conflicts = []
    for pool_id, taken in found.items():
        overlap = numbers.intersection(Pool(taken))
        if overlap:
            pool = pools[pool_id]
            conflicts.append(Conflict(overlap, pool.tenant, pool.name))
    return sorted(conflicts, key=lambda c: c.numbers.ranges[0])


def pool_preview(*, tenant: Tenant, pool: DidPool | None, text: str) -> PoolPreview:
    new = parse_pool(text)
    old = current_pool(pool)
    added, removed = old.diff(new)
    return PoolPreview(
        old=old,
        new=new,
        added=added,
        removed=removed,
        conflicts=find_conflicts(added, exclude_pool=pool),
        in_use=usage.uses_of(tenant, removed),
        added_held=held_count(added),
    )


def held_count(numbers: Pool) -> int:
    """How many of these numbers are held on Wavix (the inventory), a query per chunk."""
    return sum(Did.objects.held().filter(q).count() for q in chunked_spans_q(numbers))


def _refuse(preview: PoolPreview) -> None:
    raise ValidationError({"numbers": preview.errors()})


def _write_ranges(pool: DidPool, preview: PoolPreview) -> None:
    """Applies the change as deletes and inserts of ranges (only the ranges that differ)."""
    old_spans, new_spans = set(preview.old.ranges), set(preview.new.ranges)
    with scopes_disabled():
        stale = [s for s in old_spans - new_spans]
        for i in range(0, len(stale), BULK_CHUNK):
            chunk = stale[i : i + BULK_CHUNK]
            NumberRange.objects.filter(pool=pool).filter(
                start__in=[s.start for s in chunk]
            ).delete()
        NumberRange.objects.bulk_create(
            [
                NumberRange(pool=pool, tenant_id=pool.tenant_id, start=s.start, end=s.end)
                for s in sorted(new_spans - old_spans)
            ],
            batch_size=BULK_CHUNK,
        )


def _check_name_free(tenant: Tenant, name: str) -> None:
    with scopes_disabled():
        if DidPool.objects.filter(tenant=tenant, name=name.strip() or "Direct").exists():
            raise ValidationError(
                {
                    "name": f"{tenant.name} already has a pool named "
                    f"“{name.strip() or 'Direct'}”; edit that one."
                }
            )


def pool_save(
    *, tenant: Tenant, pool: DidPool | None = None, text: str, name: str = "Direct"
) -> tuple[DidPool, PoolPreview]:
    """Creates or edits a tenant's pool to hold exactly the numbers in `text`. All or nothing:
    a conflict or a number in use refuses the whole edit and names every problem."""
    try:
        with transaction.atomic():
            if pool is not None:
                with scopes_disabled():
                    pool = DidPool.objects.select_for_update().get(pk=pool.pk, tenant=tenant)
            else:
                _check_name_free(tenant, name)
            preview = pool_preview(tenant=tenant, pool=pool, text=text)
            if not preview.ok:
                _refuse(preview)
            if pool is None:
                pool = DidPool(tenant=tenant, name=name.strip() or "Direct")
            pool.spec = preview.new.format()
            pool.size = preview.new.size
            full_clean(pool)
            pool.save()
            _write_ranges(pool, preview)
            entered, left = preview.old.diff(preview.new)
            listeners.announce(listeners.NumbersChanged(entered=entered, left=left))
    except (IntegrityError, OperationalError) as exc:
        # A concurrent edit took some of these numbers between our check and our insert: the
        # exclusion constraint refuses ours, or (two inserts each waiting on the other's
        # uncommitted range) PostgreSQL ends the deadlock by aborting ours.
        deadlock = getattr(exc.__cause__, "sqlstate", None) == DEADLOCK_DETECTED
        if not (deadlock or "numberrange_no_overlap" in str(exc)):
            raise
        conflicts = find_conflicts(parse_pool(text), exclude_pool=pool)
        raise ValidationError(
            {
                "numbers": [str(c) for c in conflicts]
                or ["These numbers were just assigned elsewhere; review and try again."]
            }
        ) from exc
    return pool, preview


@transaction.atomic
def pool_delete(*, pool: DidPool) -> None:
    """Deletes a pool; refused while any of its numbers is in use."""
    with scopes_disabled():
        pool = DidPool.objects.select_for_update().get(pk=pool.pk)
        in_use = usage.uses_of(pool.tenant, current_pool(pool))
        if in_use:
            raise ValidationError({"numbers": [f"+{u.number} is in use: {u.what}" for u in in_use]})
        left = current_pool(pool)
        pool.delete()
        listeners.announce(listeners.NumbersChanged(left=left))


def pool_add_numbers(*, tenant: Tenant, numbers: list[int], name: str = "Direct") -> DidPool:
    """Adds numbers to a tenant's pool (made if missing), all-or-nothing like any pool edit."""
    with scopes_disabled():
        pool = DidPool.objects.filter(tenant=tenant, name=name).first()
    combined = current_pool(pool) | Pool.of(*numbers)
    saved, _ = pool_save(tenant=tenant, pool=pool, text=combined.format(), name=name)
    return saved
