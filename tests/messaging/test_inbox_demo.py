"""The inbox demo (part C): conversations in every state on Acme's number, contacts, canned
replies; run twice, it adds nothing."""

import io

from django_scopes import scopes_disabled

from messaging.models import CannedReply, Contact, Conversation, Message
from messaging.services.conversations import conversation_for
from portal.demo.inbox import seed_demo_inbox
from tests.factories import member

from . import factories

mms_root = factories.mms_root


def test_the_demo_inbox_has_conversations_in_every_state(world, mms_root):
    """Also when the demo's sent messages made a conversation of their own first."""
    member(world.a, "agent", email="aaron@acme.example", full_name="Aaron Agent")
    sender = factories.sender_id(world.a, "12125550100", on=factories.channel())
    with scopes_disabled():
        conversation_for(
            tenant=world.a, channel=sender.channel, our_number="12125550100", remote="12025550999"
        )
    out = io.StringIO()
    seed_demo_inbox(out)
    seed_demo_inbox(out)
    with scopes_disabled():
        rows = Conversation.objects.filter(tenant=world.a)
        assert rows.count() == 7
        assert rows.filter(state="closed").count() == 1
        assert rows.filter(assignee__isnull=True, queue__name="Support desk", unread=2).exists()
        assert rows.filter(
            started_by__email="aaron@acme.example", sticky_until__isnull=False
        ).exists()
        assert Message.objects.filter(is_mms=True, conversation__isnull=False).count() == 1
        assert Contact.objects.filter(tenant=world.a).count() == 4
        assert CannedReply.objects.filter(tenant=world.a).count() == 3
    assert "6 conversations" in out.getvalue()
