"""The fake Apidaze as a client sees it over HTTP: its status codes and error bodies (401 for
an unknown key, 403 for a wrong secret, 400 naming the field), faults set by the operator
for the next sends, a status callback tried again when the receiver fails and left failed
after its last try, the "simulate inbound" page, and nothing answered with the flag off.
Also the demo's channel on it, seeded twice with the same result."""

import io
import json
from types import SimpleNamespace
from urllib.parse import parse_qs

import pytest
import requests
from django.test import Client
from django_scopes import scopes_disabled

from sandbox.apidaze import services
from sandbox.apidaze.models import ApidazeCallback, ApidazeMessage
from sandbox.apidaze.services import account_save, callback_deliver, number_save
from tests.conftest import login

KEY, SECRET = "ak-fake-0123456789", "sec-fake-0123456789"
SEND = f"/apidaze-sandbox/{KEY}/sms/send"
FIELDS = {"from": "13325550200", "to": "13125550199", "body": "Hi"}


@pytest.fixture
def account(db, settings):
    settings.WAVIX_SANDBOX_ENABLED = True
    return account_save(
        api_key=KEY, api_secret=SECRET, callback_url="https://portal.example/hooks/dlr/t/"
    )


class Receiver(requests.adapters.BaseAdapter):
    """Stands in for the portal: records each callback, answers the scripted statuses."""

    def __init__(self, *statuses: int) -> None:
        super().__init__()
        self.statuses, self.posts = list(statuses), []

    def send(self, request, **kwargs):
        self.posts.append(
            SimpleNamespace(url=request.url, body=request.body, headers=request.headers)
        )
        response = requests.Response()
        response.status_code = self.statuses.pop(0) if self.statuses else 200
        response.raw, response.url, response.request = io.BytesIO(b"{}"), request.url, request
        return response

    def close(self) -> None:
        """No connections to release."""


@pytest.fixture
def receiver(monkeypatch):
    def make(*statuses: int) -> Receiver:
        caught = Receiver(*statuses)

        def session() -> requests.Session:
            s = requests.Session()
            s.mount("https://", caught)
            return s

        monkeypatch.setattr(services, "http_session", session)
        return caught

    return make


@pytest.fixture
def held(monkeypatch):
    """Callbacks enqueued (id, countdown), not run."""
    queued: list[tuple[int, float]] = []
    monkeypatch.setattr(
        services, "_enqueue", lambda pk, countdown=0: queued.append((pk, countdown))
    )
    return queued


def send(secret=SECRET, **fields):
    return Client().post(f"{SEND}?api_secret={secret}", {**FIELDS, **fields})


def test_a_send_answers_its_id_and_owes_a_delivered_status_callback(
    account, django_capture_on_commit_callbacks, held
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = send()
    assert answer.status_code == 200 and answer.json()["status"] == "ok"
    message = ApidazeMessage.objects.get(pk=answer.json()["message_id"])
    callback = message.callbacks.get()
    assert callback.url == "https://portal.example/hooks/dlr/t/"
    assert json.loads(callback.body)["status"] == "delivered"
    assert held == [(callback.pk, services.CARRIER_SECONDS)]


@pytest.mark.parametrize(
    ("key", "secret", "status", "message"),
    [
        ("unknown-key", SECRET, 401, "Invalid API key."),
        (KEY, "", 401, "api_secret is required."),
        (KEY, "wrong", 403, "Invalid API secret for this API key."),
    ],
)
def test_credentials_are_refused_with_apidazes_json_error(account, key, secret, status, message):
    answer = Client().post(f"/apidaze-sandbox/{key}/sms/send?api_secret={secret}", FIELDS)
    assert answer.status_code == status
    assert answer.json()["status"] == "error" and answer.json()["message"] == message
    assert not ApidazeMessage.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"from": ""}, "from"), ({"to": "+1312"}, "to"), ({"body": ""}, "body")],
)
def test_a_bad_field_is_a_400_naming_it(account, fields, field):
    answer = send(**fields)
    assert answer.status_code == 400 and answer.json()["field"] == field


