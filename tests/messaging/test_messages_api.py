"""The messages API: a send with an Idempotency-Key gives its first answer again and never
a second message; refusals name the field; lists and details stay in the tenant."""

import threading

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from messaging.models import IdempotencyKey, Message
from tests.conftest import api_client

from . import factories
from .factories import message

mms_root, sending = factories.mms_root, factories.sending

URL = "/api/v1/tenants/acme/messages/"


@pytest.fixture(autouse=True)
def _no_kick(monkeypatch):
    # The outbox's worker is another part's: here a queued message stays queued.
    monkeypatch.setattr("messaging.services.outbox.outbox_kick", lambda channel_id: None)


def body(sending, **fields):
    return {"sender_id": sending.number.pk, "recipient": "(646) 809-7065", "text": "Hi", **fields}


def messages() -> int:
    with scopes_disabled():
        return Message.objects.count()


def test_the_same_key_and_body_give_the_first_answer_and_one_message(world, sending):
    client = api_client(world.agent_a, world.a)
    first = client.post(URL, body(sending), format="json", HTTP_IDEMPOTENCY_KEY="order-17")
    assert first.status_code == 201, first.json()
    data = first.json()
    assert (data["recipient"], data["status"], data["encoding"], data["segments"]) == (
        "+16468097065",
        "queued",
        "GSM-7",
        1,
    )
    again = client.post(URL, body(sending), format="json", HTTP_IDEMPOTENCY_KEY="order-17")
    assert again.status_code == 201 and again.json() == data
    assert again["Idempotent-Replayed"] == "true"
    assert messages() == 1
    # The same body under another key is another message.
    assert (
        client.post(URL, body(sending), format="json", HTTP_IDEMPOTENCY_KEY="order-18").json()["id"]
        != data["id"]
    )
    assert messages() == 2


def test_the_same_key_with_another_body_is_refused_naming_the_header(world, sending):
    client = api_client(world.agent_a, world.a)
    client.post(URL, body(sending), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    response = client.post(
        URL, body(sending, text="Other"), format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert response.status_code == 422
    assert response.json()["errors"]["Idempotency-Key"] == [
        "The Idempotency-Key “k1” was used with another request body: use a new key for a new "
        "message."
    ]
    assert messages() == 1


def test_keys_are_per_tenant(world, sending):
    a = api_client(world.admin_a, world.a)
    b = api_client(world.admin_b, world.b)
    assert a.post(URL, body(sending), format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    response = b.post(
        "/api/v1/tenants/globex/messages/",
        body(sending, sender_id=sending.globex.pk),
        format="json",
        HTTP_IDEMPOTENCY_KEY="same",
    )
    assert response.status_code == 201 and messages() == 2


def test_a_bad_key_is_refused_before_anything_is_sent(world, sending):
    client = api_client(world.agent_a, world.a)
    response = client.post(URL, body(sending), format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "The Idempotency-Key header is 256 characters; at most 255 are allowed."
    )
    response = client.post(URL, body(sending), format="json", HTTP_IDEMPOTENCY_KEY="  ")
    assert response.status_code == 400 and "printable ASCII" in response.json()["detail"]
    assert messages() == 0


def test_a_refusal_names_the_field_and_is_the_keys_answer_too(world, sending):
    client = api_client(world.agent_a, world.a)
    bad = body(sending, sender_id=sending.name.pk, media=["ftp://x"])
    first = client.post(URL, bad, format="json", HTTP_IDEMPOTENCY_KEY="bad-1")
    assert first.status_code == 400
    errors = first.json()["errors"]
    assert "US and Canadian carriers accept only numbers" in errors["sender_id"][0]
    assert errors["media"] == [
        "“ftp://x” is not a web address (http or https, at most 2000 characters) the provider "
        "can fetch."
    ]
    again = client.post(URL, bad, format="json", HTTP_IDEMPOTENCY_KEY="bad-1")
    assert (again.status_code, again.json()) == (400, first.json())
    assert messages() == 0


def test_a_malformed_body_is_a_400_naming_the_fields(world, sending):
    client = api_client(world.agent_a, world.a)
    response = client.post(URL, {"media": "x" * 10}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"sender_id", "recipient", "media"}
    response = client.post(URL, body(sending, text="a" * 10_001), format="json")
    assert response.status_code == 400 and "text" in response.json()["errors"]


def test_a_send_without_a_key_sends(world, sending):
    response = api_client(world.agent_a, world.a).post(URL, body(sending), format="json")
    assert response.status_code == 201 and messages() == 1
    with scopes_disabled():
        assert Message.objects.get().source == "api"


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_make_one_message(world, sending):
    client = api_client(world.agent_a, world.a)
    token = client.raw_token
    barrier, answers = threading.Barrier(4), []

    def post():
        from rest_framework.test import APIClient

        mine = APIClient()
        mine.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        barrier.wait()
        try:
            response = mine.post(URL, body(sending), format="json", HTTP_IDEMPOTENCY_KEY="race")
            answers.append((response.status_code, response.json()["id"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 4 and len(set(answers)) == 1 and answers[0][0] == 201
    assert messages() == 1
    with scopes_disabled():
        assert IdempotencyKey.objects.count() == 1


def test_lists_and_details_stay_in_the_tenant(world, sending):
    mine = message(world.a, text="Acme's", events=[("accepted", "provider", "", {"id": "w1"})])
    theirs = message(world.b, text="Globex's")
    admin = api_client(world.admin_a, world.a)
    listed = admin.get(URL).json()
    assert [m["text"] for m in listed["results"]] == ["Acme's"]
    detail = admin.get(f"{URL}{mine.pk}/").json()
    assert [e["status"] for e in detail["events"]] == ["queued", "accepted"]
    assert detail["events"][1]["detail"] == {"id": "w1"}
    assert admin.get(f"{URL}{theirs.pk}/").status_code == 404
    assert admin.get(URL, {"status": "nope"}).status_code == 400
    assert api_client(world.agent_a, world.a).get(URL).status_code == 403


def test_the_platform_lists_every_tenants_messages(world, sending):
    message(world.a, text="Acme's")
    message(world.b, text="Globex's")
    client = api_client(world.sysadmin)
    assert {m["tenant"] for m in client.get("/api/v1/messages/").json()["results"]} == {
        "acme",
        "globex",
    }
    only = client.get("/api/v1/messages/", {"tenant": world.b.pk}).json()["results"]
    assert [m["text"] for m in only] == ["Globex's"]
    assert api_client(world.admin_a, world.a).get("/api/v1/messages/").status_code == 403
