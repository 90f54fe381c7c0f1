"""Conversations in the API (part C): an agent's token sees what the agent sees, another
agent's conversation is a 404, reply with an Idempotency-Key sends once, assign, pick up
(the loser told who won), close and reopen; the list's queries do not grow with its rows."""

from django_scopes import scopes_disabled

from messaging.models import Conversation, Message
from tests.conftest import api_client

from . import factories
from . import inbox as inbox_world
from .inbox import OUR, inbound

mms_root, inbox = factories.mms_root, inbox_world.inbox
BASE = "/api/v1/tenants/acme/conversations/"


def test_an_agents_token_lists_their_own_and_their_queues(inbox):
    mine = inbound(inbox, remote="16468097061", assignee=inbox.world.agent_a)
    waiting = inbound(inbox, remote="16468097062")
    inbound(inbox, remote="16468097063", assignee=inbox.agent2)
    api = api_client(inbox.world.agent_a, inbox.world.a)
    ids = {row["id"] for row in api.get(BASE).json()["results"]}
    assert ids == {mine.pk, waiting.pk}
    assert [r["id"] for r in api.get(BASE + "?view=mine").json()["results"]] == [mine.pk]
    assert [r["id"] for r in api.get(BASE + "?view=queue").json()["results"]] == [waiting.pk]
    admin = api_client(inbox.world.admin_a, inbox.world.a)
    assert admin.get(BASE).json()["count"] == 3
    assert admin.get(BASE + "?number=%2B1 646 809 7062").json()["count"] == 1
    bad = admin.get(BASE + "?number=abc")
    assert bad.status_code == 400 and "abc" in str(bad.json())


def test_another_agents_conversation_is_a_404_in_the_api(inbox):
    theirs = inbound(inbox, assignee=inbox.agent2)
    api = api_client(inbox.world.agent_a, inbox.world.a)
    assert api.get(f"{BASE}{theirs.pk}/").status_code == 404
    assert api.post(f"{BASE}{theirs.pk}/reply/", {"text": "x"}, format="json").status_code == 404
    assert api.post(f"{BASE}{theirs.pk}/close/").status_code == 404
    other = api_client(inbox.world.admin_b, inbox.world.b)
    assert other.get(f"/api/v1/tenants/globex/conversations/{theirs.pk}/").status_code == 404


def test_reply_with_an_idempotency_key_sends_once(inbox):
    conversation = inbound(inbox, assignee=inbox.world.agent_a)
    api = api_client(inbox.world.agent_a, inbox.world.a)
    headers = {"HTTP_IDEMPOTENCY_KEY": "reply-1"}
    first = api.post(f"{BASE}{conversation.pk}/reply/", {"text": "Hi"}, format="json", **headers)
    again = api.post(f"{BASE}{conversation.pk}/reply/", {"text": "Hi"}, format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and first.json()["id"] == again.json()["id"]
    assert first.json()["sender"] == f"+{OUR}"
    with scopes_disabled():
        assert Message.objects.filter(direction="outbound").count() == 1
    other = api.post(f"{BASE}{conversation.pk}/reply/", {"text": "Bye"}, format="json", **headers)
    assert other.status_code == 422
    empty = api.post(f"{BASE}{conversation.pk}/reply/", {"text": ""}, format="json")
    assert empty.status_code == 400 and "text" in empty.json()["errors"]


def test_detail_has_the_messages_and_messages_are_paged(inbox):
    conversation = inbound(inbox, "first", assignee=inbox.world.agent_a)
    inbound(inbox, "second")
    api = api_client(inbox.world.agent_a, inbox.world.a)
    detail = api.get(f"{BASE}{conversation.pk}/").json()
    assert [m["text"] for m in detail["messages"]] == ["first", "second"]
    page = api.get(f"{BASE}{conversation.pk}/messages/?per_page=1").json()
    assert page["count"] == 2 and page["results"][0]["text"] == "second"


def test_pick_up_assign_close_and_reopen(inbox):
    conversation = inbound(inbox)
    first = api_client(inbox.world.agent_a, inbox.world.a)
    second = api_client(inbox.agent2, inbox.world.a)
    won = first.post(f"{BASE}{conversation.pk}/assign/", {}, format="json")
    assert won.status_code == 200 and won.json()["assignee"] == inbox.world.agent_a.pk
    lost = second.post(f"{BASE}{conversation.pk}/assign/", {}, format="json")
    assert lost.status_code == 400 and "Already picked up by" in str(lost.json())
    moved = first.post(f"{BASE}{conversation.pk}/assign/", {"queue": inbox.queue.pk}, format="json")
    assert moved.json()["assignee"] is None and moved.json()["queue"] == inbox.queue.pk
    given = second.post(
        f"{BASE}{conversation.pk}/assign/", {"user": inbox.world.agent_a.pk}, format="json"
    )
    assert given.json()["assignee"] == inbox.world.agent_a.pk
    nobody = first.post(f"{BASE}{conversation.pk}/assign/", {"user": 999999}, format="json")
    assert nobody.status_code == 400 and "999999" in str(nobody.json())
    assert first.post(f"{BASE}{conversation.pk}/close/").json()["state"] == "closed"
    assert first.post(f"{BASE}{conversation.pk}/close/").status_code == 400
    assert first.post(f"{BASE}{conversation.pk}/reopen/").json()["state"] == "open"
    with scopes_disabled():
        assert Conversation.objects.get(pk=conversation.pk).state == "open"


def test_the_list_costs_the_same_queries_for_3_and_30_conversations(inbox):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_client(inbox.world.admin_a, inbox.world.a)
    api.get(BASE)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(BASE).status_code == 200
        return len(ctx)

    for i in range(3):
        inbound(inbox, remote=f"1646809{7100 + i}")
    small = count()
    for i in range(3, 30):
        inbound(inbox, remote=f"1646809{7100 + i}")
    assert count() == small
