"""The number validator: single lookups answer at once; bulk requests answer at once too, or
asynchronously with a request id to poll."""

from __future__ import annotations

from django.db import transaction

from .. import numbering
from ..models import SandboxAccount, SandboxValidationRequest

DEPTHS = ("format", "analysis", "validation")
MAX_NUMBERS = 10_000


def batch(items: list[dict], *, pending: int = 0) -> dict:
    return {
        "status": "in progress" if pending else "success",
        "pending": pending,
        "count": len(items),
        "items": [] if pending else items,
    }


def validation_run(*, phone_numbers: list[str], depth: str) -> list[dict]:
    return [numbering.validate(n, depth) for n in phone_numbers]


def validation_request_create(
    *, account: SandboxAccount, phone_numbers: list[str], depth: str
) -> SandboxValidationRequest:
    request = SandboxValidationRequest(
        account=account,
        type=depth,
        results=validation_run(phone_numbers=phone_numbers, depth=depth),
    )
    request.full_clean()
    request.save()
    return request


def validation_request_poll(*, request: SandboxValidationRequest) -> dict:
    """The first poll finds the batch still running; later polls get the results."""
    with transaction.atomic():
        locked = SandboxValidationRequest.objects.select_for_update().get(pk=request.pk)
        locked.polls += 1
        locked.save(update_fields=["polls"])
    pending = len(locked.results) if locked.polls == 1 else 0
    return batch(locked.results, pending=pending)
