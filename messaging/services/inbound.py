"""Processing one inbound message the webhook stored (`WebhookEvent`, kind inbound); the
intake (storing it, waking and running the channel's drain) is `intake`.

`inbound_process` handles one event and is idempotent:

    1. the event, locked: the message is made once (its provider id is unique per channel,
       so a second run finds it), keywords are handled, the event remembers the message;
    2. outside that transaction the message is routed (part B's `message_route`), unless a
       run before did (the message has a conversation or an unrouted reason);
    3. the event is marked processed.

A failure marks the event failed with the reason (the channel's webhook events, the admin);
the event and, past step 1, the message are kept.
"""

from __future__ import annotations

import logging
import uuid

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from dids.selectors import owner_of
from tenants.models import Tenant

from .. import segments
from ..models import Message, MessageEvent, MessageSource, WebhookEvent
from ..providers import provider_for
from ..providers.base import InboundMessage
from ..providers.errors import BadPayload
from .history import message_record
from .keywords import keyword_handle, keyword_of

log = logging.getLogger(__name__)


def _owner(recipient: str) -> Tenant | None:
    if not recipient.isdigit():
        return None
    found = owner_of(int(recipient))
    if found is None:
        return None
    return Tenant.objects.filter(pk=found.tenant_id).first()


def _message(event: WebhookEvent, inbound: InboundMessage) -> tuple[Message, bool]:
    """The event's message: found by its provider id on the channel, or made."""
    found = Message._base_manager.filter(
        channel=event.channel, provider_id=inbound.provider_id
    ).first()
    if found is not None:
        return found, False
    count = segments.count(inbound.text) if inbound.text else None
    message = Message._base_manager.create(
        tenant=_owner(inbound.recipient),
        channel=event.channel,
        direction=Message.Direction.INBOUND,
        sender=inbound.sender,
        recipient=inbound.recipient,
        text=inbound.text,
        media=list(inbound.media),
        is_mms=bool(inbound.media),
        encoding=count.encoding if count else "",
        segments=count.segments if count else 1,
        status=Message.Status.RECEIVED,
        tag=uuid.uuid4().hex,
        provider_id=inbound.provider_id,
        source=MessageSource.PROVIDER,
        created_at=inbound.received_at or event.received_at,
        finished_at=inbound.received_at or event.received_at,
    )
    message_record(
        message=message,
        status=Message.Status.RECEIVED,
        source=MessageEvent.Source.PROVIDER,
        detail=inbound.raw or None,
        at=message.created_at,
    )
    return message, True


def _finish(event_id: int, state: str, note: str, message: Message | None = None) -> None:
    changes = {"state": state, "note": note[:255], "processed_at": timezone.now()}
    if message is not None:
        changes["message"] = message
    WebhookEvent.objects.filter(pk=event_id).update(**changes)


def _store(event_id: int) -> tuple[Message | None, str, bool]:
    """Step 1: (the message, what keywords did, whether this run made it), or (None, why,
    False) when there is nothing to do (the event is missing or done: its state) or it failed
    (marked so)."""
    with transaction.atomic():
        event = (
            WebhookEvent.objects.select_for_update(of=("self",))
            .select_related("channel", "message")
            .filter(pk=event_id, kind=WebhookEvent.Kind.INBOUND)
            .first()
        )
        if event is None:
            return None, "missing", False
        if event.state != WebhookEvent.State.RECEIVED:
            return None, event.state, False
        if event.message is not None:  # stored by a run that died before routing
            return event.message, event.note, False
        try:
            provider = provider_for(event.channel)
            inbound = provider.parse_inbound(provider.load(event.body))
        except (BadPayload, LookupError) as exc:
            _finish(event.pk, WebhookEvent.State.FAILED, f"Not processed: {exc}")
            return None, WebhookEvent.State.FAILED, False
        message, made = _message(event, inbound)
        note = _keywords(message) if made else ""
        WebhookEvent.objects.filter(pk=event.pk).update(message=message, note=note[:255])
    return message, note, made


def _keywords(message: Message) -> str:
    """The keyword handling's note. Its own savepoint: whatever goes wrong in it, the message
    is kept and routed, and the event says why no reply went."""
    if keyword_of(message) is None:
        return ""  # most messages: no savepoint to open
    try:
        with transaction.atomic():
            return keyword_handle(message=message)
    except Exception as exc:
        log.exception("keywords of inbound message %s not handled", message.pk)
        return f"Keywords not handled: {type(exc).__name__}: {exc}"


def _routed(message: Message) -> bool:
    fresh = Message._base_manager.filter(pk=message.pk).values("conversation_id", "unrouted")
    row = fresh.first() or {}
    return bool(row.get("conversation_id") or row.get("unrouted"))


def inbound_process(*, event_id: int) -> str:
    """Stores, handles the keywords of and routes one inbound event; the event's state."""
    with scopes_disabled():
        try:
            message, note, made = _store(event_id)
        except Exception as exc:
            log.exception("inbound event %s not stored", event_id)
            _finish(event_id, WebhookEvent.State.FAILED, f"Not stored: {type(exc).__name__}: {exc}")
            return WebhookEvent.State.FAILED
        if message is None:
            return note
        try:
            # Through the module attribute (part B's service), imported late: routing
            # imports conversations, which must not load with this module.
            from . import routing

            if made:  # its owner was looked up as it was made, a moment ago
                routing.message_route(message=message, owner=message.tenant)
            elif not _routed(message):
                routing.message_route(message=message)
        except Exception as exc:
            log.exception("inbound message %s not routed", message.pk)
            why = f"Message {message.pk} stored; routing failed: {type(exc).__name__}: {exc}"
            _finish(event_id, WebhookEvent.State.FAILED, why)
            return WebhookEvent.State.FAILED
        done = f"Message {message.pk} received" + (f"; {note}" if note else ".")
        _finish(event_id, WebhookEvent.State.PROCESSED, done)
    return WebhookEvent.State.PROCESSED
