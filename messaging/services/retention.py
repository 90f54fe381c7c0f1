"""What messaging leaves behind and no one needs after a while: remembered Idempotency-Keys
(MESSAGING_IDEMPOTENCY_KEY_HOURS), uploaded MMS files (MESSAGING_MEDIA_RETENTION_DAYS, long
after the provider fetched them) and the providers' webhook events once they are processed
(MESSAGING_WEBHOOK_EVENT_DAYS: each inbound message and delivery report is one, and what they
said is in the messages and their histories by then)."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone
from django_scopes import scopes_disabled

from .. import media
from ..models import IdempotencyKey, WebhookEvent

PURGE_BATCH = 5000  # events one DELETE removes: short statements, no long lock on the table


def idempotency_keys_purge() -> int:
    """Forgets keys older than their retention; a client retrying later makes a new send."""
    cutoff = timezone.now() - timedelta(hours=settings.MESSAGING_IDEMPOTENCY_KEY_HOURS)
    with scopes_disabled():
        deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def media_files_purge() -> int:
    """Deletes uploaded MMS files older than their retention; their messages keep the record
    that a file was sent."""
    box = media.storage()
    cutoff = timezone.now() - timedelta(days=settings.MESSAGING_MEDIA_RETENTION_DAYS)
    try:
        _, names = box.listdir("")
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        modified = box.get_modified_time(name)
        if modified.tzinfo is None:
            modified = modified.replace(tzinfo=UTC)
        if modified < cutoff:
            box.delete(name)
            removed += 1
    return removed


def webhook_events_purge() -> int:
    """Deletes webhook events that arrived longer ago than their retention and are done with
    (processed, ignored or failed), a batch at a time; one still waiting to be processed
    stays, however old."""
    cutoff = timezone.now() - timedelta(days=settings.MESSAGING_WEBHOOK_EVENT_DAYS)
    done = WebhookEvent.objects.filter(received_at__lt=cutoff).exclude(
        state=WebhookEvent.State.RECEIVED
    )
    removed = 0
    while ids := list(done.order_by().values_list("pk", flat=True)[:PURGE_BATCH]):
        removed += WebhookEvent.objects.filter(pk__in=ids).delete()[0]
    return removed


def send_leftovers_purge() -> dict[str, int]:
    return {
        "idempotency_keys": idempotency_keys_purge(),
        "media_files": media_files_purge(),
        "webhook_events": webhook_events_purge(),
    }
