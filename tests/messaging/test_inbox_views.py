"""The inbox and conversation pages (part C): tabs and who sees what, the pickup race as the
loser's page says it, another agent's conversation a 404, reply from the page, the live poll's
cheap 204 and its redraw, unread badge, images inline, canned replies on the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from messaging.models import CannedReply, Contact, Conversation, Message
from tests.conftest import login

from . import factories
from . import inbox as inbox_world
from .inbox import OUR, inbound

mms_root, inbox = factories.mms_root, inbox_world.inbox


def url(name, *args, **query):
    path = reverse(f"tenant:{name}", args=["acme", *args])
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return path


def rows(page: str) -> int:
    return page.count('data-testid="conversation-row"')


def test_queue_tab_shows_a_waiting_conversation_to_each_member_only(inbox):
    inbound(inbox, "Where is my order?")
    for user in (inbox.world.agent_a, inbox.agent2):
        page = login(user).get(url("inbox", tab="queues")).content.decode()
        assert rows(page) == 1 and "Where is my order?" in page and "Waiting in Support" in page
    page = login(inbox.outsider).get(url("inbox", tab="queues")).content.decode()
    assert rows(page) == 0
    assert login(inbox.outsider).get(url("inbox", tab="all")).status_code == 200
    page = login(inbox.world.admin_a).get(url("inbox", tab="all")).content.decode()
    assert rows(page) == 1


def test_the_pickup_race_loser_is_told_who_won_and_loses_the_conversation(inbox):
    conversation = inbound(inbox)
    first, second = login(inbox.world.agent_a), login(inbox.agent2)
    page = second.get(url("conversation", conversation.pk))
    since = page.context["since"]
    assert first.post(url("conversation_pickup", conversation.pk)).status_code == 302
    lost = second.post(url("conversation_pickup", conversation.pk), follow=True)
    assert f"Already picked up by {inbox.world.agent_a.display_name}" in lost.content.decode()
    assert rows(second.get(url("inbox", tab="queues")).content.decode()) == 0
    poll = second.get(url("conversation_changes", conversation.pk, since=since))
    assert poll.status_code == 200
    assert f"Picked up by {inbox.world.agent_a.display_name}" in poll.content.decode()


def test_an_agent_of_the_queue_cannot_read_another_agents_picked_up_conversation(inbox):
    conversation = inbound(inbox)
    login(inbox.agent2).post(url("conversation_pickup", conversation.pk))
    agent = login(inbox.world.agent_a)
    assert agent.get(url("conversation", conversation.pk)).status_code == 404
    assert agent.post(url("conversation_reply", conversation.pk), {"text": "x"}).status_code == 404
    assert agent.post(url("conversation_close", conversation.pk)).status_code == 404
    assert login(inbox.world.admin_a).get(url("conversation", conversation.pk)).status_code == 200


def test_a_reply_from_the_page_goes_from_the_conversations_number(inbox):
    conversation = inbound(inbox, assignee=inbox.world.agent_a)
    client = login(inbox.world.agent_a)
    response = client.post(url("conversation_reply", conversation.pk), {"text": "Shipped today."})
    assert response.status_code == 302
    with scopes_disabled():
        reply = Message.objects.get(direction="outbound")
    assert (reply.sender, reply.conversation_id) == (OUR, conversation.pk)
    page = client.get(url("conversation", conversation.pk)).content.decode()
    assert "Shipped today." in page and 'data-testid="delivery-state" data-status="queued"' in page


def test_a_refused_reply_shows_the_reason_and_sends_nothing(inbox):
    from messaging.services.optouts import opt_out_add

    conversation = inbound(inbox, assignee=inbox.world.agent_a)
    opt_out_add(tenant=inbox.world.a, recipient="+16468097065")
    response = login(inbox.world.agent_a).post(
        url("conversation_reply", conversation.pk), {"text": "Hello?"}
    )
    assert response.status_code == 200  # the page again, the reason by the form
    assert "asked not to get messages" in response.content.decode()
    with scopes_disabled():
        assert not Message.objects.filter(direction="outbound").exists()


def test_opening_a_conversation_reads_it_and_the_badge_counts_unread(inbox):
    conversation = inbound(inbox, assignee=inbox.world.agent_a)
    inbound(inbox, "Again")
    client = login(inbox.world.agent_a)
    page = client.get(url("inbox")).content.decode()
    assert 'data-testid="inbox-unread" aria-label="2 unread">2<' in page
    client.get(url("conversation", conversation.pk))
    with scopes_disabled():
        assert Conversation.objects.get(pk=conversation.pk).unread == 0
    assert 'data-testid="inbox-unread"' not in client.get(url("inbox")).content.decode()


def test_the_poll_answers_204_in_one_conversation_query_when_nothing_changed(inbox):
    inbound(inbox)
    client = login(inbox.agent2)
    page = client.get(url("inbox", tab="queues"))
    since = page.context["since"]
    poll = url("inbox_changes", tab="queues", since=since.replace("+", "%2B"))
    client.get(poll)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(poll)
    assert response.status_code == 204 and response.content == b""
    touching = [q for q in ctx.captured_queries if "messaging_conversation" in q["sql"]]
    assert len(touching) == 1, touching
    assert len(ctx) <= 6
    inbound(inbox, "A second person", remote="16468097066")
    response = client.get(poll)
    assert response.status_code == 200 and rows(response.content.decode()) == 2


def test_the_conversation_poll_is_204_until_a_status_changes(inbox):
    from messaging.services.conversations import conversations_changed

    conversation = inbound(inbox, assignee=inbox.world.agent_a)
    client = login(inbox.world.agent_a)
    since = client.get(url("conversation", conversation.pk)).context["since"]
    poll = url("conversation_changes", conversation.pk, since=since.replace("+", "%2B"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(poll).status_code == 204
    assert len([q for q in ctx.captured_queries if "messaging_conversation" in q["sql"]]) == 1
    conversations_changed(conversation_ids=[conversation.pk])
    assert client.get(poll).status_code == 200


def test_search_by_number_in_any_form_and_by_text(inbox):
    inbound(inbox, "Invoice 42 is wrong")
    inbound(inbox, "Hello", remote="442071838750")
    client = login(inbox.world.admin_a)
    for q in ("(646) 809", "+1 646-809", "16468097065"):
        assert rows(client.get(url("inbox", tab="all", q=q)).content.decode()) == 1
    assert rows(client.get(url("inbox", tab="all", q="invoice")).content.decode()) == 1
    assert rows(client.get(url("inbox", tab="all", q="nothing+here")).content.decode()) == 0


def test_the_inbox_shows_the_contacts_name_and_images_inline(inbox):
    with scopes_disabled():
        Contact.objects.create(tenant=inbox.world.a, number="16468097065", name="Dana Reed")
    image = "https://portal.example/hooks/mms/" + "a" * 32 + ".jpg"
    conversation = inbound(
        inbox, "Look", assignee=inbox.world.agent_a, media=[image, "https://x.example/f.pdf"]
    )
    client = login(inbox.world.agent_a)
    assert "Dana Reed" in client.get(url("inbox")).content.decode()
    page = client.get(url("conversation", conversation.pk)).content.decode()
    assert f'<img src="/hooks/mms/{"a" * 32}.jpg"' in page
    assert 'href="https://x.example/f.pdf"' in page and "Dana Reed" in page


def test_pages_of_the_inbox_and_of_earlier_messages(inbox):
    for i in range(30):
        inbound(inbox, f"person {i}", remote=f"1646809{7100 + i}")
    client = login(inbox.world.admin_a)
    first = client.get(url("inbox", tab="all"))
    assert rows(first.content.decode()) == 25 and first.context["after"]
    second = client.get(
        url("inbox", tab="all") + "&after=" + first.context["after"].replace("+", "%2B")
    )
    assert rows(second.content.decode()) == 5
    conversation = None
    for i in range(35):
        conversation = inbound(inbox, f"line {i}")
    page = client.get(url("conversation", conversation.pk))
    assert page.content.decode().count('data-testid="chat-message"') == 30
    earlier = client.get(url("conversation", conversation.pk, before=page.context["earlier"]))
    assert earlier.content.decode().count('data-testid="chat-message"') == 5
    assert "line 0" in earlier.content.decode() and "line 34" not in earlier.content.decode()


def test_canned_replies_are_offered_on_the_conversation_page(inbox):
    with scopes_disabled():
        CannedReply.objects.create(
            tenant=inbox.world.a, title="Thanks", text="Thanks, we're on it."
        )
    conversation = inbound(inbox, assignee=inbox.world.agent_a)
    page = login(inbox.world.agent_a).get(url("conversation", conversation.pk)).content.decode()
    assert 'data-testid="canned-insert"' in page and "Thanks, we&#x27;re on it." in page


def test_transfer_close_and_reopen_from_the_page(inbox):
    conversation = inbound(inbox, assignee=inbox.world.agent_a)
    client = login(inbox.world.agent_a)
    client.post(url("conversation_close", conversation.pk))
    with scopes_disabled():
        assert Conversation.objects.get(pk=conversation.pk).state == "closed"
    assert rows(client.get(url("inbox", tab="closed")).content.decode()) == 1
    client.post(url("conversation_reopen", conversation.pk))
    response = client.post(
        url("conversation_transfer", conversation.pk), {"to": f"user:{inbox.agent2.pk}"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Conversation.objects.get(pk=conversation.pk).assignee == inbox.agent2
    bad = login(inbox.agent2).post(
        url("conversation_transfer", conversation.pk), {"to": "user:999999"}, follow=True
    )
    assert "is not an agent or a queue of this tenant" in bad.content.decode()


@pytest.mark.parametrize("since", ["", "garbage", "9" * 200, "2026-13-45T99:99"])
def test_a_bad_since_redraws_instead_of_failing(inbox, since):
    inbound(inbox)
    response = login(inbox.agent2).get(url("inbox_changes", tab="queues", since=since))
    assert response.status_code == 200
