"""Sending's leftovers go after their retention: remembered Idempotency-Keys (a retry after
that makes a new send) and uploaded MMS files; newer ones stay."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scopes_disabled

from messaging import media
from messaging.models import IdempotencyKey
from messaging.services.retention import send_leftovers_purge


def test_old_idempotency_keys_and_media_files_are_purged_and_new_ones_kept(
    world, settings, tmp_path
):
    settings.MESSAGING_MEDIA_ROOT = str(tmp_path)
    settings.MESSAGING_IDEMPOTENCY_KEY_HOURS = 24
    settings.MESSAGING_MEDIA_RETENTION_DAYS = 30
    with scopes_disabled():
        old = IdempotencyKey.objects.create(
            tenant=world.a, key="old", request_hash="x", status_code=201, response={}
        )
        IdempotencyKey.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - timedelta(hours=25)
        )
        IdempotencyKey.objects.create(
            tenant=world.a, key="new", request_hash="y", status_code=201, response={}
        )
    box = media.storage()
    box.save("old.png", ContentFile(b"\x89PNG\r\n\x1a\nold"))
    box.save("new.png", ContentFile(b"\x89PNG\r\n\x1a\nnew"))
    month_ago = time.time() - 31 * 86400
    os.utime(tmp_path / "old.png", (month_ago, month_ago))

    assert send_leftovers_purge() == {"idempotency_keys": 1, "media_files": 1}

    with scopes_disabled():
        assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.png"]


def test_purging_with_no_media_folder_yet_does_nothing(world, settings, tmp_path):
    settings.MESSAGING_MEDIA_ROOT = str(tmp_path / "never-made")
    assert send_leftovers_purge() == {"idempotency_keys": 0, "media_files": 0}
