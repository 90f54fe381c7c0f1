"""The send service: what a tenant's send queues, and every refusal explained by field,
with nothing kept when it is refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from messaging import segments
from messaging.models import Message, MessageEvent, Outbox
from messaging.services.sending import message_send
from portal.models import AuditEntry
from tenants.services import tenant_suspend

from . import factories
from .factories import opt_out, sender_id

# The shared fixtures of the sending tests (tests/messaging/factories.py).
mms_root, sending = factories.mms_root, factories.sending

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200


def send(world, **kwargs):
    values = {
        "tenant": world.a,
        "recipient": "+1 646 809 7065",
        "text": "Your order has shipped.",
        "source": "ui",
        "actor": world.admin_a,
        **kwargs,
    }
    return message_send(**values)


def refusal(world, **kwargs) -> dict:
    with pytest.raises(ValidationError) as info:
        send(world, **kwargs)
    with scopes_disabled():
        assert not Message.objects.exists(), "a refused send keeps nothing"
        assert not Outbox.objects.exists()
    return info.value.message_dict


def test_a_send_is_queued_with_its_count_history_and_outbox(
    world, sending, django_capture_on_commit_callbacks, monkeypatch
):
    kicked = []
    monkeypatch.setattr(
        "messaging.services.outbox.outbox_kick", lambda channel_id: kicked.append(channel_id)
    )
    with scopes_disabled():
        audit_before = AuditEntry.objects.count()
    text = "It’s on its way 🚚"
    with django_capture_on_commit_callbacks(execute=True):
        message = send(world, sender_id=sending.number.pk, text=text)
    count = segments.count(text)
    assert (message.status, message.recipient, message.country) == ("queued", "16468097065", "US")
    assert (message.encoding, message.segments) == (count.encoding, count.segments) == ("UCS-2", 1)
    assert message.sender == "12125550100" and message.created_by == world.admin_a
    assert message.expires_at == message.created_at + timedelta(days=sending.channel.validity_days)
    assert len(message.tag) == 32 and not message.is_mms
    with scopes_disabled():
        assert list(MessageEvent.objects.filter(message=message).values_list("status")) == [
            ("queued",)
        ]
        assert Outbox.objects.get(message=message).status == "queued"
    assert kicked == [sending.channel.pk], "the channel's sending is woken at commit"
    with scopes_disabled():
        assert AuditEntry.objects.count() == audit_before, "a message is its history, not audit"


def test_national_input_is_read_in_the_tenants_default_country(world, sending):
    assert send(world, sender_id=sending.number.pk, recipient="(646) 809-7065").recipient == (
        "16468097065"
    )
    world.a.default_country = "GB"
    world.a.save()
    message = send(world, sender_id=sending.name.pk, recipient="020 7183 8750")
    assert (message.recipient, message.country) == ("442071838750", "GB")


def test_another_tenants_sender_id_is_refused_as_unknown(world, sending):
    errors = refusal(world, sender_id=sending.globex.pk)
    assert errors["sender_id"] == [
        f"There is no sender ID “{sending.globex.pk}” in Acme Telecom: choose one of yours."
    ]


def test_a_name_cannot_send_to_the_us(world, sending):
    errors = refusal(world, sender_id=sending.name.pk)
    assert "US and Canadian carriers accept only numbers as senders" in errors["sender_id"][0]


def test_a_number_needs_allow_listing_abroad(world, sending):
    errors = refusal(world, sender_id=sending.number.pk, recipient="+44 20 7183 8750")
    assert errors["sender_id"] == [
        "+12125550100 is not registered for GB. Add GB to its countries first."
    ]
    assert send(world, sender_id=sending.name.pk, recipient="+44 20 7183 8750").country == "GB"


@pytest.mark.parametrize(
    "typed, why",
    [
        ("646 809", "“646 809” is not a phone number: it has 7 digits; a phone number has at"),
        ("+1 (212) 555-01x0", "“+1 (212) 555-01x0” is not a phone number: it has characters"),
        ("+1 099 555 0100", "+10995550100 is not a number in use"),
        ("9" * 60, "is longer than 40 characters"),
        ("", "“” is not a phone number: it a number is missing"),
    ],
)
def test_a_bad_recipient_is_named_with_the_rule(world, sending, typed, why):
    errors = refusal(world, sender_id=sending.number.pk, recipient=typed)
    assert why in errors["recipient"][0]


def test_an_opted_out_recipient_is_refused(world, sending):
    opt_out(world.a, "16468097065", sender="12125550100")
    errors = refusal(world, sender_id=sending.number.pk)
    assert errors["recipient"][0].startswith(
        "+16468097065 asked not to get messages from +12125550100 (opted out on"
    )
    # Another recipient, and another tenant's opt-out, do not stop the send.
    opt_out(world.b, "16468097066")
    assert send(world, sender_id=sending.number.pk, recipient="+16468097066").pk


def test_an_opt_out_from_all_senders_stops_every_sender(world, sending):
    opt_out(world.a, "442071838750")
    errors = refusal(world, sender_id=sending.name.pk, recipient="+442071838750")
    assert "from any of your senders" in errors["recipient"][0]


def test_the_channels_maximum_segments(world, sending):
    sending.channel.max_segments = 2
    sending.channel.save()
    errors = refusal(world, sender_id=sending.number.pk, text="’" + "a" * 140)
    assert errors["text"] == [
        "The text is 3 segments (UCS-2); the channel sends at most 2. Shorten it or replace "
        "the characters that force UCS-2."
    ]
    assert send(world, sender_id=sending.number.pk, text="'" + "a" * 140).segments == 1


def test_empty_and_oversized_texts(world, sending):
    assert refusal(world, sender_id=sending.number.pk, text="")["text"] == [
        "Write a message, or attach a file (MMS)."
    ]
    errors = refusal(world, sender_id=sending.number.pk, text="a" * 2001)
    assert errors["text"] == ["The text is 2001 characters; a message may have at most 2000."]


def test_a_paused_channel_still_queues_and_says_so(world, sending):
    sending.channel.is_active = False
    sending.channel.save()
    message = send(world, sender_id=sending.number.pk)
    with scopes_disabled():
        event = MessageEvent.objects.get(message=message)
    assert message.status == "queued"
    assert event.reason == "The channel “Wavix” is paused: the message waits in the queue."


def test_a_suspended_tenant_cannot_send(world, sending):
    tenant_suspend(tenant=world.a, reason="Unpaid invoices")
    world.a.refresh_from_db()
    with pytest.raises(ValidationError) as info:
        send(world, sender_id=sending.number.pk)
    assert info.value.messages == [
        "“Acme Telecom” is suspended: it cannot send messages until it is reactivated."
    ]


def test_mms_by_url(world, sending):
    message = send(world, sender_id=sending.number.pk, media=["https://example.com/a.jpg"])
    assert message.is_mms and message.media == ["https://example.com/a.jpg"]


def test_mms_rules(world, sending):
    six = [f"https://example.com/{i}.jpg" for i in range(6)]
    assert refusal(world, sender_id=sending.number.pk, media=six)["media"] == [
        "6 files are attached; an MMS carries at most 5."
    ]
    errors = refusal(world, sender_id=sending.name.pk, recipient="+442071838750", media=six[:1])
    assert errors["media"] == [
        "MMS goes to numbers in US and CA only; this recipient is in GB. Send text only."
    ]
    assert errors["sender_id"][0].startswith("An MMS needs a number as its sender; “ACME”")
    errors = refusal(world, sender_id=sending.number.pk, media=["javascript:alert(1)"])
    assert errors["media"][0].startswith("“javascript:alert(1)” is not a web address")


def test_uploaded_files_are_checked_stored_and_served(world, sending, mms_root, client):
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\0 not an image", content_type="image/png")
    errors = refusal(world, sender_id=sending.number.pk, files=[fake])
    assert errors["files"] == [
        "“photo.png” is not a JPEG, PNG, GIF, MP4, MP3, PDF or vCard file, the types an MMS "
        "can carry."
    ]
    big = SimpleUploadedFile("big.png", PNG + b"\0" * (5 * 1024 * 1024), content_type="image/png")
    assert refusal(world, sender_id=sending.number.pk, files=[big])["files"] == [
        "“big.png” is 5.0 MB; an MMS file may be at most 5.0 MB."
    ]
    assert not list(mms_root.glob("*")) if mms_root.exists() else True

    image = SimpleUploadedFile("photo.png", PNG, content_type="application/octet-stream")
    message = send(world, sender_id=sending.number.pk, text="", files=[image])
    (url,) = message.media
    assert message.is_mms and url.startswith("https://portal.example/hooks/mms/")
    response = client.get(url.removeprefix("https://portal.example"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert client.get("/hooks/mms/" + "A" * 32 + ".png").status_code == 404
    assert client.get("/hooks/mms/../../etc/passwd").status_code == 404


def test_a_refused_send_removes_the_files_it_stored(world, sending, mms_root, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("messaging.services.sending.message_record", boom)
    image = SimpleUploadedFile("photo.png", PNG)
    with pytest.raises(RuntimeError):
        send(world, sender_id=sending.number.pk, files=[image])
    assert not any(mms_root.glob("*"))


def test_an_unknown_sender_id_value_is_named(world, sending):
    assert refusal(world, sender_id="abc")["sender_id"] == [
        "There is no sender ID “abc” in Acme Telecom: choose one of yours."
    ]
    assert refusal(world, sender_id=None)["sender_id"] == ["Choose the sender ID to send from."]


def test_a_second_tenant_sender_with_same_number_is_its_own(world, sending):
    other = sender_id(world.a, "14165550123", on=sending.channel)
    message = send(world, sender_id=other.pk, recipient="+1 416 555 0199")
    assert message.country == "CA" and message.sender == "14165550123"
