"""Messaging in the sandbox: what a send is charged (segments), which senders are refused, the
delivery reports and inbound messages posted to webhooks in Wavix's formats, opt-outs."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from openapi_schema_validator import OAS31Validator

from sandbox.wavix.models import SandboxMessage, SandboxWebhook
from sandbox.wavix.services.messaging import message_run_to_final
from sandbox.wavix.services.webhooks import RETRY_DELAYS, webhook_deliver
from tests.contract.spec import SPEC

pytestmark = pytest.mark.django_db

CALLBACK = "https://portal.example/hooks/dlr"


def matches_spec_schema(payload: dict, name: str) -> None:
    """Raises unless the payload is a valid instance of the spec's component schema."""
    spec = json.loads(SPEC.read_text())
    OAS31Validator({"$ref": f"#/components/schemas/{name}", **spec}).validate(payload)


def sms_sender(sandbox) -> str:
    return sandbox.account.numbers.filter(sms_enabled=True, status="active").first().number


def send(sandbox, *, to="13125559876", text="Hello", media=None, sender=None, **extra):
    body = {
        "from": sender or sms_sender(sandbox),
        "to": to,
        "message_body": {"text": text, "media": media},
        **extra,
    }
    return sandbox.post("/v3/messages", json=body)


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # extension characters take two septets
        ("€" * 81, 2),
        ("Привет" * 11 + "abcd", 1),  # UCS-2: 70 characters
        ("Привет" * 11 + "abcde", 2),
        ("😀" * 35, 1),  # surrogate pairs: 70 code units
        ("😀" * 36, 2),
    ],
)
def test_a_send_computes_segments_gsm7_or_ucs2(seeded, text, segments):
    message = send(seeded, text=text).json()
    assert message["segments"] == segments
    # US destinations: 0.0079 per segment plus the 0.003 10DLC carrier fee.
    assert Decimal(message["charge"]) == Decimal("0.0079") * segments
    assert Decimal(message["carrier_fees"]) == Decimal("0.0030") * segments


def test_mms_is_one_segment_at_the_mms_price(seeded):
    message = send(seeded, text="Look", media=["https://portal.example/cat.jpg"]).json()
    assert (message["message_type"], message["segments"], message["charge"]) == ("mms", 1, "0.02")


MEDIA = ["https://portal.example/a.png"]
OWN = "own SMS number"  # stands for an SMS-enabled number of the account
REFUSALS = {
    "numeric sender not on the account": (
        "12025550143",
        "13125559876",
        None,
        "from: must be an SMS-enabled number of the account",
    ),
    "alphanumeric sender to the US": (
        "PortalDemo",
        "13125559876",
        None,
        "from: alphanumeric sender IDs cannot send to US or Canadian numbers",
    ),
    "alphanumeric sender of 12 characters": (
        "PortalDemo12",
        "447537151866",
        None,
        "from: must be up to 11 ASCII letters, digits and spaces, or a number",
    ),
    "alphanumeric sender with a non-ASCII letter": (
        "Café",
        "447537151866",
        None,
        "from: must be up to 11 ASCII letters, digits and spaces, or a number",
    ),
    "unregistered alphanumeric sender": (
        "Unregistrd",
        "447537151866",
        None,
        "from: is not a sender ID registered on the account",
    ),
    "sender not allowlisted in the destination": (
        "PortalDemo",
        "34612345678",
        None,
        "from: is not allowlisted in ES",
    ),
    "MMS outside the US and Canada": (
        OWN,
        "447537151866",
        MEDIA,
        "message_body.media: MMS can be sent only to US and Canadian numbers from a numeric sender",
    ),
    "MMS from an alphanumeric sender": (
        "PortalDemo",
        "447537151866",
        MEDIA,
        "message_body.media: MMS can be sent only to US and Canadian numbers from a numeric sender",
    ),
    "destination that is no phone number": (
        OWN,
        "12",
        None,
        "to: must be a valid phone number in E.164 format",
    ),
}


