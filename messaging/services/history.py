"""The one way a message's status changes: forward only (STATUS_RANK in models.py), with a
history entry for every change. The outbox, the delivery reports and the status lookup all call
`message_advance`; none writes `Message.status` itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from ..models import FINAL_STATUSES, STATUS_RANK, Message, MessageEvent, MessageStatus
from .events import message_status_changed

REASON_LIMIT = 255
# The statuses whose reason the message itself shows (why it did not arrive); every step's
# reason is in its history entry.
FAILED_STATUSES = frozenset(FINAL_STATUSES) - {MessageStatus.DELIVERED, MessageStatus.RECEIVED}


def message_record(
    *,
    message: Message,
    status: str,
    source: str = MessageEvent.Source.PORTAL,
    reason: str = "",
    detail: Any = None,
    at: datetime | None = None,
) -> MessageEvent:
    """A history entry for a message just created (queued, received) or for an event that
    changes no status (a duplicate report, a retry's wait)."""
    return MessageEvent.objects.create(
        message=message,
        tenant_id=message.tenant_id,
        at=at or timezone.now(),
        status=status,
        source=source,
        reason=reason[:REASON_LIMIT],
        detail=detail,
    )


def message_advance(
    *,
    message_id: int,
    status: str,
    source: str,
    reason: str = "",
    detail: Any = None,
    at: datetime | None = None,
    fields: dict[str, Any] | None = None,
) -> bool:
    """Moves the message to `status` if that is forward of where it is, setting `fields`
    (provider id, segments, charge…) with it and recording the step. One conditional UPDATE,
    so two reports racing cannot move it back. False (nothing changed) when it is already
    there or further; `fields` are then still filled in where the message has none (a late
    report's charge)."""
    if status not in STATUS_RANK:
        raise ValueError(f"unknown message status {status!r}")
    now = timezone.now()
    behind = [s for s, rank in STATUS_RANK.items() if rank < STATUS_RANK[status]]
    changes: dict[str, Any] = {"status": status, "updated_at": now, **(fields or {})}
    if status in FINAL_STATUSES:
        changes.setdefault("finished_at", at or now)
    if reason and status in FAILED_STATUSES:
        changes.setdefault("reason", reason[:REASON_LIMIT])
    with scopes_disabled(), transaction.atomic():
        moved = Message.objects.filter(pk=message_id, status__in=behind).update(**changes)
        message = Message.objects.only("pk", "tenant_id", "conversation_id").get(pk=message_id)
        if moved:
            conversation_id = message.conversation_id
            transaction.on_commit(
                lambda: message_status_changed(
                    message_id=message_id, conversation_id=conversation_id, status=status
                )
            )
            MessageEvent.objects.create(
                message_id=message_id,
                tenant_id=message.tenant_id,
                at=at or now,
                status=status,
                source=source,
                reason=reason[:REASON_LIMIT],
                detail=detail,
            )
        elif fields:
            _fill_missing(message_id, fields)
    return bool(moved)


def _fill_missing(message_id: int, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if value is None:
            continue
        # updated_at too: the statistics recount the message's day (a late report's charge).
        Message.objects.filter(pk=message_id, **{f"{name}__isnull": True}).update(
            **{name: value, "updated_at": timezone.now()}
        )
