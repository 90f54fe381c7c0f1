# ruff: noqa: F811 - pytest fixtures imported from a shared module are used as arguments
"""Routing inbound messages: each destination, stickiness, queue pickup, reformatting, the
unrouted list of both kinds and "route it"."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from messaging.models import Conversation, MailNotice, Message, NumberRoute, WebhookDelivery
from messaging.services import routing
from messaging.services.routing import RuleData, message_route, route_waiting_report
from messaging.services.tenant_webhooks import endpoint_save

from .routing_support import inbound, receiver  # noqa: F401 - a fixture


@pytest.fixture
def env(senders_env):
    return senders_env


def rule(env, number, **fields):
    return routing.number_route_save(
        tenant=env.world.a, number=str(number), data=RuleData(**fields)
    )


def routed(message) -> Message:
    message_route(message=message)
    with scopes_disabled():
        return Message.objects.select_related("conversation").get(pk=message.pk)


def test_agent_destination_assigns_the_agent(env):
    rule(env, env.sms[0], destination="agent", agent=env.world.agent_a)
    msg = routed(inbound(env.channel, to=env.sms[0]))
    assert msg.tenant == env.world.a and msg.unrouted == ""
    assert msg.conversation.assignee == env.world.agent_a
    assert msg.conversation.queue is None and msg.conversation.unread == 1


def test_queue_destination_leaves_it_to_the_members(env):
    queue = routing.queue_save(
        tenant=env.world.a, name="Support", members=[env.world.agent_a, env.world.admin_a]
    )
    rule(env, env.sms[0], destination="queue", queue=queue)
    conv = routed(inbound(env.channel, to=env.sms[0])).conversation
    assert conv.queue == queue and conv.assignee is None and conv.picked_up_at is None


def test_a_picked_up_queue_conversation_stays_with_its_owner(env):
    queue = routing.queue_save(tenant=env.world.a, name="Support", members=[env.world.agent_a])
    rule(env, env.sms[0], destination="queue", queue=queue)
    conv = routed(inbound(env.channel, to=env.sms[0])).conversation
    with scopes_disabled():
        Conversation.objects.filter(pk=conv.pk).update(
            assignee=env.world.admin_a, picked_up_at=timezone.now()
        )
    again = routed(inbound(env.channel, to=env.sms[0], text="follow-up")).conversation
    assert again.pk == conv.pk and again.assignee == env.world.admin_a


def test_stickiness_sends_replies_to_the_starter_within_the_hours_then_to_the_rule(env):
    rule(env, env.sms[0], destination="agent", agent=env.world.agent_a, stickiness_hours=4)
    with scopes_disabled():
        conv = Conversation.objects.create(
            tenant=env.world.a,
            channel=env.channel,
            our_number=str(env.sms[0]),
            remote="16468097065",
            assignee=env.world.admin_a,
            started_by=env.world.admin_a,
            sticky_until=timezone.now() + timedelta(hours=4),
            last_message_at=timezone.now(),
            changed_at=timezone.now(),
        )
    reply = routed(inbound(env.channel, to=env.sms[0])).conversation
    assert reply.pk == conv.pk and reply.assignee == env.world.admin_a
    with scopes_disabled():
        Conversation.objects.filter(pk=conv.pk).update(
            sticky_until=timezone.now() - timedelta(minutes=1)
        )
    later = routed(inbound(env.channel, to=env.sms[0], text="later")).conversation
    assert later.assignee == env.world.agent_a


@pytest.mark.parametrize("reformat, expected", [(True, 1), (False, 2)])
def test_reformatting_makes_one_conversation_of_the_three_spellings(env, reformat, expected):
    env.world.a.default_country = "US"
    env.world.a.save()
    rule(env, env.sms[0], destination="agent", agent=env.world.agent_a, reformat=reformat)
    for raw in ("+16468097065", "16468097065", "(646) 809-7065"):
        routed(inbound(env.channel, to=env.sms[0], sender=raw))
    with scopes_disabled():
        assert Conversation.objects.filter(tenant=env.world.a).count() == expected
        if reformat:
            assert Conversation.objects.get().remote == "16468097065"


def test_routing_twice_changes_nothing(env):
    rule(env, env.sms[0], destination="agent", agent=env.world.agent_a)
    msg = routed(inbound(env.channel, to=env.sms[0]))
    message_route(message=msg)
    with scopes_disabled():
        assert Conversation.objects.get(pk=msg.conversation_id).unread == 1


def test_a_closed_conversation_reopens_and_is_routed_afresh(env):
    rule(env, env.sms[0], destination="agent", agent=env.world.agent_a)
    conv = routed(inbound(env.channel, to=env.sms[0])).conversation
    with scopes_disabled():
        Conversation.objects.filter(pk=conv.pk).update(state="closed", assignee=None)
    again = routed(inbound(env.channel, to=env.sms[0])).conversation
    assert again.state == "open" and again.assignee == env.world.agent_a


def test_no_owner_and_no_destination_wait_and_route_it_delivers(env):
    stray = routed(inbound(env.channel, to="19995550123"))
    assert stray.unrouted == "no_owner" and stray.tenant is None
    waiting = routed(inbound(env.channel, to=env.sms[1]))
    assert waiting.unrouted == "no_destination" and waiting.tenant == env.world.a
    report = route_waiting_report(tenant=env.world.a)
    assert report.delivered == 0 and "no inbound destination" in report.sentence()
    rule(env, env.sms[1], destination="agent", agent=env.world.agent_a)
    report = route_waiting_report(tenant=env.world.a, number=str(env.sms[1]))
    assert report.delivered == 1 and report.still_waiting == 0
    with scopes_disabled():
        assert Message.objects.get(pk=waiting.pk).conversation.assignee == env.world.agent_a
    assert routing.route_waiting() == 0  # nobody owns 19995550123 yet


def test_webhook_destination_makes_the_conversation_and_an_event(env, receiver):
    endpoint, _ = endpoint_save(tenant=env.world.a, name="CRM", url=receiver.url)
    rule(env, env.sms[0], destination="webhook", endpoint=endpoint)
    msg = routed(inbound(env.channel, to=env.sms[0]))
    assert msg.conversation.assignee is None
    with scopes_disabled():
        delivery = WebhookDelivery.objects.get()
    assert delivery.event == "message.received" and delivery.payload["data"]["id"] == msg.pk


def test_email_destination_queues_a_notice_and_digest_joins_it(env):
    rule(env, env.sms[0], destination="email", emails="ops@acme.example", email_digest_minutes=10)
    routed(inbound(env.channel, to=env.sms[0]))
    routed(inbound(env.channel, to=env.sms[0], text="second"))
    with scopes_disabled():
        notice = MailNotice.objects.get()
        assert notice.messages.count() == 2


def test_a_rule_is_only_for_an_sms_number_of_the_pool(env):
    with pytest.raises(ValidationError) as exc:
        rule(env, env.b_number, destination="agent", agent=env.world.agent_a)
    assert "not an SMS-enabled number" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        rule(env, env.plain, destination="agent", agent=env.world.agent_a)
    assert "number" in exc.value.message_dict


@pytest.mark.parametrize(
    "fields, field, words",
    [
        ({"destination": "fax"}, "destination", "is not a destination"),
        ({"destination": "agent"}, "agent", "Choose the agent"),
        ({"destination": "queue"}, "queue", "Choose the message queue"),
        ({"destination": "webhook"}, "endpoint", "Choose the webhook"),
        ({"destination": "email", "emails": ""}, "emails", "at least one"),
        ({"destination": "email", "emails": "not-an-address"}, "emails", "“not-an-address”"),
        (
            {"destination": "email", "emails": " ".join(f"a{i}@x.io" for i in range(11))},
            "emails",
            "at most 10",
        ),
        ({"stickiness_hours": 9999}, "stickiness_hours", "from 0 to 720"),
        ({"auto_close_days": -1}, "auto_close_days", "from 0 to 365"),
    ],
)
def test_a_wrong_rule_names_the_field_and_saves_nothing(env, fields, field, words):
    with pytest.raises(ValidationError) as exc:
        rule(env, env.sms[0], **fields)
    assert words in " ".join(exc.value.message_dict[field])
    with scopes_disabled():
        assert not NumberRoute.objects.exists()


def test_an_agent_of_another_tenant_is_refused(env):
    with pytest.raises(ValidationError) as exc:
        rule(env, env.sms[0], destination="agent", agent=env.world.agent_b)
    assert "is not a member" in exc.value.message_dict["agent"][0]


def test_a_queue_a_number_routes_to_cannot_be_deleted(env):
    queue = routing.queue_save(tenant=env.world.a, name="Sales", members=[env.world.agent_a])
    rule(env, env.sms[0], destination="queue", queue=queue)
    with pytest.raises(ValidationError) as exc:
        routing.queue_delete(queue=queue)
    assert f"+{env.sms[0]}" in exc.value.messages[0]


def test_bulk_apply_writes_every_number_or_none(env):
    data = RuleData(destination="agent", agent=env.world.agent_a)
    assert routing.number_routes_apply(tenant=env.world.a, numbers=env.sms[:2], data=data) == 2
    with pytest.raises(ValidationError):
        routing.number_routes_apply(
            tenant=env.world.a, numbers=[env.sms[2], env.b_number], data=data
        )
    with scopes_disabled():
        assert NumberRoute.objects.count() == 2
