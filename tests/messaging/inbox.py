"""The inbox tests' world (part C): Acme's number 12125550100 as a sender, a queue "Support"
with two agents, and helpers that make an inbound message arrive in a conversation as the
routing would (conversation_for + conversation_touch)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from messaging.models import Conversation, Message, MessageQueue
from messaging.services.conversations import conversation_for, conversation_touch
from tenants.models import Role
from tests.factories import member

from . import factories

OUR = "12125550100"
REMOTE = "16468097065"


@pytest.fixture
def inbox(world, mms_root):
    wavix = factories.channel()
    sender = factories.sender_id(world.a, OUR, on=wavix)
    agent2 = member(world.a, Role.AGENT, email="agent2@acme.example", full_name="Bea Second")
    outsider = member(world.a, Role.AGENT, email="agent3@acme.example", full_name="Cy Outside")
    with scopes_disabled():
        queue = MessageQueue.objects.create(tenant=world.a, name="Support")
        queue.members.add(world.agent_a, agent2)
    return SimpleNamespace(
        world=world, channel=wavix, sender=sender, queue=queue, agent2=agent2, outsider=outsider
    )


def inbound(
    env,
    text="Hello, is anyone there?",
    *,
    remote=REMOTE,
    queue=True,
    assignee=None,
    media=(),
    at=None,
    our=OUR,
) -> Conversation:
    """An inbound message from `remote` to Acme's number, put in its conversation (in the
    queue, or with `assignee`), as part B's routing does."""
    tenant = env.world.a
    with scopes_disabled():
        message = Message.objects.create(
            tenant=tenant,
            channel=env.channel,
            direction=Message.Direction.INBOUND,
            sender=remote,
            recipient=our,
            text=text,
            media=list(media),
            is_mms=bool(media),
            status=Message.Status.RECEIVED,
            tag=uuid.uuid4().hex,
            source="provider",
            created_at=at or timezone.now(),
        )
        conversation = conversation_for(
            tenant=tenant, channel=env.channel, our_number=our, remote=remote
        )
        if conversation.assignee_id is None and conversation.queue_id is None:
            Conversation.objects.filter(pk=conversation.pk).update(
                queue=env.queue if queue else None, assignee=assignee
            )
        conversation_touch(conversation=conversation, message=message)
        conversation.refresh_from_db()
    return conversation
