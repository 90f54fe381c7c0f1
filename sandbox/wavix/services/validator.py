"""The number validator: single lookups answer at once; bulk requests answer at once too, or
asynchronously with a request id to poll. An asynchronous request progresses over its polls:
each poll validates the next quarter of its numbers and answers every item validated so far,
with `pending` decreasing (as Wavix's guide shows); the fourth poll finds it done."""

from __future__ import annotations

import math

from django.db import transaction

from .. import lookup
from ..models import SandboxAccount, SandboxValidationRequest

DEPTHS = lookup.DEPTHS
MAX_NUMBERS = 10_000
POLLS_TO_FINISH = 4


def batch(items: list[dict], *, count: int | None = None) -> dict:
    count = len(items) if count is None else count
    pending = max(0, count - len(items))
    return {
        "status": "in progress" if pending else "success",
        "pending": pending,
        "count": count,
        "items": items,
    }


def validation_run(*, phone_numbers: list[str], depth: str) -> list[dict]:
    return [lookup.validate(n, depth) for n in phone_numbers]


def validation_request_create(
    *, account: SandboxAccount, phone_numbers: list[str], depth: str
) -> SandboxValidationRequest:
    request = SandboxValidationRequest(account=account, type=depth, phone_numbers=phone_numbers)
    request.full_clean()
    request.save()
    return request


def validation_request_poll(*, request: SandboxValidationRequest) -> dict:
    """Validates the next share of the numbers and answers all validated so far."""
    with transaction.atomic():
        locked = SandboxValidationRequest.objects.select_for_update().get(pk=request.pk)
        locked.polls += 1
        count = len(locked.phone_numbers)
        due = min(count, math.ceil(count * locked.polls / POLLS_TO_FINISH))
        done = len(locked.results)
        if due > done:
            more = locked.phone_numbers[done:due]
            locked.results = locked.results + validation_run(phone_numbers=more, depth=locked.type)
        locked.save(update_fields=["polls", "results"])
    return batch(locked.results, count=count)
