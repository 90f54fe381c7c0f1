"""The one rule of a message's status: it only moves forward, and a final one never changes.
The outbox, the delivery reports and the status lookup all ask this."""

from __future__ import annotations

from .models import FINAL_STATUSES, STATUS_RANK


def moves_forward(current: str, new: str) -> bool:
    """Whether a message at `current` may take `new` (a late "sent" after "delivered" may
    not; an unknown status may not)."""
    if current in FINAL_STATUSES or new not in STATUS_RANK:
        return False
    return STATUS_RANK[new] > STATUS_RANK[current]


def is_final(status: str) -> bool:
    return status in FINAL_STATUSES
