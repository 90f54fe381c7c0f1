"""What sending leaves behind and no one needs after a while: remembered Idempotency-Keys
(MESSAGING_IDEMPOTENCY_KEY_HOURS) and uploaded MMS files (MESSAGING_MEDIA_RETENTION_DAYS,
long after the provider fetched them)."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone
from django_scopes import scopes_disabled

from .. import media
from ..models import IdempotencyKey


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


def send_leftovers_purge() -> dict[str, int]:
    return {"idempotency_keys": idempotency_keys_purge(), "media_files": media_files_purge()}
