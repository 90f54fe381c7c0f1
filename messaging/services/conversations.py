"""Conversations: the core every inbound and outbound path shares (the remote party's number,
the conversation of a message, keeping it up to date, who sees which).

A conversation is one per (tenant, our number, remote party). `conversation_for` finds or makes
it (two messages of a new party racing make one: the unique constraint settles it);
`conversation_touch` puts a message in it and moves what the inbox shows (last message,
unread count, `changed_at`, reopening a closed one on a new inbound message). The agents'
actions on a conversation are in `conversation_actions`.
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


def conversation_for(
    *, tenant, channel, our_number: str, remote: str, lock: bool = False
) -> Conversation:
    """The conversation of (tenant, our number, remote), made if there is none yet; with
    `lock` (inside a transaction), its row locked until the commit (a new one is anyway)."""
    with scopes_disabled():
        rows = Conversation.objects.filter(tenant=tenant, our_number=our_number, remote=remote)
        if lock:
            rows = rows.select_for_update()
        found = rows.first()
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
            return rows.get()


def conversation_touch(
    *,
    conversation: Conversation,
    message: Message,
    message_changes: dict | None = None,
    conversation_changes: dict | None = None,
) -> None:
    """Puts `message` in the conversation and moves what the inbox shows: the last message
    and its time, and for an inbound message the unread count and reopening a closed
    conversation. One UPDATE of the conversation, so concurrent messages count right; the
    caller's own changes to either row (plain values) go in the same two UPDATEs."""
    now = timezone.now()
    inbound = message.direction == Message.Direction.INBOUND
    with scopes_disabled(), transaction.atomic():
        Message.objects.filter(pk=message.pk).update(
            conversation=conversation, **(message_changes or {})
        )
        for name, value in (message_changes or {}).items():
            setattr(message, name, value)
        message.conversation = conversation
        changes = {
            **(conversation_changes or {}),
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


def conversation_attach_outbound(*, message: Message, actor=None) -> None:
    """An outbound message sent from compose or the API from one of the tenant's numbers
    joins its conversation (made when there is none; a new one is the sender's)."""
    if message.tenant_id is None or not message.sender.isdigit():
        return
    conversation = conversation_for(
        tenant=message.tenant,
        channel=message.channel,
        our_number=message.sender,
        remote=message.recipient,
    )
    if (
        conversation.assignee_id is None
        and conversation.queue_id is None
        and getattr(actor, "is_authenticated", False)
    ):
        with scopes_disabled():
            Conversation.objects.filter(pk=conversation.pk, assignee__isnull=True).update(
                assignee=actor, picked_up_at=timezone.now()
            )
    conversation_touch(conversation=conversation, message=message)


def conversations_visible(*, tenant, user, admin: bool):
    """The conversations `user` may read: every one of the tenant for an admin; an agent's
    own, and the unassigned ones of their queues."""
    from django.db.models import Q

    queryset = Conversation.objects.filter(tenant=tenant)
    if admin:
        return queryset
    return queryset.filter(Q(assignee=user) | Q(assignee__isnull=True, queue__in=queues_of(user)))


def queues_of(user):
    """The ids of the user's queues, as a subquery."""
    # A subquery, not a join through the members: a join repeats each conversation once per
    # member of its queue.
    from ..models import MessageQueue

    return MessageQueue.members.through.objects.filter(user=user).values("messagequeue_id")


def unread_count(*, tenant, user) -> int:
    """The sidebar's badge: unread messages in the user's own open conversations and in the
    unassigned ones of their queues, in one statement of two sums, each on its own index
    (an OR of the two would read every conversation of the tenant)."""
    from django.db.models import IntegerField, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    from tenants.models import Tenant

    def total(rows):
        summed = rows.order_by().values("tenant").annotate(s=Sum("unread")).values("s")
        return Coalesce(Subquery(summed, output_field=IntegerField()), Value(0))

    with scopes_disabled():
        open_ = Conversation.objects.filter(tenant=tenant, state=Conversation.State.OPEN)
        mine = total(open_.filter(assignee=user))
        waiting = total(open_.filter(assignee__isnull=True, queue__in=queues_of(user)))
        found = (
            Tenant.objects.filter(pk=tenant.pk)
            .annotate(n=mine + waiting)
            .values_list("n", flat=True)
            .first()
        )
    return int(found or 0)


def conversations_watched(*, tenant, user, admin: bool):
    """What an open inbox watches for changes: what the user may see, and also their queues'
    conversations that someone else just picked up (they must leave the list)."""
    from django.db.models import Q

    queryset = Conversation.objects.filter(tenant=tenant)
    if admin:
        return queryset
    return queryset.filter(Q(assignee=user) | Q(queue__in=queues_of(user)))
