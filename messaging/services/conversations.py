"""Conversations: the core every inbound and outbound path shares (the remote party's number,
the conversation of a message, keeping it up to date), then the agents' actions on it.

A conversation is one per (tenant, our number, remote party). `conversation_for` finds or makes
it (two messages of a new party racing make one: the unique constraint settles it);
`conversation_touch` puts a message in it and moves what the inbox shows (last message,
unread count, `changed_at`, reopening a closed one on a new inbound message).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_scopes import scopes_disabled

from portal import phone

from ..models import Conversation, Message, SenderId, SenderKind


def remote_party(*, tenant, raw: str, reformat: bool = True) -> str:
    """The remote party's number as a conversation keys it. With `reformat` (the number's
    rule, on by default) it is E.164 with the tenant's default country, so `+16468097065`,
    `16468097065` and `(646) 809-7065` are one party; otherwise (or when it is no number at
    all, such as a short code or a name) the text as sent, without a leading `+`."""
    text = str(raw or "").strip()[: phone.MAX_TYPED]
    if reformat:
        region = (getattr(tenant, "default_country", "") or "").upper() or None
        number, why = phone.reason(text, region=region) if region else phone.reason(text)
        if why is None and number is not None:
            return str(number)
    return text.lstrip("+")[:15]


def conversation_for(*, tenant, channel, our_number: str, remote: str) -> Conversation:
    """The conversation of (tenant, our number, remote), made if there is none yet."""
    with scopes_disabled():
        found = Conversation.objects.filter(
            tenant=tenant, our_number=our_number, remote=remote
        ).first()
        if found is not None:
            return found
        now = timezone.now()
        try:
            with transaction.atomic():
                return Conversation.objects.create(
                    tenant=tenant,
                    channel=channel,
                    our_number=our_number,
                    remote=remote,
                    last_message_at=now,
                    changed_at=now,
                )
        except IntegrityError:
            return Conversation.objects.get(tenant=tenant, our_number=our_number, remote=remote)


def conversation_touch(*, conversation: Conversation, message: Message) -> None:
    """Puts `message` in the conversation and moves what the inbox shows: the last message
    and its time, and for an inbound message the unread count and reopening a closed
    conversation. One UPDATE of the conversation, so concurrent messages count right."""
    now = timezone.now()
    inbound = message.direction == Message.Direction.INBOUND
    with scopes_disabled(), transaction.atomic():
        Message.objects.filter(pk=message.pk).update(conversation=conversation)
        message.conversation = conversation
        changes = {
            "last_message": message,
            "last_message_at": message.created_at,
            "changed_at": now,
        }
        if inbound:
            changes |= {
                "unread": F("unread") + 1,
                "last_inbound_at": message.created_at,
                "state": Conversation.State.OPEN,
                "closed_at": None,
            }
        Conversation.objects.filter(pk=conversation.pk).update(**changes)
    conversation.refresh_from_db()


def conversations_changed(*, conversation_ids) -> None:
    """Marks conversations changed (a delivery status moved, say) so open inboxes redraw."""
    ids = [i for i in conversation_ids if i]
    if ids:
        with scopes_disabled():
            Conversation.objects.filter(pk__in=ids).update(changed_at=timezone.now())


def number_sender(*, tenant, number: str, actor=None) -> SenderId:
    """The tenant's numeric sender ID for one of its numbers (a reply in a conversation, a
    keyword answer), made when it has none: registered for the number's own country, to which
    a number sends without registration anyway."""
    from .senders import sender_create

    with scopes_disabled():
        found = SenderId.objects.filter(
            tenant=tenant, kind=SenderKind.NUMERIC, value=str(number)
        ).first()
    if found is not None:
        return found
    region = phone.region_of(number) or "US"
    try:
        return sender_create(
            tenant=tenant,
            kind=SenderKind.NUMERIC,
            value=str(number),
            countries=[region],
            actor=actor,
        )
    except ValidationError:
        with scopes_disabled():
            found = SenderId.objects.filter(
                tenant=tenant, kind=SenderKind.NUMERIC, value=str(number)
            ).first()
        if found is None:
            raise
        return found


# --- the agents' actions: pick up, reply, transfer, close, reopen, start (part C) -----------
