"""Kick markers: "a task for this is already on its way", shared by every web and worker
process, so a burst of work sends one task instead of one per item; and whether tasks run
inline (`runs_inline`: tests, where a kick or a delayed retry runs at once).

On Redis through the cache (SET NX with a time to live); without Redis (the zero-setup
default) on a `RateSlot` row. A marker outlives a lost task by its time to live at most, after
which the next kick sends again."""

from __future__ import annotations

import time

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction

from ..models import RateSlot


def runs_inline() -> bool:
    """Tasks run in the caller, at once (CELERY_TASK_ALWAYS_EAGER): a countdown is not waited
    out, so waiting and looking again is the caller's to skip."""
    return bool(current_app.conf.task_always_eager)


def mark(key: str, ttl: float) -> bool:
    """Sets the marker unless it is set: True when this call set it."""
    if settings.REDIS_URL:
        return cache.add(key, 1, timeout=max(1, int(ttl)))
    now = time.time()
    if RateSlot.objects.filter(key=key, next_at__lte=now).update(next_at=now + ttl):
        return True
    try:
        with transaction.atomic():
            RateSlot.objects.create(key=key, next_at=now + ttl)
        return True
    except IntegrityError:
        return False


def unmark(key: str) -> None:
    """Clears the marker: the task it stood for has started, so new work kicks again."""
    if settings.REDIS_URL:
        cache.delete(key)
    else:
        RateSlot.objects.filter(key=key).update(next_at=0.0)
