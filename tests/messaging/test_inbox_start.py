"""Starting a conversation (part C): only from one of the tenant's SMS numbers, by its
starters or a tenant admin, to a valid number; sticky for the agent who started it."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from messaging.models import Conversation, NumberRoute
from messaging.services.conversation_actions import conversation_start


@pytest.fixture
def numbers(senders_env):
    return senders_env


def start(env, actor, remote="+1 646 809 7065", number=None, text="Hello from Acme"):
    return conversation_start(
        tenant=env.world.a,
        our_number=str(number or env.sms[0]),
        remote=remote,
        text=text,
        actor=actor,
    )


def test_a_starter_starts_a_sticky_conversation(numbers):
    with scopes_disabled():
        route = NumberRoute.objects.create(
            tenant=numbers.world.a, number=str(numbers.sms[0]), stickiness_hours=6
        )
        route.starters.add(numbers.world.agent_a)
    conversation = start(numbers, numbers.world.agent_a)
    assert conversation.assignee == numbers.world.agent_a
    assert conversation.started_by == numbers.world.agent_a
    hours = (conversation.sticky_until - timezone.now()).total_seconds() / 3600
    assert 5.9 < hours <= 6
    assert conversation.remote == "16468097065"
    again = start(numbers, numbers.world.agent_a, remote="(646) 809-7065", text="Again")
    assert again.pk == conversation.pk, "the conversation with the party is reused"


def test_a_non_starter_is_refused(numbers):
    with pytest.raises(ValidationError) as info:
        start(numbers, numbers.world.agent_a)
    assert "You may not start conversations from" in info.value.message_dict["our_number"][0]
    with scopes_disabled():
        assert not Conversation.objects.exists()


def test_an_admin_may_start_from_any_sms_number(numbers):
    conversation = start(numbers, numbers.world.admin_a)
    assert conversation.assignee == numbers.world.admin_a


def test_a_number_of_another_tenant_or_without_sms_is_refused(numbers):
    with pytest.raises(ValidationError, match="is not one of Acme"):
        start(numbers, numbers.world.admin_a, number=numbers.b_number)
    with pytest.raises(ValidationError, match="not SMS-enabled"):
        start(numbers, numbers.world.admin_a, number=numbers.plain)


@pytest.mark.parametrize(
    "remote, rule",
    [("12", "is not a phone number"), ("+1 212 000 0000", "not a number in use"), ("x" * 60, "")],
)
def test_an_invalid_remote_is_refused_with_the_rule(numbers, remote, rule):
    with pytest.raises(ValidationError) as info:
        start(numbers, numbers.world.admin_a, remote=remote)
    assert rule in info.value.message_dict["remote"][0]
