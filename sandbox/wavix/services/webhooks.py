"""Callbacks the sandbox owes, posted like Wavix posts them: JSON, a short timeout, every
attempt recorded on the message, retries on a fixed delay table, a visible final failure."""

from __future__ import annotations

import json

import requests
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ... import callbacks
from ..models import SandboxMessage, SandboxWebhook, SandboxWebhookAttempt

RETRY_DELAYS = (10, 60, 300)  # seconds before the 2nd, 3rd and 4th attempt
AGENT = "Wavix-Sandbox/1.0"


def http_session() -> requests.Session:
    """The HTTP session callbacks go through; tests replace it to capture them."""
    return requests.Session()


def webhook_create(
    *, message: SandboxMessage, kind: str, url: str, payload: dict
) -> SandboxWebhook:
    webhook = SandboxWebhook(message=message, kind=kind, url=url, payload=payload)
    webhook.full_clean()
    webhook.save()
    return webhook


def _post(webhook: SandboxWebhook) -> SandboxWebhookAttempt:
    """The POST, and the attempt describing it (not saved yet)."""
    attempt = SandboxWebhookAttempt(webhook=webhook, attempted_at=timezone.now())
    body = json.dumps(webhook.payload)
    posted = callbacks.post(
        http_session(), webhook.url, body, content_type="application/json", user_agent=AGENT
    )
    attempt.status_code, attempt.error = posted.status, posted.error
    attempt.duration_ms = posted.duration_ms
    return attempt


def webhook_deliver(*, webhook_id: int) -> bool:
    """One attempt at a pending callback; True once it is delivered.

    The attempt is claimed first (a compare-and-set on the attempt count), so a task that runs
    twice never posts the same attempt twice; the POST itself runs outside any transaction,
    because the receiver (the portal, under `make run`) may write to the same database."""
    webhook = SandboxWebhook.objects.get(pk=webhook_id)
    if webhook.state != SandboxWebhook.State.PENDING:
        return webhook.state == SandboxWebhook.State.DELIVERED
    claimed = SandboxWebhook.objects.filter(
        pk=webhook.pk, state=SandboxWebhook.State.PENDING, attempts=webhook.attempts
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return False
    webhook.attempts += 1
    attempt = _post(webhook)
    if not attempt.error:
        webhook.state = SandboxWebhook.State.DELIVERED
    elif webhook.attempts > len(RETRY_DELAYS):
        webhook.state = SandboxWebhook.State.FAILED
    with transaction.atomic():
        attempt.save()
        SandboxWebhook.objects.filter(pk=webhook.pk).update(state=webhook.state)
        if webhook.state == SandboxWebhook.State.PENDING:
            delay = RETRY_DELAYS[webhook.attempts - 1]
            transaction.on_commit(lambda: _enqueue_retry(webhook.pk, delay))
    return webhook.state == SandboxWebhook.State.DELIVERED


def _enqueue_retry(webhook_id: int, delay: int) -> None:
    from ..tasks import deliver_webhook

    deliver_webhook.apply_async((webhook_id,), countdown=delay)


def webhooks_deliver_pending(*, message: SandboxMessage) -> None:
    """First attempts, in order, of the message's callbacks that were never tried."""
    pending = message.webhooks.filter(state=SandboxWebhook.State.PENDING, attempts=0)
    for webhook_id in pending.values_list("pk", flat=True):
        webhook_deliver(webhook_id=webhook_id)