@pytest.mark.parametrize(("sender", "to", "media", "error"), REFUSALS.values(), ids=REFUSALS)
def test_bad_senders_and_destinations_are_refused(seeded, sender, to, media, error):
    if sender == OWN:
        sender = sms_sender(seeded)
    response = send(seeded, sender=sender, to=to, media=media)
    assert response.status_code == 400
    message = response.json()["message"]
    assert message.startswith(f"Missing or invalid parameter {error}"), message
    assert not SandboxMessage.objects.exists()


def test_an_allowlisted_alphanumeric_sender_reaches_its_countries(seeded):
    message = send(seeded, sender="PortalDemo", to="+447537151866", text="Hi").json()
    assert message["from"] == "PortalDemo" and message["to"] == "447537151866"
    assert (message["mcc"], message["mnc"], message["charge"]) == ("234", "15", "0.045")


def test_delivery_reports_are_posted_in_order_to_the_callback_url(
    seeded, callbacks, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = send(seeded, callback_url=CALLBACK, tag="welcome").json()
    assert [p.json["status"] for p in callbacks.posts] == ["accepted", "sent", "delivered"]
    assert {p.url for p in callbacks.posts} == {CALLBACK}
    for post in callbacks.posts:
        matches_spec_schema(post.json, "MessagesDeliveryReport")
        assert post.json["message_id"] == sent["message_id"] and post.json["tag"] == "welcome"
        assert post.json["segments_count"] == 1 and post.json["charge"] == sent["charge"]
    final = callbacks.posts[-1].json
    assert final["delivered"] and final["error"] is None
    assert callbacks.posts[0].json["delivered"] is None
    message = SandboxMessage.objects.get(pk=sent["message_id"])
    assert list(message.events.values_list("status", flat=True)) == [
        "accepted",
        "sent",
        "delivered",
    ]
    assert all(w.state == "delivered" and w.tries.count() == 1 for w in message.webhooks.all())
    assert seeded.get(f"/v3/messages/{sent['message_id']}").json()["delivered_at"]


def test_without_a_callback_url_reports_go_to_the_profiles_dlr_relay_url(seeded, callbacks):
    seeded.put("/v1/profile", json={"dlr_relay_url": "https://portal.example/account-dlr"})
    sent = send(seeded).json()
    message_run_to_final(message_id=sent["message_id"])
    assert {p.url for p in callbacks.posts} == {"https://portal.example/account-dlr"}


def test_recipients_ending_0000_are_undelivered(seeded, callbacks):
    sent = send(seeded, to="13125550000", callback_url=CALLBACK).json()
    message = message_run_to_final(message_id=sent["message_id"])
    assert [p.json["status"] for p in callbacks.posts] == ["accepted", "sent", "undelivered"]
    assert callbacks.posts[-1].json["error"] == "Destination unreachable"
    assert message.status == "undelivered"
    listed = seeded.get("/v3/messages", params={"type": "outbound", "status": "undelivered"})
    assert [m["message_id"] for m in listed.json()["items"]] == [sent["message_id"]]


def test_recipients_ending_0001_expire_before_being_sent(seeded, callbacks):
    sent = send(seeded, to="13125550001", callback_url=CALLBACK).json()
    message_run_to_final(message_id=sent["message_id"])
    assert [p.json["status"] for p in callbacks.posts] == ["accepted", "expired"]


def test_a_failing_callback_is_retried_then_left_failed_with_every_attempt_recorded(
    seeded, callbacks
):
    callbacks.statuses = [500] * 10
    sent = send(seeded, callback_url=CALLBACK).json()
    webhook = SandboxWebhook.objects.filter(message_id=sent["message_id"]).first()
    for _ in range(len(RETRY_DELAYS) + 2):
        webhook_deliver(webhook_id=webhook.pk)
    webhook.refresh_from_db()
    assert webhook.state == "failed" and webhook.attempts == len(RETRY_DELAYS) + 1
    assert [t.status_code for t in webhook.tries.all()] == [500] * (len(RETRY_DELAYS) + 1)
    assert webhook.tries.first().error == "HTTP 500"


def test_the_operator_delivers_an_inbound_sms_to_the_numbers_sms_relay_url(
    seeded, callbacks, django_capture_on_commit_callbacks, eager_celery
):
    number = seeded.account.numbers.filter(sms_enabled=True, status="active").first()
    number.sms_relay_url = "https://portal.example/hooks/inbound/7"
    number.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = seeded.post(
            "/_operator/inbound",
            json={"to": number.number, "from": "+14155550199", "text": "Is the shop open?"},
            check=False,
        )
    assert response.status_code == 201
    [post] = callbacks.posts
    assert post.url == "https://portal.example/hooks/inbound/7"
    matches_spec_schema(post.json, "InboundMessage")
    assert post.json["from"] == "14155550199" and post.json["to"] == number.number
    assert post.json["message_body"] == {"text": "Is the shop open?", "media": None}
    listed = seeded.get("/v3/messages", params={"type": "inbound"}).json()["items"]
    assert [m["message_id"] for m in listed] == [post.json["message_id"]]


def test_inbound_falls_back_to_the_profiles_sms_relay_url(seeded, callbacks):
    seeded.put("/v1/profile", json={"sms_relay_url": "https://portal.example/all-inbound"})
    number = seeded.account.numbers.filter(sms_enabled=True, sms_relay_url=None).first()
    call_command("sandbox_inbound", to=number.number, sender="14155550199", text="Hi", now=True)
    assert [p.url for p in callbacks.posts] == ["https://portal.example/all-inbound"]


def test_inbound_to_a_number_without_sms_is_refused(seeded):
    number = seeded.account.numbers.filter(sms_enabled=False).first()
    response = seeded.post(
        "/_operator/inbound",
        json={"to": number.number, "from": "14155550199", "text": "x"},
        check=False,
    )
    assert response.status_code == 422
    unknown = seeded.post(
        "/_operator/inbound",
        json={"to": "19995550100", "from": "14155550199", "text": "x"},
        check=False,
    )
    assert unknown.status_code == 404


def test_stop_opts_the_sender_out_and_later_sends_are_rejected(seeded, callbacks):
    number = sms_sender(seeded)
    seeded.post(
        "/_operator/inbound",
        json={"to": number, "from": "14155550199", "text": "STOP"},
        check=False,
    )
    opt_outs = seeded.get("/v3/messages/opt-outs", params={"sender_id": number}).json()["items"]
    assert [o["phone_number"] for o in opt_outs] == ["14155550199"]
    sent = send(seeded, sender=number, to="14155550199", callback_url=CALLBACK).json()
    assert sent["status"] == "rejected" and sent["error_message"] == "Recipient has opted out"
    message_run_to_final(message_id=sent["message_id"])
    assert [p.json["status"] for p in callbacks.posts] == ["rejected"]


def test_an_opt_out_for_an_unknown_sender_is_404(seeded):
    body = {"opt_out": {"number": "14155550199", "sender_id": "Nobody"}}
    assert seeded.post("/v3/messages/opt-outs", json=body).status_code == 404


def test_sender_id_rules(seeded):
    def register(**body):
        defaults = {"type": "alphanumeric", "countries": ["GB"], "usecase": "promo"}
        return seeded.post("/v3/messages/sender-ids", json={**defaults, **body})

    assert register(sender_id="TwelveChars1").status_code == 400
    refused = register(sender_id="Acme", countries=["US", "GB"])
    assert refused.status_code == 400 and "not allowed in US" in refused.json()["message"]
    assert register(sender_id="12025550143", type="numeric", countries=["US"]).status_code == 400
    numeric = register(sender_id=sms_sender(seeded), type="numeric", countries=["US", "CA"])
    assert numeric.status_code == 201 and numeric.json()["allowlisted_in"] == ["US", "CA"]
    duplicate = register(sender_id="PortalDemo")
    assert duplicate.status_code == 400 and "already exists" in duplicate.json()["message"]
    assert seeded.get("/v3/messages/sender-ids/not-a-uuid", check=False).status_code == 404