def test_operator_faults_hit_the_next_sends_then_stop(account):
    client = Client()
    body = {"api_key": KEY, "api_secret": SECRET, "fault": "500", "count": 2}
    set_ = client.post("/apidaze-sandbox/_operator/faults", body, content_type="application/json")
    assert set_.json() == {"fault": "500", "count": 2}
    assert [send().status_code for _ in range(3)] == [500, 500, 200]
    wrong = client.post(
        "/apidaze-sandbox/_operator/faults",
        {**body, "fault": "418"},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and "fault: must be one of" in wrong.json()["message"]


def test_a_failed_callback_is_tried_again_then_left_failed(account, receiver, held):
    portal = receiver(500, 502, 503)
    message = services.message_send(account=account, fields=FIELDS)
    callback = message.callbacks.get()
    assert callback_deliver(callback_id=callback.pk) is False
    assert callback_deliver(callback_id=callback.pk) is False
    assert callback_deliver(callback_id=callback.pk) is False
    callback.refresh_from_db()
    assert (callback.state, callback.attempts, callback.status_code) == ("failed", 3, 503)
    assert [countdown for _, countdown in held[-2:]] == list(services.RETRY_DELAYS)
    assert portal.posts[0].headers["Content-Type"] == "application/json"
    assert callback_deliver(callback_id=callback.pk) is False  # failed stays failed
    assert len(portal.posts) == 3


def test_the_simulate_page_posts_a_form_encoded_message_to_the_numbers_webhook(
    account, receiver, world
):
    portal = receiver()
    number_save(account=account, number="13325550200", webhook_url="https://portal.example/in/t/")
    page = login(world.sysadmin).post(
        "/apidaze-sandbox/_operator/simulate-inbound/",
        {
            "to": "13325550200",
            "webhook_url": "https://portal.example/in/t/",
            "sender": "+16468097065",
            "text": "Café?",
        },
    )
    assert "the portal answered 200" in page.content.decode()
    (post,) = portal.posts
    fields = parse_qs(post.body.decode())
    assert fields["caller_id_number"] == ["16468097065"]
    assert fields["destination_number"] == ["13325550200"] and fields["text"] == ["Café?"]
    assert fields["id"] == [str(ApidazeMessage.objects.get(direction="inbound").pk)]
    assert ApidazeCallback.objects.get(message__direction="inbound").state == "delivered"


def test_the_simulate_page_asks_for_a_text_or_a_file(account, world):
    number_save(account=account, number="13325550200", webhook_url="https://portal.example/in/t/")
    page = login(world.sysadmin).post(
        "/apidaze-sandbox/_operator/simulate-inbound/",
        {"to": "13325550200", "webhook_url": "https://portal.example/in/t/", "sender": "1646"},
    )
    assert page.status_code == 200
    assert "Write a text, or give a file address (MMS)." in page.content.decode()
    assert not ApidazeMessage.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "[" * 20_000,
        json.dumps(
            {"api_key": KEY, "api_secret": SECRET, "fault": "503", "count": 1}
            | {"retry_after": 99999999999999999999}
        ),
        "[1]",
        '{"count": "²"}',
    ],
)
def test_hostile_operator_bodies_are_400s_not_server_errors(account, body):
    answer = Client().post(
        "/apidaze-sandbox/_operator/faults", body, content_type="application/json"
    )
    assert answer.status_code in (400, 401)
    account.refresh_from_db()
    assert account.fault_count == 0


def test_a_nul_in_a_sent_text_is_a_400_naming_the_field(account):
    answer = send(body="a\x00b")
    assert answer.status_code == 400 and answer.json()["field"] == "body"
    assert send(media_url="http://x/" + "a" * 2100).status_code == 400


def test_with_the_flag_off_the_fake_answers_nothing(account, settings):
    settings.WAVIX_SANDBOX_ENABLED = False
    assert send().status_code == 404


def test_the_demo_channel_is_seeded_once_with_its_numbers_and_the_fake_pointed_at_it(db, settings):
    from messaging.hooks import dlr_url, inbound_url
    from messaging.models import Channel
    from messaging.services.channels import channel_numbers
    from sandbox.apidaze.demo import seed_demo_apidaze
    from sandbox.apidaze.models import ApidazeAccount, ApidazeNumber

    settings.WAVIX_SANDBOX_ENABLED = True
    out = io.StringIO()
    first = seed_demo_apidaze("http://127.0.0.1:8000", out)
    again = seed_demo_apidaze("http://127.0.0.1:8000", out)
    assert first.pk == again.pk and Channel.objects.filter(kind="apidaze").count() == 1
    assert first.config == {"base_url": "http://127.0.0.1:8000/apidaze-sandbox"}
    with scopes_disabled():
        numbers = list(channel_numbers(first).values_list("number", flat=True))
    assert numbers == list(range(13325550200, 13325550210))
    fake = ApidazeAccount.objects.get()
    assert fake.callback_url == dlr_url(first)
    assert set(ApidazeNumber.objects.values_list("webhook_url", flat=True)) == {inbound_url(first)}
    assert first.secrets()["api_key"] == fake.api_key
