"""Writes for DID pools: preview, assign, edit, delete, all-or-nothing.

The rule: a number belongs to one pool, so to one tenant, at most. The service checks it
inside the write transaction and names every conflict; on PostgreSQL the exclusion
constraints enforce it again against concurrent writers, and a violation there is reported
the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django_scopes import scopes_disabled

from portal.validation import full_clean
from tenants.models import Tenant

from . import phone, usage
from .models import Did, DidNote, DidPool, NumberOrder, NumberRange
from .ranges import NumberRange as Span
from .ranges import Pool, PoolSyntaxError
from .selectors import chunked_spans_q

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
    """A pool as a system administrator types it (`dids.phone`), within the size rules:
    `DID_POOL_MAX_RANGE_NUMBERS` per range, `DID_POOL_MAX_NUMBERS` per pool."""
    try:
        pool = phone.parse_pool(text, max_range=settings.DID_POOL_MAX_RANGE_NUMBERS)
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
        pool.delete()


# Labels and descriptions -------------------------------------------------------------------


def note_for(*, tenant: Tenant, number: int) -> DidNote | None:
    return DidNote.objects.filter(number=number).first()


@transaction.atomic
def note_save(*, tenant: Tenant, number: int, label: str, description: str) -> DidNote | None:
    """Sets a number's label and description; clearing both removes the note. The number must
    be in the tenant's pool (callers check; this re-checks inside the transaction)."""
    if not NumberRange.objects.filter(start__lte=number, end__gte=number).exists():
        raise ValidationError({"number": f"+{number} is not in {tenant.name}'s pool."})
    note = DidNote.objects.select_for_update().filter(number=number).first()
    if not label.strip() and not description.strip():
        if note is not None:
            note.delete()
        return None
    note = note or DidNote(tenant=tenant, number=number)
    note.label, note.description = label.strip(), description.strip()
    full_clean(note)
    note.save()
    return note


# Inventory sync ----------------------------------------------------------------------------


def sync_start(*, account, trigger: str = "manual", user=None):
    """Queues a sync of the account's inventory, or returns the one already queued or running
    (one at a time per account). The task starts when this transaction commits."""
    from .models import SyncRun
    from .tasks import sync_inventory

    active = SyncRun.objects.filter(account=account, status__in=["queued", "running"])
    with transaction.atomic():
        if (run := active.first()) is not None:
            return run
        try:
            with transaction.atomic():
                run = SyncRun.objects.create(account=account, trigger=trigger, requested_by=user)
        except IntegrityError:
            return active.get()  # made by a request that committed meanwhile
        transaction.on_commit(lambda: sync_inventory.delay(run.pk))
    return run


# Orders: buy, return, set destination ------------------------------------------------------

DESTINATION_TRANSPORTS = {"sip_uri": 1, "pstn": 4, "trunk": 5}
_SIP_URI = re.compile(r"^(sips?:)?[^@\s]+@[A-Za-z0-9.-]+(:\d{1,5})?$")


def _queue(order: NumberOrder) -> NumberOrder:
    from .tasks import run_order

    full_clean(order)
    order.save()
    transaction.on_commit(lambda: run_order.delay(order.pk))
    return order


@transaction.atomic
def order_buy(
    *,
    account,
    numbers: list[str],
    tenant: Tenant | None = None,
    user=None,
    fees: dict | None = None,
) -> NumberOrder:
    """Queues a purchase (cart, then checkout). With a tenant, the bought numbers join its
    “Direct” pool; they are checked against every pool now, so the pool step cannot fail
    later on a conflict we could have seen."""
    clean = sorted({n.strip().lstrip("+") for n in numbers if n.strip()})
    if not clean:
        raise ValidationError({"numbers": "Choose at least one number to buy."})
    bad = [n for n in clean if not n.isdigit()]
    if bad:
        raise ValidationError({"numbers": f"Not phone numbers: {', '.join(bad)}."})
    if tenant is not None:
        conflicts = find_conflicts(Pool.of(*map(int, clean)))
        if conflicts:
            raise ValidationError({"tenant": [str(c) for c in conflicts]})
    return _queue(
        NumberOrder(
            kind=NumberOrder.Kind.BUY,
            account=account,
            numbers=clean,
            tenant=tenant,
            requested_by=user,
            payload={"fees": fees or {}},
        )
    )


