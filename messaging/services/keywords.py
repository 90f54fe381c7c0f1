"""Opt-out keywords, handled on an inbound message before it is routed: STOP adds the (our
number, sender) pair to the tenant's opt-out list and confirms once; START lifts it and
confirms; HELP answers with the tenant's help text. Each answer is a message in the log
(source: keyword reply) sent from the tenant's numeric sender ID for the number. The wording
is the tenant's (`KeywordReplies`), the portal's defaults where it set none."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from .. import keywords
from ..models import KeywordReplies, Message, MessageSource, OptOut
from .conversations import number_sender
from .optouts import opt_out_add, opt_out_lift
from .sending import message_send

log = logging.getLogger(__name__)

# Carriers' rule: one confirmation of a STOP, however often the person repeats it.
STOP_CONFIRMATION_QUIET = timedelta(days=1)
FIELDS = {keywords.STOP: "stop_text", keywords.START: "start_text", keywords.HELP: "help_text"}


def replies_of(tenant) -> KeywordReplies:
    """The tenant's wording (unsaved and blank when it set none)."""
    with scope(tenant=tenant):
        found = KeywordReplies.objects.filter(tenant=tenant).first()
    return found or KeywordReplies(tenant=tenant)


def reply_for(tenant, kind: str) -> str:
    return keywords.reply_text(kind, getattr(replies_of(tenant), FIELDS[kind]))


@transaction.atomic
def keyword_replies_save(
    *, tenant, stop_text: str = "", start_text: str = "", help_text: str = "", actor=None
) -> KeywordReplies:
    """Saves the tenant's wording (blank: the default). Audited by the model's signal."""
    with scope(tenant=tenant):
        replies = KeywordReplies.objects.select_for_update().filter(tenant=tenant).first()
        replies = replies or KeywordReplies(tenant=tenant)
        replies.stop_text = str(stop_text or "").strip()
        replies.start_text = str(start_text or "").strip()
        replies.help_text = str(help_text or "").strip()
        replies.full_clean()
        replies.save()
    return replies


def _plus(digits: str) -> str:
    return f"+{digits}" if digits.isdigit() else digits


def _confirmed_lately(message: Message, text: str) -> bool:
    with scopes_disabled():
        return Message.objects.filter(
            tenant_id=message.tenant_id,
            direction=Message.Direction.OUTBOUND,
            source=MessageSource.KEYWORD,
            sender=message.recipient,
            recipient=message.sender,
            text=text,
            created_at__gte=timezone.now() - STOP_CONFIRMATION_QUIET,
        ).exists()


def _reply(message: Message, text: str) -> Message:
    tenant = message.tenant
    sender = number_sender(tenant=tenant, number=message.recipient)
    # The STOP and HELP answers go to a person who opted out (that is the point of them).
    return message_send(
        tenant=tenant,
        sender_id=sender,
        recipient=_plus(message.sender),
        text=text,
        source=MessageSource.KEYWORD,
        ignore_opt_out=True,
    )


def keyword_of(message: Message) -> str | None:
    """The keyword `message` is for its tenant (None: none, or it has no tenant)."""
    if message.tenant_id is None:
        return None
    return keywords.classify(message.text)


def keyword_handle(*, message: Message) -> str:
    """Acts on `message` if it is a keyword; a sentence saying what was done ("" if it is
    none). A reply that cannot be sent is said, never raised: the message is still routed."""
    kind = keyword_of(message)
    if kind is None:
        return ""
    tenant = message.tenant
    word = message.text.strip().upper()
    try:
        if kind == keywords.STOP:
            opt_out_add(
                tenant=tenant,
                recipient=_plus(message.sender),
                sender=message.recipient,
                source=OptOut.Source.KEYWORD,
                note=f"{word} in inbound message {message.pk}",
            )
        elif kind == keywords.START:
            opt_out_lift(tenant=tenant, recipient=_plus(message.sender), sender=message.recipient)
    except ValidationError as exc:
        log.info("keyword %s in message %s not applied: %s", word, message.pk, exc.messages)
        return f"{word} not applied: " + " ".join(exc.messages)
    done = {
        keywords.STOP: "opted out",
        keywords.START: "opt-out lifted",
        keywords.HELP: "help",
    }[kind]
    text = reply_for(tenant, kind)
    if kind == keywords.STOP and _confirmed_lately(message, text):
        return f"{word}: {done}; confirmed already within a day, no second confirmation."
    try:
        reply = _reply(message, text)
    except ValidationError as exc:
        log.info("keyword reply to message %s not sent: %s", message.pk, exc.messages)
        return f"{word}: {done}; the reply was not sent: " + " ".join(exc.messages)
    return f"{word}: {done}; reply queued as message {reply.pk}."
