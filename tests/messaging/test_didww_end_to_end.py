"""A DIDWW channel end to end through the real client against the fake DIDWW, in-process: a
test send is accepted (DIDWW's id kept), then the fake's status callback and delivery report
reach the channel's webhook and move it to sent and then delivered, both kept in its history;
a routing error fails it with DIDWW's code. Inbound, the fake's HTTP IN trunk posts the
template with a raw text that breaks the JSON, and the message arrives as it was typed; a
delivery whose answer got lost is retried and stored once; one never answered 2xx is retried
on a backoff for just under an hour, then given up."""

from __future__ import annotations

import pytest
import requests
from django.urls import reverse

from messaging.models import Message, MessageEvent, WebhookEvent
from messaging.services.channels import channel_test_send
from sandbox.didww.models import SandboxDelivery, SandboxOutbound
from sandbox.didww.services import deliveries
from sandbox.didww.services.deliveries import INBOUND_RETRIES
from sandbox.didww.services.inbound import inbound_deliver
from sandbox.didww.trunks import SEED_TEMPLATE, UUID_TEMPLATE
from sandbox.wavix.transport import SandboxTransport
from tests.conftest import login


def events(message: Message):
    return MessageEvent._base_manager.filter(message=message).order_by("pk")


def history(message: Message) -> list[tuple[str, str]]:
    return list(events(message).values_list("status", "source"))


def test_a_test_send_is_accepted_then_sent_then_delivered_with_both_callbacks_kept(
    didww, run_tasks
):
    message = run_tasks(
        channel_test_send,
        channel=didww,
        sender="13325550100",
        recipient="+1 312 555 0199",
        text="Hello from DIDWW",
    )
    message = Message._base_manager.get(pk=message.pk)
    sent = SandboxOutbound.objects.get()
    assert (sent.source, sent.destination, sent.content) == (
        "13325550100",
        "13125550199",
        "Hello from DIDWW",
    )
    assert message.status == "delivered" and message.provider_id == str(sent.message_id)
    steps = history(message)
    assert ("accepted", "provider") in steps
    assert steps[-2:] == [("sent", "report"), ("delivered", "report")]
    assert message.provider_segments == 1
    callbacks = SandboxDelivery.objects.filter(message=sent).order_by("pk")
    assert [(d.kind, d.state, d.last_status) for d in callbacks] == [
        ("status", "delivered", 200),
        ("dlr", "delivered", 200),
    ]
    assert WebhookEvent.objects.filter(message=message, state="processed").count() == 2


def test_a_routing_error_fails_the_message_with_didwws_code(didww, run_tasks):
    message = run_tasks(
        channel_test_send,
        channel=didww,
        sender="13325550100",
        recipient="+1 312 555 0000",
        text="Nowhere to go",
    )
    message = Message._base_manager.get(pk=message.pk)
    assert message.status == "failed"
    last = events(message).last()
    assert last.source == "report" and last.reason == "DIDWW: Routing error (code 20)"
    assert not SandboxDelivery.objects.filter(kind="dlr").exists()


def test_a_carriers_failure_leaves_the_message_not_delivered(didww, run_tasks):
    message = run_tasks(
        channel_test_send,
        channel=didww,
        sender="13325550100",
        recipient="+1 312 555 0001",
        text="To a phone that is off",
    )
    message = Message._base_manager.get(pk=message.pk)
    assert message.status == "undelivered"
    assert history(message)[-2:] == [("sent", "report"), ("undelivered", "report")]


# --- inbound: the HTTP IN trunk --------------------------------------------------------------


def test_the_simulate_page_posts_a_broken_json_body_and_the_text_arrives_as_typed(
    didww, world, run_tasks, routed
):
    client = login(world.sysadmin)
    url = reverse("didww_sandbox:simulate_inbound")
    page = client.get(url).content.decode()
    assert didww.trunk.inbound_url in page
    text = 'Hi! Say "yes"\nor no.'
    response = run_tasks(
        client.post,
        url,
        {
            "url": didww.trunk.inbound_url,
            "template": "seed",
            "to": "+13325550100",
            "sender": "+16468097065",
            "text": text,
        },
    )
    assert "the portal answered 200" in response.content.decode()
    message = Message._base_manager.get(direction="inbound")
    assert message.text == text
    assert (message.sender, message.recipient) == ("16468097065", "13325550100")


class LostAnswer(SandboxTransport):
    """The portal takes the first request, then its answer is lost on the way back."""

    lost = 0

    def send(self, request, **kwargs):
        response = super().send(request, **kwargs)
        if LostAnswer.lost == 0:
            LostAnswer.lost += 1
            raise requests.exceptions.ReadTimeout("the answer was lost", request=request)
        return response


@pytest.mark.parametrize("template", [SEED_TEMPLATE, UUID_TEMPLATE])
def test_didwws_retry_after_a_lost_answer_is_stored_once(
    didww, settings, monkeypatch, hold_task, run_tasks, routed, template
):
    def lossy() -> requests.Session:
        session = requests.Session()
        session.mount(settings.PORTAL_BASE_URL + "/", LostAnswer())
        return session

    LostAnswer.lost = 0
    monkeypatch.setattr(deliveries, "http_session", lossy)
    retries = hold_task("sandbox.didww.tasks", "deliver")
    delivery = run_tasks(
        inbound_deliver,
        trunk=didww.trunk,
        url=didww.trunk.inbound_url,
        template=template,
        sender="+16468097065",
        recipient="+13325550100",
        text="Are you open on Sunday?",
    )
    assert delivery.state == "pending" and delivery.attempts == 1
    assert [countdown for _, countdown in retries.messages] == [INBOUND_RETRIES[0]]
    run_tasks(retries.run_next)
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.attempts == 2
    assert WebhookEvent.objects.filter(kind="inbound").count() == 1
    assert Message._base_manager.filter(direction="inbound").count() == 1


def test_a_delivery_never_answered_2xx_is_retried_for_just_under_an_hour_then_given_up(
    didww, hold_task, run_tasks
):
    retries = hold_task("sandbox.didww.tasks", "deliver")
    gone = didww.trunk.inbound_url.replace(didww.inbound_token, "x" * 32)
    delivery = run_tasks(
        inbound_deliver,
        trunk=didww.trunk,
        url=gone,
        template=SEED_TEMPLATE,
        sender="16468097065",
        recipient="13325550100",
        text="Anyone there?",
    )
    waits = []
    while retries.messages:
        waits.append(retries.messages[0][1])
        run_tasks(retries.run_next)
    delivery.refresh_from_db()
    assert waits == list(INBOUND_RETRIES) and 3000 < sum(waits) < 3600
    assert delivery.state == "failed" and delivery.last_status == 404
    assert delivery.attempts == len(INBOUND_RETRIES) + 1
