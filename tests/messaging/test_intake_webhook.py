"""The inbound-message webhook as Wavix calls it: a good message is stored and answered 200
at once; the provider's retry of it is answered 200 and stored once; a malformed body is a 400
naming the field, a body too big a 413, a wrong token a 404, a sender outside the channel's
allowlist a 403, each storing nothing. The delivery-report webhook keeps the same allowlist."""

from __future__ import annotations

import contextlib
import json

import pytest

from messaging.models import WebhookEvent
from messaging.services.channels import channel_rotate_token
from messaging.webhooks.dlr import MAX_BODY

from .intake_support import fixture, post_inbound
from .test_channels_support import make_channel


@pytest.fixture
def channel(db):
    return make_channel()


def test_a_good_message_is_stored_and_answered_at_once(channel):
    response = post_inbound(channel, fixture("inbound"))
    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert response.json() == {"ok": True, "event": event.pk}
    assert event.kind == "inbound" and event.state == "received"
    assert event.dedupe_key == "5b8f6a3e-2c1d-4e7a-9f10-3a2b1c0d9e8f"
    assert event.remote_addr == "62.212.73.112"
    assert json.loads(event.body)["message_body"]["text"] == "Hello, is the store open today?"


@pytest.mark.parametrize("name", ["inbound_older", "inbound_mms"])
def test_older_payloads_with_a_message_type_and_mms_are_accepted(channel, name):
    assert post_inbound(channel, fixture(name)).status_code == 200
    assert WebhookEvent.objects.count() == 1


def test_the_providers_retry_of_the_same_message_is_answered_and_stored_once(channel):
    assert post_inbound(channel, fixture("inbound")).status_code == 200
    again = post_inbound(channel, fixture("inbound"))
    assert again.status_code == 200
    assert again.json() == {"ok": True, "duplicate": True}
    assert WebhookEvent.objects.count() == 1


