"""The agents' actions on a conversation: pick up, reply, transfer, close, reopen, read, start
a new one, and the beat's auto-close. The conversation core they share (finding a
conversation, putting a message in it, who sees which) is `conversations`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from portal import phone

from ..models import Conversation, Message
from .contacts import typed_number
from .conversations import (
    conversation_for,
    conversation_touch,
    number_sender,
    remote_party,
)
from .sending import message_send

# # Who may act: a tenant admin on any conversation of the tenant; an agent on the ones assigned
# to them, and on the unassigned ones of a queue they are a member of. Each action is a short
# transaction; the ones that race (pick up, first-reply pickup) are one conditional UPDATE
# `assignee IS NULL`, so exactly one agent wins and the other is told who did.

# A batch of the auto-close beat: one SELECT and one UPDATE per batch, whatever its size.
AUTO_CLOSE_BATCH = 500


def is_tenant_admin(*, tenant, user) -> bool:
    """The tenant-admin role of `user` in `tenant` (system administrators act as admins)."""
    from tenants.models import Membership, Role

    if getattr(user, "is_system_admin", False):
        return True
    with scopes_disabled():
        return Membership.objects.filter(tenant=tenant, user=user, role=Role.ADMIN).exists()


def _in_queue(conversation: Conversation, user) -> bool:
    if conversation.queue_id is None:
        return False
    from ..models import MessageQueue

    with scopes_disabled():
        return MessageQueue.objects.filter(pk=conversation.queue_id, members=user).exists()


def _may_work(conversation: Conversation, user) -> bool:
    if conversation.assignee_id is not None:
        return conversation.assignee_id == user.pk or is_tenant_admin(
            tenant=conversation.tenant, user=user
        )
    return _in_queue(conversation, user) or is_tenant_admin(tenant=conversation.tenant, user=user)


def _refuse_unless_may_work(conversation: Conversation, user, doing: str) -> None:
    if not _may_work(conversation, user):
        owner = conversation.assignee
        if owner is not None:
            raise ValidationError(
                f"You cannot {doing} this conversation: {owner} has it. Ask them or a tenant "
                "admin to transfer it to you."
            )
        raise ValidationError(
            f"You cannot {doing} this conversation: it waits in a queue you are not a member of."
        )


def _fresh(conversation: Conversation) -> Conversation:
    with scopes_disabled():
        return Conversation.objects.select_related("tenant", "assignee", "queue").get(
            pk=conversation.pk
        )


def _audit(conversation: Conversation, before: dict, after: dict, message: str) -> None:
    from portal import audit

    audit.record(conversation, "update", before, after, message=message)


def _claim(conversation: Conversation, actor, now) -> bool:
    """The conditional UPDATE of a pickup: True if `actor` won it."""
    with scopes_disabled():
        return bool(
            Conversation.objects.filter(pk=conversation.pk, assignee__isnull=True).update(
                assignee=actor, picked_up_at=now, changed_at=now
            )
        )


def _lost_to(conversation: Conversation) -> ValidationError:
    current = _fresh(conversation)
    who = current.assignee.display_name if current.assignee else "someone else"
    return ValidationError(f"Already picked up by {who}: it is theirs now.")


def conversation_pickup(*, conversation: Conversation, actor) -> Conversation:
    """`actor` takes a conversation waiting in their queue; the first of two agents wins."""
    conversation = _fresh(conversation)
    if conversation.assignee_id == actor.pk:
        return conversation
    if conversation.assignee_id is not None:
        raise _lost_to(conversation)
    if not (
        _in_queue(conversation, actor) or is_tenant_admin(tenant=conversation.tenant, user=actor)
    ):
        raise ValidationError(
            "You cannot pick up this conversation: it waits in a queue you are not a member of."
        )
    now = timezone.now()
    with transaction.atomic():
        if not _claim(conversation, actor, now):
            raise _lost_to(conversation)
        _audit(conversation, {"assignee": None}, {"assignee": actor.pk}, f"Picked up by {actor}")
    return _fresh(conversation)


def conversation_reply(
    *, conversation: Conversation, actor, text: str, media=(), files=()
) -> Message:
    """A reply from the conversation's own number. In a first-reply queue, an unassigned
    conversation becomes the replier's (the claim and the message commit together, so a
    refused message claims nothing)."""
    from ..models import MessageQueue, MessageSource

    conversation = _fresh(conversation)
    _refuse_unless_may_work(conversation, actor, "reply in")
    claim = (
        conversation.assignee_id is None
        and conversation.queue is not None
        and conversation.queue.pickup == MessageQueue.Pickup.FIRST_REPLY
    )
    with scope(tenant=conversation.tenant):
        sender = number_sender(
            tenant=conversation.tenant, number=conversation.our_number, actor=actor
        )
    now = timezone.now()
    with transaction.atomic():
        if claim and not _claim(conversation, actor, now):
            raise _lost_to(conversation)
        message = message_send(
            tenant=conversation.tenant,
            sender_id=sender,
            recipient="+" + conversation.remote,
            text=text,
            media=media,
            files=files,
            source=MessageSource.CONVERSATION,
            actor=actor,
        )
        conversation_touch(conversation=conversation, message=message)
        if claim:
            _audit(conversation, {"assignee": None}, {"assignee": actor.pk}, "Picked up by reply")
    conversation_read(conversation=conversation, actor=actor)
    return message


def conversation_transfer(
    *, conversation: Conversation, actor, to_user=None, to_queue=None
) -> Conversation:
    """Hands the conversation to another agent of the tenant (theirs at once) or to a queue
    (waiting there, unassigned, for its members to pick up)."""
    from tenants.models import Membership

    from ..models import MessageQueue

    conversation = _fresh(conversation)
    _refuse_unless_may_work(conversation, actor, "transfer")
    if (to_user is None) == (to_queue is None):
        raise ValidationError({"to": "Choose one agent or one queue to transfer it to."})
    with scopes_disabled():
        if (
            to_user is not None
            and not Membership.objects.filter(tenant=conversation.tenant, user=to_user).exists()
        ):
            raise ValidationError({"to_user": f"{to_user} is not a user of this tenant."})
        if (
            to_queue is not None
            and not MessageQueue.objects.filter(pk=to_queue.pk, tenant=conversation.tenant).exists()
        ):
            raise ValidationError({"to_queue": f"“{to_queue}” is not a queue of this tenant."})
    now = timezone.now()
    before = {"assignee": conversation.assignee_id, "queue": conversation.queue_id}
    if to_user is not None:
        changes = {"assignee": to_user, "picked_up_at": now, "unread": conversation.unread}
        note = f"Transferred to {to_user}"
    else:
        changes = {"assignee": None, "queue": to_queue, "picked_up_at": None}
        note = f"Transferred to the queue {to_queue}"
    with scopes_disabled(), transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(changed_at=now, **changes)
        after = {
            "assignee": to_user.pk if to_user else None,
            "queue": to_queue.pk if to_queue else conversation.queue_id,
        }
        _audit(conversation, before, after, note)
    return _fresh(conversation)


def _set_state(conversation: Conversation, actor, state: str, doing: str) -> Conversation:
    conversation = _fresh(conversation)
    _refuse_unless_may_work(conversation, actor, doing)
    if conversation.state == state:
        raise ValidationError(f"This conversation is already {state}.")
    now = timezone.now()
    closed_at = now if state == Conversation.State.CLOSED else None
    with scopes_disabled(), transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(
            state=state, closed_at=closed_at, changed_at=now
        )
        _audit(conversation, {"state": conversation.state}, {"state": state}, f"{doing} by hand")
    return _fresh(conversation)


def conversation_close(*, conversation: Conversation, actor) -> Conversation:
    """Closes it; a new inbound message opens it again (conversation_touch)."""
    return _set_state(conversation, actor, Conversation.State.CLOSED, "close")


def conversation_reopen(*, conversation: Conversation, actor) -> Conversation:
    return _set_state(conversation, actor, Conversation.State.OPEN, "reopen")


def conversation_read(*, conversation: Conversation, actor) -> None:
    """Its owner opened it (or anyone who may work it, while it is unassigned): nothing
    unread. Writes only when something was unread."""
    if not conversation.unread:
        return
    if conversation.assignee_id not in (None, actor.pk):
        return
    now = timezone.now()
    with scopes_disabled():
        Conversation.objects.filter(pk=conversation.pk, unread__gt=0).update(
            unread=0, changed_at=now
        )
    conversation.unread, conversation.changed_at = 0, now


def conversation_start(*, tenant, our_number, remote: str, text: str, actor) -> Conversation:
    """An agent allowed to start from `our_number` (one of its starters, or a tenant admin)
    writes first to `remote`. The conversation with the party is reused when there is one;
    it becomes the agent's, sticky for the number's `stickiness_hours`."""
    from datetime import timedelta

    from ..models import MessageSource, NumberRoute

    number = _start_number(tenant, our_number)
    with scopes_disabled():
        route = NumberRoute.objects.filter(tenant=tenant, number=number).first()
    admin = is_tenant_admin(tenant=tenant, user=actor)
    if not admin and (route is None or not route.starters.filter(pk=actor.pk).exists()):
        raise ValidationError(
            {
                "our_number": f"You may not start conversations from +{number}: a tenant "
                "admin names who may, in the number's routing rule."
            }
        )
    party = _start_remote(tenant, remote, reformat=route.reformat if route else True)
    with scope(tenant=tenant):
        sender = number_sender(tenant=tenant, number=number, actor=actor)
    conversation = conversation_for(
        tenant=tenant, channel=sender.channel, our_number=number, remote=party
    )
    if conversation.assignee_id not in (None, actor.pk) and not admin:
        raise ValidationError(
            {
                "remote": f"+{party} is already in a conversation with {conversation.assignee}: "
                "ask them or a tenant admin to transfer it to you."
            }
        )
    hours = route.stickiness_hours if route else 24
    now = timezone.now()
    with transaction.atomic():
        message = message_send(
            tenant=tenant,
            sender_id=sender,
            recipient="+" + party,
            text=text,
            source=MessageSource.CONVERSATION,
            actor=actor,
        )
        with scopes_disabled():
            Conversation.objects.filter(pk=conversation.pk).update(
                started_by=actor,
                assignee=actor,
                picked_up_at=now,
                sticky_until=now + timedelta(hours=hours) if hours else None,
                state=Conversation.State.OPEN,
                closed_at=None,
            )
        conversation_touch(conversation=conversation, message=message)
        _audit(conversation, {}, {"started_by": actor.pk}, f"Started by {actor}")
    return _fresh(conversation)


def _start_number(tenant, raw) -> str:
    from dids.models import Did
    from dids.selectors import owner_of

    text = str(raw or "").strip().lstrip("+")[:20]
    owner = owner_of(int(text)) if text.isdigit() and len(text) <= 15 else None
    if owner is None or owner.tenant_id != tenant.pk:
        raise ValidationError(
            {"our_number": f"“{text[:20]}” is not one of {tenant.name}'s numbers."}
        )
    if not Did.objects.filter(number=int(text), sms_enabled=True, status="active").exists():
        raise ValidationError(
            {"our_number": f"+{text} cannot send SMS: it is not SMS-enabled on Wavix."}
        )
    return text


def _start_remote(tenant, raw, *, reformat: bool) -> str:
    text = str(raw or "").strip()
    number = typed_number(tenant=tenant, raw=text, field="remote")
    if not phone.is_valid(number):
        raise ValidationError(
            {
                "remote": f"+{number} is not a number in use: its country's numbering plan has "
                "no such number (check the area code and the length)."
            }
        )
    return remote_party(tenant=tenant, raw=text, reformat=reformat) if reformat else str(number)


def conversations_auto_close(*, now=None) -> int:
    """Closes the open conversations whose last message is older than their number's
    `auto_close_days` (0: never; a number with no rule: the rule's default), in batches: a
    constant number of queries per batch. How many were closed."""
    from datetime import timedelta

    from django.db.models import DurationField, ExpressionWrapper, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from portal import audit

    from ..models import NumberRoute

    now = now or timezone.now()
    default_days = NumberRoute._meta.get_field("auto_close_days").default
    days = Coalesce(
        Subquery(
            NumberRoute._base_manager.filter(
                tenant=OuterRef("tenant"), number=OuterRef("our_number")
            ).values("auto_close_days")[:1]
        ),
        Value(default_days),
    )
    closed = 0
    with scopes_disabled():
        due = (
            Conversation.objects.filter(state=Conversation.State.OPEN)
            .annotate(days=days)
            .filter(days__gt=0)
            .filter(
                last_message_at__lt=Value(now)
                - ExpressionWrapper(F("days") * timedelta(days=1), output_field=DurationField())
            )
            .order_by("pk")
        )
        while True:
            batch = list(due.only("pk", "tenant_id", "our_number", "remote")[:AUTO_CLOSE_BATCH])
            if not batch:
                return closed
            with transaction.atomic():
                Conversation.objects.filter(
                    pk__in=[c.pk for c in batch], state=Conversation.State.OPEN
                ).update(state=Conversation.State.CLOSED, closed_at=now, changed_at=now)
                audit.record_many(
                    [(c, "update", {"state": "open"}, {"state": "closed"}) for c in batch],
                    message="Closed after days without a message (the number's auto-close)",
                )
            closed += len(batch)
