"""The HTTP requests DIDWW makes to its customer (callbacks, HTTP IN deliveries): posted as
they are, a short timeout, each attempt counted on the row, then retried on a backoff until a
2xx: an HTTP IN delivery for up to an hour, as DIDWW does, a callback a few times."""

from __future__ import annotations

import requests
from django.db import transaction
from django.db.models import F

from ... import callbacks
from ..models import SandboxDelivery, SandboxOutbound, SandboxTrunk

# Seconds before each retry; an HTTP IN delivery's add up to just under an hour.
INBOUND_RETRIES = (10, 30, 60, 120, 300, 600, 900, 1200)
CALLBACK_RETRIES = (10, 60, 300)
AGENT = "DIDWW-Sandbox/1.0"
CONTENT_TYPES = {
    SandboxDelivery.Kind.INBOUND: "application/json",
    SandboxDelivery.Kind.STATUS: "application/vnd.api+json",
    SandboxDelivery.Kind.DLR: "application/vnd.api+json",
}


def http_session() -> requests.Session:
    """The session the requests go through; tests mount the portal's in-process transport."""
    return requests.Session()


def delivery_create(
    *, trunk: SandboxTrunk, kind: str, url: str, body: str, message: SandboxOutbound | None = None
) -> SandboxDelivery:
    delivery = SandboxDelivery(trunk=trunk, message=message, kind=kind, url=url, body=body)
    delivery.full_clean()
    delivery.save()
    return delivery


def delivery_attempt(*, delivery_id: int) -> bool:
    """One attempt at a pending request; True once it is delivered. The attempt is claimed
    first (a compare-and-set on the count), so a task run twice never posts twice; the POST
    runs outside any transaction (the portal may write to the same database)."""
    delivery = SandboxDelivery.objects.filter(pk=delivery_id).first()
    if delivery is None or delivery.state != SandboxDelivery.State.PENDING:
        return delivery is not None and delivery.state == SandboxDelivery.State.DELIVERED
    claimed = SandboxDelivery.objects.filter(
        pk=delivery.pk, state=SandboxDelivery.State.PENDING, attempts=delivery.attempts
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return False
    attempts = delivery.attempts + 1
    posted = callbacks.post(
        http_session(),
        delivery.url,
        delivery.body,
        content_type=CONTENT_TYPES[delivery.kind],
        user_agent=AGENT,
    )
    status, error = posted.status, posted.error
    delays = INBOUND_RETRIES if delivery.kind == SandboxDelivery.Kind.INBOUND else CALLBACK_RETRIES
    state = SandboxDelivery.State.PENDING
    if not error:
        state = SandboxDelivery.State.DELIVERED
    elif attempts > len(delays):
        state = SandboxDelivery.State.FAILED
    with transaction.atomic():
        SandboxDelivery.objects.filter(pk=delivery.pk).update(
            state=state, last_status=status, last_error=error
        )
        if state == SandboxDelivery.State.PENDING:
            delay = delays[attempts - 1]
            transaction.on_commit(lambda: _enqueue_retry(delivery.pk, delay))
    return state == SandboxDelivery.State.DELIVERED


def _enqueue_retry(delivery_id: int, delay: int) -> None:
    from ..tasks import deliver

    deliver.apply_async((delivery_id,), countdown=delay)