def test_the_same_message_id_on_another_channel_is_another_message(channel):
    other = make_channel(name="Wavix second")
    post_inbound(channel, fixture("inbound"))
    assert post_inbound(other, fixture("inbound")).status_code == 200
    assert WebhookEvent.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"message_id": None}, "message_id"),
        ({"message_id": "x" * 65}, "message_id"),
        ({"message_id": ["a"]}, "message_id"),
        ({"from": None}, "from"),
        ({"from": "1" * 16}, "from"),
        ({"to": None}, "to"),
        ({"to": "+1 312 555"}, "to"),
        ({"to": "shop"}, "to"),
        ({"to": "1" * 16}, "to"),
        ({"message_body": "hello"}, "message_body"),
        ({"message_body": {"text": 5}}, "message_body.text"),
        ({"message_body": {"text": "x" * 10_001}}, "message_body.text"),
        ({"message_body": {"text": "", "media": "https://a.example/x.jpg"}}, "message_body.media"),
        ({"message_body": {"text": "", "media": ["u"] * 11}}, "message_body.media"),
        ({"received_at": "yesterday"}, "received_at"),
    ],
)
def test_a_malformed_message_is_a_400_naming_the_field_and_stores_nothing(channel, changes, field):
    response = post_inbound(channel, fixture("inbound", **changes))
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["error"].startswith(f"{field}: ")
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ("not json", "must be a JSON object"),
        ("[1, 2]", "must be a JSON object"),
        ('{"message_id": NaN}', "must be a JSON object"),
        ('{"message_id": "a\\u0000b"}', "must not contain NUL"),
        (b"\xff\xfe", "must be a JSON object"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_400(channel, body, rule):
    response = post_inbound(channel, body)
    assert response.status_code == 400
    assert response.json()["field"] == "body" and rule in response.json()["error"]
    assert not WebhookEvent.objects.exists()


def test_a_body_over_64_kib_is_a_413_and_stores_nothing(channel):
    body = fixture("inbound", padding="x" * MAX_BODY)
    response = post_inbound(channel, body)
    assert response.status_code == 413
    assert response.json() == {"error": "body: must be at most 64 KiB", "field": "body"}
    assert not WebhookEvent.objects.exists()


def test_a_wrong_or_rotated_token_is_a_404(channel):
    assert post_inbound("no-such-token", fixture("inbound")).status_code == 404
    assert post_inbound("x" * 500, fixture("inbound")).status_code == 404
    old = channel.inbound_token
    channel_rotate_token(channel=channel, which="inbound")
    assert post_inbound(old, fixture("inbound")).status_code == 404
    assert not WebhookEvent.objects.exists()


def test_a_get_is_refused(channel, client):
    from django.urls import reverse

    url = reverse("hooks:inbound", kwargs={"token": channel.inbound_token})
    assert client.get(url).status_code == 405


def test_outside_the_allowlist_is_a_403_naming_the_address_and_stores_nothing(channel, caplog):
    channel.inbound_allowlist = "62.212.73.112\n10.0.0.0/8"
    channel.save()
    response = post_inbound(channel, fixture("inbound"), remote_addr="203.0.113.9")
    assert response.status_code == 403
    assert "203.0.113.9" in response.json()["error"]
    assert response.json()["field"] == "remote_addr"
    assert not WebhookEvent.objects.exists()
    assert "203.0.113.9" in caplog.text and channel.inbound_token not in caplog.text
    assert post_inbound(channel, fixture("inbound"), remote_addr="10.1.2.3").status_code == 200
    assert WebhookEvent.objects.count() == 1


def test_the_delivery_report_webhook_keeps_the_same_allowlist(channel, client):
    from django.urls import reverse

    channel.inbound_allowlist = "62.212.73.112"
    channel.save()
    url = reverse("hooks:dlr", kwargs={"token": channel.dlr_token})
    body = json.dumps(fixture("delivered"))
    refused = client.post(url, body, content_type="application/json", REMOTE_ADDR="192.0.2.1")
    assert refused.status_code == 403 and "192.0.2.1" in refused.json()["error"]
    assert not WebhookEvent.objects.exists()
    allowed = client.post(url, body, content_type="application/json", REMOTE_ADDR="62.212.73.112")
    assert allowed.status_code == 200


def test_an_allowlist_that_no_longer_parses_refuses_everyone(channel):
    channel.inbound_allowlist = "not an address"
    channel.save()
    assert post_inbound(channel, fixture("inbound")).status_code == 403


# --- the channels a web process keeps (MESSAGING_INTAKE_CHANNEL_SECONDS) -----------------------


def test_a_change_saved_in_this_process_applies_to_the_next_post(channel):
    assert post_inbound(channel, fixture("inbound")).status_code == 200  # now kept
    channel.inbound_allowlist = "62.212.73.112"
    channel.save()
    refused = post_inbound(channel, fixture("inbound", message_id="m-2"), remote_addr="10.9.9.9")
    assert refused.status_code == 403
    old = channel.inbound_token
    channel_rotate_token(channel=channel, which="inbound")
    assert post_inbound(old, fixture("inbound", message_id="m-3")).status_code == 404


def test_a_change_made_elsewhere_applies_once_the_kept_channel_is_old(channel, settings):
    import time

    from messaging.models import Channel

    settings.MESSAGING_INTAKE_CHANNEL_SECONDS = 0.3
    assert post_inbound(channel, fixture("inbound")).status_code == 200
    # Another process's change: no signal reaches this one.
    Channel.objects.filter(pk=channel.pk).update(inbound_allowlist="62.212.73.112")
    time.sleep(0.4)
    body = fixture("inbound", message_id="m-2")
    assert post_inbound(channel, body, remote_addr="10.9.9.9").status_code == 403
    assert WebhookEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_post_to_a_channel_deleted_elsewhere_is_a_404_and_stores_nothing():
    from django.db import connection

    channel = make_channel()
    assert post_inbound(channel, fixture("inbound")).status_code == 200  # now kept
    WebhookEvent.objects.all().delete()
    with connection.cursor() as cursor:  # another process's delete: no signal here
        cursor.execute("DELETE FROM messaging_channel WHERE id = %s", [channel.pk])
    response = post_inbound(channel, fixture("inbound", message_id="m-2"))
    assert response.status_code == 404
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("token", ["abc%00def", "abc%20def", "ab.cd"])
def test_a_token_that_is_no_token_is_a_404_before_any_lookup(channel, token):
    from django.test import Client

    for kind in ("inbound", "dlr"):
        response = Client().post(f"/hooks/{kind}/{token}/", "{}", content_type="application/json")
        assert response.status_code == 404
    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_message_on_a_connection_the_database_dropped_is_stored_once_on_a_new_one():
    """The intake trusts its kept connection (no health check round trip per message): when
    the server has dropped it meanwhile, the message is still answered 200 and stored once."""
    from django.db import connection

    channel = make_channel()
    assert post_inbound(channel, fixture("inbound")).status_code == 200
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, contextlib.suppress(Exception):
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")  # the server ends it
    response = post_inbound(channel, fixture("inbound", message_id="m-2"))
    assert response.status_code == 200 and "event" in response.json()
    assert WebhookEvent.objects.filter(dedupe_key="m-2").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("deleted_channel", [False, True], ids=["one-insert", "one-refused"])
def test_messages_arriving_together_share_one_insert_and_each_gets_its_own_answer(
    monkeypatch, deleted_channel
):
    """Requests that store while another's insert is under way go into the next statement
    together (group commit): each is answered for its own message: stored, or the provider's
    retry of one stored by the same statement. A message for a channel deleted meanwhile is a
    404 that fails neither the others of its statement (each is then written alone) nor the
    next statement."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    from messaging.services import intake
    from messaging.services.group_commit import GroupCommit

    channel = make_channel()
    posts = [(channel, "m-1"), (channel, "m-2"), (channel, "m-3"), (channel, "m-2")]
    if deleted_channel:
        doomed = make_channel(name="Doomed")
        assert post_inbound(doomed, fixture("inbound", message_id="d-0")).status_code == 200
        WebhookEvent.objects.filter(channel=doomed).delete()
        with connection.cursor() as cursor:  # another process's delete: this one keeps it
            cursor.execute("DELETE FROM messaging_channel WHERE id = %s", [doomed.pk])
        posts.append((doomed, "d-1"))
    posts.append((channel, "m-4"))
    followers = len(posts) - 1
    batches, first = [], threading.Event()

    def held_store(batch):
        if not batches:  # the first statement waits until the others queue behind it
            first.set()
            deadline = time.monotonic() + 10
            while group.waiting < followers and time.monotonic() < deadline:
                time.sleep(0.005)
        batches.append(len(batch))
        return intake._store(batch)

    group = GroupCommit(held_store, max_batch=intake.GROUP_MAX)
    monkeypatch.setattr(intake, "_group", group)

    def post(target):
        try:
            return post_inbound(target[0], fixture("inbound", message_id=target[1]))
        finally:
            connections.close_all()  # this thread's connection

    with ThreadPoolExecutor(len(posts)) as pool:
        answers = [pool.submit(post, posts[0])]
        assert first.wait(10)
        answers += [pool.submit(post, p) for p in posts[1:]]
        answers = [a.result(timeout=20) for a in answers]

    assert batches[:2] == [1, followers]
    codes = [a.status_code for a in answers]
    assert codes == [404 if target[0] is not channel else 200 for target in posts]
    bodies = [a.json() for a in answers if a.status_code == 200]
    assert sum(1 for b in bodies if b.get("duplicate")) == 1  # one of the two m-2
    stored = WebhookEvent.objects.filter(channel=channel)
    assert sorted(stored.values_list("dedupe_key", flat=True)) == ["m-1", "m-2", "m-3", "m-4"]
    assert sorted(b["event"] for b in bodies if "event" in b) == sorted(
        stored.values_list("pk", flat=True)
    )
    assert post_inbound(channel, fixture("inbound", message_id="m-5")).status_code == 200
    assert batches[-1] == 1
