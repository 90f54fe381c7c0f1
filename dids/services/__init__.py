"""Writes of the numbers app, one module per feature: `pools` (a tenant's numbers), `inventory`
(a tenant's notes on its numbers), `sync` (the inventory from Wavix), `orders` (buy, return,
set the destination), `e911` and `e911_jobs` (emergency addresses), `reconcile` (E911 on
Wavix against the portal), `imports` (pool CSV import and export).

Each long job runs on the one job runner (`portal.jobs`): a service saves the job and
enqueues its task on commit by the task's name, and the thin task in `dids/tasks.py` calls
the runner, so tasks import services and never the other way round.

The pool, note, sync and order services are re-exported here, as `dids.services.<name>`.
"""

from .inventory import note_for, note_save
from .orders import (
    DESTINATION_TRANSPORTS,
    destination_entry,
    order_buy,
    order_destination,
    order_return,
)
from .pools import (
    BULK_CHUNK,
    Conflict,
    PoolPreview,
    current_pool,
    find_conflicts,
    held_count,
    parse_pool,
    pool_add_numbers,
    pool_delete,
    pool_preview,
    pool_save,
)
from .sync import sync_start

__all__ = [
    "BULK_CHUNK",
    "DESTINATION_TRANSPORTS",
    "Conflict",
    "PoolPreview",
    "current_pool",
    "destination_entry",
    "find_conflicts",
    "held_count",
    "note_for",
    "note_save",
    "order_buy",
    "order_destination",
    "order_return",
    "parse_pool",
    "pool_add_numbers",
    "pool_delete",
    "pool_preview",
    "pool_save",
    "sync_start",
]