def _held_dids(numbers: list[int]) -> list[Did]:
    dids = list(Did.objects.filter(number__in=numbers).exclude(status=Did.Status.RELEASED))
    missing = sorted(set(numbers) - {d.number for d in dids})
    if missing:
        raise ValidationError(
            {"numbers": "Not held on Wavix: " + ", ".join(f"+{n}" for n in missing)}
        )
    accounts = {d.account_id for d in dids}
    if len(accounts) > 1:
        raise ValidationError(
            {
                "numbers": "These numbers are on different Wavix accounts; "
                "act on one account at a time."
            }
        )
    return dids


@transaction.atomic
def order_return(*, numbers: list[int], user=None) -> NumberOrder:
    """Queues returning numbers to Wavix. Refused while a number is in a tenant's pool (edit
    the pool first) or used by anything."""
    if not numbers:
        raise ValidationError({"numbers": ["Choose the numbers to return."]})
    dids = _held_dids(numbers)
    pooled = find_conflicts(Pool.of(*numbers))
    # What uses a number (an E911 record...) is named first: the pool cannot give it up either.
    in_use = [u for c in pooled for u in usage.uses_of(c.tenant, c.numbers)]
    unpooled = Pool.of(*numbers).difference(Pool(s for c in pooled for s in c.numbers.ranges))
    in_use += usage.uses_of(None, unpooled)
    if in_use:
        in_use = sorted(set(in_use), key=lambda u: (u.number, u.what))
        raise ValidationError({"numbers": [f"+{u.number} is in use: {u.what}" for u in in_use]})
    if pooled:
        raise ValidationError(
            {"numbers": [f"{c}: remove them from the pool first" for c in pooled]}
        )
    return _queue(
        NumberOrder(
            kind=NumberOrder.Kind.RETURN,
            account_id=dids[0].account_id,
            numbers=[str(d.number) for d in dids],
            requested_by=user,
        )
    )


def destination_entry(kind: str, value: str, trunk_id: int | None = None) -> dict:
    """One Wavix inbound destination, validated: a SIP URI, a PSTN number or a SIP trunk."""
    value = value.strip()
    if kind not in DESTINATION_TRANSPORTS:
        raise ValidationError({"kind": f"“{kind}” is not a destination type."})
    if kind == "sip_uri" and not _SIP_URI.match(value):
        raise ValidationError(
            {"value": f"“{value}” is not a SIP URI (user@host, e.g. [did]@pbx.example.com)."}
        )
    if kind == "pstn" and not (value.lstrip("+").isdigit() and 8 <= len(value.lstrip("+")) <= 15):
        raise ValidationError({"value": f"“{value}” is not a phone number in E.164 digits."})
    if kind == "trunk" and (not value or trunk_id is None):
        raise ValidationError({"value": "Give the SIP trunk's login and its Wavix ID."})
    entry = {
        "destination": value.lstrip("+") if kind == "pstn" else value,
        "priority": 1,
        "transport": DESTINATION_TRANSPORTS[kind],
    }
    if kind == "trunk":
        entry["trunk_id"] = trunk_id
    return entry


@transaction.atomic
def order_destination(
    *, numbers: list[int], kind: str, value: str, trunk_id: int | None = None, user=None
) -> NumberOrder:
    entry = destination_entry(kind, value, trunk_id)
    dids = _held_dids(numbers)
    return _queue(
        NumberOrder(
            kind=NumberOrder.Kind.DESTINATION,
            account_id=dids[0].account_id,
            numbers=[str(d.number) for d in dids],
            payload={"destinations": [entry]},
            requested_by=user,
        )
    )


def pool_add_numbers(*, tenant: Tenant, numbers: list[int], name: str = "Direct") -> DidPool:
    """Adds numbers to a tenant's pool (made if missing), all-or-nothing like any pool edit."""
    with scopes_disabled():
        pool = DidPool.objects.filter(tenant=tenant, name=name).first()
    combined = current_pool(pool) | Pool.of(*numbers)
    saved, _ = pool_save(tenant=tenant, pool=pool, text=combined.format(), name=name)
    return saved
