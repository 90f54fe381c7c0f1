"""The agents' actions on conversations (part C): pick up (the first wins), reply from the
conversation's number, first-reply pickup, transfer, close and reopen, read, start, the
auto-close beat, and compose/API sends joining their conversation."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from messaging.models import Conversation, Message, MessageQueue, NumberRoute
from messaging.services import conversation_actions as actions
from messaging.services import conversations as svc
from messaging.services.sending import message_send
from portal.models import AuditEntry

from . import factories
from . import inbox as inbox_world
from .inbox import OUR, REMOTE, inbound

# The shared fixtures (tests/messaging/factories.py and inbox.py).
mms_root, inbox = factories.mms_root, inbox_world.inbox


def fresh(conversation) -> Conversation:
    with scopes_disabled():
        return Conversation.objects.get(pk=conversation.pk)


def test_the_first_agent_to_pick_up_wins_and_the_other_is_told_who(inbox):
    conversation = inbound(inbox)
    actions.conversation_pickup(conversation=conversation, actor=inbox.world.agent_a)
    with pytest.raises(ValidationError) as info:
        actions.conversation_pickup(conversation=conversation, actor=inbox.agent2)
    assert f"Already picked up by {inbox.world.agent_a.display_name}" in info.value.messages[0]
    assert fresh(conversation).assignee == inbox.world.agent_a
    with scopes_disabled():
        entry = AuditEntry.objects.filter(object_id=str(conversation.pk)).latest("id")
    assert "Picked up by" in entry.message


def test_an_agent_outside_the_queue_cannot_pick_up(inbox):
    conversation = inbound(inbox)
    with pytest.raises(ValidationError, match="queue you are not a member of"):
        actions.conversation_pickup(conversation=conversation, actor=inbox.outsider)
    assert fresh(conversation).assignee is None


def test_a_reply_goes_from_the_conversations_number_and_joins_it(inbox):
    conversation = inbound(inbox, assignee=inbox.world.agent_a)
    assert fresh(conversation).unread == 1
    message = actions.conversation_reply(
        conversation=conversation, actor=inbox.world.agent_a, text="On it!"
    )
    assert (message.sender, message.recipient, message.source) == (OUR, REMOTE, "conversation")
    after = fresh(conversation)
    assert after.last_message_id == message.pk and after.unread == 0
    with scopes_disabled():
        assert Message.objects.get(pk=message.pk).conversation_id == conversation.pk


def test_another_agents_conversation_refuses_a_reply(inbox):
    conversation = inbound(inbox, assignee=inbox.world.agent_a)
    with pytest.raises(ValidationError, match="has it"):
        actions.conversation_reply(conversation=conversation, actor=inbox.agent2, text="Mine?")
    with scopes_disabled():
        assert not Message.objects.filter(direction="outbound").exists()


def test_first_reply_pickup_makes_the_replier_the_owner(inbox):
    with scopes_disabled():
        MessageQueue.objects.filter(pk=inbox.queue.pk).update(pickup="first_reply")
    conversation = inbound(inbox)
    actions.conversation_reply(conversation=conversation, actor=inbox.agent2, text="Hi, Bea here")
    assert fresh(conversation).assignee == inbox.agent2
    with pytest.raises(ValidationError, match="has it"):
        actions.conversation_reply(conversation=conversation, actor=inbox.world.agent_a, text="Me")


def test_a_refused_first_reply_claims_nothing(inbox):
    with scopes_disabled():
        MessageQueue.objects.filter(pk=inbox.queue.pk).update(pickup="first_reply")
    conversation = inbound(inbox)
    with pytest.raises(ValidationError):
        actions.conversation_reply(conversation=conversation, actor=inbox.agent2, text="")
    assert fresh(conversation).assignee is None


def test_transfer_to_an_agent_and_to_a_queue(inbox):
    conversation = inbound(inbox, assignee=inbox.world.agent_a)
    actions.conversation_transfer(
        conversation=conversation, actor=inbox.world.agent_a, to_user=inbox.agent2
    )
    assert fresh(conversation).assignee == inbox.agent2
    actions.conversation_transfer(
        conversation=conversation, actor=inbox.agent2, to_queue=inbox.queue
    )
    after = fresh(conversation)
    assert (after.assignee, after.queue) == (None, inbox.queue)
    with pytest.raises(ValidationError, match="not a user of this tenant"):
        actions.conversation_transfer(
            conversation=conversation, actor=inbox.world.admin_a, to_user=inbox.world.agent_b
        )


def test_close_then_a_new_inbound_message_reopens(inbox):
    conversation = inbound(inbox, assignee=inbox.world.agent_a)
    actions.conversation_close(conversation=conversation, actor=inbox.world.agent_a)
    assert fresh(conversation).state == "closed"
    with pytest.raises(ValidationError, match="already closed"):
        actions.conversation_close(conversation=conversation, actor=inbox.world.agent_a)
    inbound(inbox, "Still there?")
    after = fresh(conversation)
    assert (after.state, after.closed_at, after.assignee) == ("open", None, inbox.world.agent_a)
    actions.conversation_close(conversation=conversation, actor=inbox.world.admin_a)
    actions.conversation_reopen(conversation=conversation, actor=inbox.world.admin_a)
    assert fresh(conversation).state == "open"


def test_reading_resets_unread_for_the_owner_only(inbox):
    conversation = inbound(inbox, assignee=inbox.world.agent_a)
    inbound(inbox, "Second")
    assert fresh(conversation).unread == 2
    assert svc.unread_count(tenant=inbox.world.a, user=inbox.world.agent_a) == 2
    assert svc.unread_count(tenant=inbox.world.a, user=inbox.agent2) == 0
    actions.conversation_read(conversation=fresh(conversation), actor=inbox.world.admin_a)
    assert fresh(conversation).unread == 2, "an admin looking is not the owner reading"
    actions.conversation_read(conversation=fresh(conversation), actor=inbox.world.agent_a)
    assert fresh(conversation).unread == 0
    assert svc.unread_count(tenant=inbox.world.a, user=inbox.world.agent_a) == 0


def test_queue_unread_counts_for_every_member(inbox):
    inbound(inbox)
    assert svc.unread_count(tenant=inbox.world.a, user=inbox.world.agent_a) == 1
    assert svc.unread_count(tenant=inbox.world.a, user=inbox.agent2) == 1
    assert svc.unread_count(tenant=inbox.world.a, user=inbox.outsider) == 0


def test_auto_close_closes_silent_conversations_by_the_numbers_rule(inbox):
    old = inbound(inbox, at=timezone.now() - timedelta(days=8), remote="16468097066")
    recent = inbound(inbox, at=timezone.now() - timedelta(days=2), remote="16468097067")
    closed = actions.conversations_auto_close()
    assert closed == 1
    assert (fresh(old).state, fresh(recent).state) == ("closed", "open")
    with scopes_disabled():
        NumberRoute.objects.create(tenant=inbox.world.a, number=OUR, auto_close_days=1)
    assert actions.conversations_auto_close() == 1
    assert fresh(recent).state == "closed"


def test_auto_close_zero_days_never_closes(inbox):
    with scopes_disabled():
        NumberRoute.objects.create(tenant=inbox.world.a, number=OUR, auto_close_days=0)
    old = inbound(inbox, at=timezone.now() - timedelta(days=400))
    assert actions.conversations_auto_close() == 0
    assert fresh(old).state == "open"


def test_auto_close_query_count_does_not_grow_with_the_batch(inbox, django_assert_max_num_queries):
    for i in range(30):
        inbound(inbox, at=timezone.now() - timedelta(days=9), remote=f"1646809{7100 + i}")
    with django_assert_max_num_queries(8):
        assert actions.conversations_auto_close() == 30


def test_a_compose_send_from_a_number_joins_its_conversation(inbox):
    message = message_send(
        tenant=inbox.world.a,
        sender_id=inbox.sender.pk,
        recipient="+1 646 809 7065",
        text="Your order has shipped.",
        source="ui",
        actor=inbox.world.agent_a,
    )
    with scopes_disabled():
        conversation = Conversation.objects.get(tenant=inbox.world.a, remote=REMOTE)
    assert conversation.last_message_id == message.pk
    assert conversation.assignee == inbox.world.agent_a


def test_a_send_from_a_name_joins_no_conversation(inbox):
    from .factories import sender_id

    name = sender_id(inbox.world.a, "ACME", on=inbox.channel, allowlisted=("GB",))
    message_send(
        tenant=inbox.world.a,
        sender_id=name.pk,
        recipient="+44 20 7183 8750",
        text="Hi",
        source="api",
    )
    with scopes_disabled():
        assert not Conversation.objects.exists()
