"""Messaging's leftovers go after their retention: remembered Idempotency-Keys (a retry after
that makes a new send), uploaded MMS files and processed webhook events; newer ones stay."""

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

    assert send_leftovers_purge() == {"idempotency_keys": 1, "media_files": 1, "webhook_events": 0}

    with scopes_disabled():
        assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.png"]


def test_purging_with_no_media_folder_yet_does_nothing(world, settings, tmp_path):
    settings.MESSAGING_MEDIA_ROOT = str(tmp_path / "never-made")
    assert send_leftovers_purge() == {"idempotency_keys": 0, "media_files": 0, "webhook_events": 0}


def test_webhook_events_done_with_go_after_their_retention_and_waiting_ones_stay(
    world, settings, monkeypatch
):
    """Each inbound message and delivery report leaves its event as it arrived: processed,
    ignored or failed ones older than MESSAGING_WEBHOOK_EVENT_DAYS are deleted (a batch at a
    time), newer ones and one still waiting to be processed stay."""
    from messaging.models import WebhookEvent
    from messaging.services import retention

    from .test_channels_support import make_channel

    settings.MESSAGING_WEBHOOK_EVENT_DAYS = 30
    monkeypatch.setattr(retention, "PURGE_BATCH", 2)
    channel = make_channel()
    State = WebhookEvent.State

    def event(name, state, days):
        made = WebhookEvent.objects.create(
            channel=channel, kind="inbound", body="{}", state=state, dedupe_key=name
        )
        WebhookEvent.objects.filter(pk=made.pk).update(
            received_at=timezone.now() - timedelta(days=days)
        )

    for n in range(3):
        event(f"old-processed-{n}", State.PROCESSED, 31)
    event("old-ignored", State.IGNORED, 31)
    event("old-failed", State.FAILED, 45)
    event("old-waiting", State.RECEIVED, 60)
    event("recent", State.PROCESSED, 29)

    assert retention.send_leftovers_purge()["webhook_events"] == 5
    assert sorted(WebhookEvent.objects.values_list("dedupe_key", flat=True)) == [
        "old-waiting",
        "recent",
    ]
    assert retention.webhook_events_purge() == 0
