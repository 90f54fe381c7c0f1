"""The outbox against the in-memory fake provider: each message is sent once, at the channel's
rate, retried on the schedule, failed with the provider's reason on a refusal, looked up by
its tag after an unknown outcome (never sent blindly again), and kept queued while its
channel is paused."""

import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

import messaging.providers.fake  # noqa: F401 - registers the "fake" kind
from messaging.models import Channel, Message, MessageEvent, Outbox
from messaging.providers.fake import FakeProvider
from messaging.services import outbox
from messaging.services.history import message_record
from messaging.services.markers import unmark
from messaging.services.outbox import (
    OutboxRunner,
    outbox_enqueue,
    outbox_expire,
    outbox_pump,
    outbox_tick,
)


@pytest.fixture
def fake(db):
    FakeProvider.reset()
    yield FakeProvider
    FakeProvider.reset()


@pytest.fixture
def pump_task(hold_task):
    """Kicks are held, not run: the tests pump themselves."""
    return hold_task("messaging.tasks", "pump_channel")


@pytest.fixture
def channel(fake, pump_task):
    return Channel.objects.create(name=f"Fake {uuid.uuid4().hex[:6]}", kind="fake", rate=500)


def queue(
    channel,
    *,
    text="Your code is 1234",
    media=(),
    recipient="15551230100",
    sender="15551110000",
    **fields,
):
    now = timezone.now()
    with scopes_disabled(), transaction.atomic():
        message = Message.objects.create(
            channel=channel,
            direction="outbound",
            sender=sender,
            recipient=recipient,
            text=text,
            media=list(media),
            is_mms=bool(media),
            tag=uuid.uuid4().hex,
            source="test",
            created_at=now,
            **fields,
        )
        message_record(message=message, status="queued")
        outbox_enqueue(message=message)
    return message


def fresh(message) -> Message:
    with scopes_disabled():
        return Message.objects.get(pk=message.pk)


def history(message) -> list[tuple[str, str]]:
    with scopes_disabled():
        return list(MessageEvent.objects.filter(message=message).values_list("status", "reason"))


def entry_of(message) -> Outbox:
    return Outbox.objects.get(message_id=message.pk)


def make_due(message) -> None:
    Outbox.objects.filter(message_id=message.pk).update(due_at=timezone.now())


def pump(channel, seconds=0.5) -> int:
    return outbox_pump(channel_id=channel.pk, seconds=seconds)


def test_a_queued_message_is_sent_once_and_shows_the_providers_answer(channel, fake):
    message = queue(channel)
    assert fresh(message).status == "queued"

    assert pump(channel) == 1

    message = fresh(message)
    assert message.status == "accepted"
    assert message.provider_id.startswith("fake-")
    assert message.charge is not None and message.provider_segments == 1
    assert message.accepted_at is not None
    assert [s for s, _ in history(message)] == ["queued", "sending", "accepted"]
    assert fake.sends[message.tag] == 1
    assert entry_of(message).status == "succeeded"
    sent = fake.outbound[0]
    assert (sent.recipient, sent.text, sent.tag) == (
        "15551230100",
        "Your code is 1234",
        message.tag,
    )


def test_a_report_stamped_before_the_answer_was_recorded_reads_in_order(channel, fake, monkeypatch):
    """The provider's "sent" report carries its own time, taken while our request was still
    waiting for its answer: the history still reads queued, sending, accepted, sent."""
    from messaging.providers.base import DeliveryReport
    from messaging.services.reports import report_apply

    message = queue(channel)
    send, seen = FakeProvider.send, {}

    def send_slowly(self, outbound):
        result = send(self, outbound)
        seen["at"] = timezone.now()  # the provider sent it before its answer came back
        return result

    monkeypatch.setattr(FakeProvider, "send", send_slowly)
    assert pump(channel) == 1
    provider_id = fresh(message).provider_id
    report = DeliveryReport(provider_id=provider_id, status="sent", at=seen["at"], tag=message.tag)
    report_apply(channel=channel, report=report)

    assert fresh(message).status == "sent"
    assert [s for s, _ in history(message)] == ["queued", "sending", "accepted", "sent"]


def test_a_report_that_lands_before_the_answer_keeps_the_message_where_it_is(
    channel, fake, monkeypatch
):
    """The "sent" report is applied while the send is still in flight: the answer that
    follows moves nothing back, and still fills in the provider's count and charge."""
    from messaging.providers.base import DeliveryReport
    from messaging.services.reports import report_apply

    message = queue(channel)
    send = FakeProvider.send

    def send_and_report_first(self, outbound):
        result = send(self, outbound)
        report = DeliveryReport(provider_id=result.provider_id, status="sent", tag=outbound.tag)
        report_apply(channel=channel, report=report)
        return result

    monkeypatch.setattr(FakeProvider, "send", send_and_report_first)
    assert pump(channel) == 1

    message = fresh(message)
    assert message.status == "sent"
    assert message.charge is not None and message.provider_segments == 1
    assert [s for s, _ in history(message)] == ["queued", "sending", "sent"]


def test_the_message_carries_its_remaining_validity_and_expiry(channel, fake):
    message = queue(channel)
    assert fresh(message).expires_at == message.created_at + timedelta(days=3)
    pump(channel)
    assert 3 * 86400 - 60 < fake.outbound[0].validity_seconds <= 3 * 86400


def test_a_media_only_message_is_sent_with_the_channels_accompanying_text(channel, fake):
    channel.media_text = "You have a picture message"
    channel.save()
    queue(channel, text="", media=["https://portal.example/m/abc.jpg"])
    pump(channel)
    assert fake.outbound[0].text == "You have a picture message"
    assert fake.outbound[0].media == ("https://portal.example/m/abc.jpg",)


def test_a_refusal_ends_the_message_failed_with_the_providers_reason(channel, fake):
    fake.script(fake.refuse("to: must be a valid phone number in E.164 format"))
    message = queue(channel)
    pump(channel)
    message = fresh(message)
    assert message.status == "failed"
    assert "must be a valid phone number" in message.reason
    assert message.finished_at is not None
    assert entry_of(message).status == "failed"
    assert fake.attempts[message.tag] == 1  # never tried again


def test_a_server_error_waits_on_the_schedule_then_the_message_goes(channel, fake):
    fake.script(fake.transient(503))
    message = queue(channel)
    before = timezone.now()
    pump(channel)

    entry = entry_of(message)
    assert entry.status == "retrying" and entry.attempt == 2
    assert before + timedelta(seconds=9) < entry.due_at < before + timedelta(seconds=12)
    status, reason = history(message)[-1]
    assert status == "sending" and "Next attempt at" in reason and "503" in reason
    assert pump(channel) == 0  # not due yet: nothing is sent early

    make_due(message)
    pump(channel)
    assert fresh(message).status == "accepted"
    assert fake.sends[message.tag] == 1


def test_a_429_honours_retry_after(channel, fake):
    fake.script(fake.transient(429, retry_after=45))
    message = queue(channel)
    before = timezone.now()
    pump(channel)
    assert entry_of(message).due_at >= before + timedelta(seconds=45)


def test_the_backoff_schedule_grows_then_is_hourly():
    delays = [outbox.retry_delay(n) for n in range(1, 10)]
    assert delays == [10, 30, 60, 120, 300, 600, 1800, 3600, 3600]


def test_retries_stop_at_the_validity_and_the_message_expires_with_the_reason(channel, fake):
    fake.script(fake.transient(503))
    message = queue(channel)
    Message._base_manager.filter(pk=message.pk).update(
        expires_at=timezone.now() + timedelta(seconds=5)
    )
    pump(channel)  # the next attempt (in 10 s) would be past the validity
    message = fresh(message)
    assert message.status == "expired"
    assert "validity of 3 days" in message.reason and "server error" not in message.reason.lower()
    assert "503" in message.reason
    assert entry_of(message).status == "failed"


def test_an_unknown_outcome_is_looked_up_by_tag_and_never_sent_again(channel, fake):
    fake.script(fake.unknown())  # the provider took it, the answer was lost
    message = queue(channel)
    pump(channel)
    entry = entry_of(message)
    assert entry.status == "retrying" and entry.unknown_since is not None
    assert fresh(message).status == "sending"

    make_due(message)
    pump(channel)
    message = fresh(message)
    assert message.status == "accepted" and message.provider_id
    assert fake.sends[message.tag] == 1 and fake.attempts[message.tag] == 1
    assert ("accepted", "Accepted by the provider.") in history(message)
    assert entry_of(message).unknown_since is None


def test_an_unknown_outcome_on_a_provider_without_lookup_fails_and_is_never_sent_again(
    channel, fake, monkeypatch
):
    from messaging.providers.base import Capabilities

    monkeypatch.setattr(FakeProvider, "capabilities", Capabilities(status_lookup=False))
    fake.script(fake.unknown())
    message = queue(channel)
    pump(channel)
    make_due(message)
    pump(channel)
    message = fresh(message)
    assert message.status == "failed" and "never sent twice" in message.reason
    assert fake.attempts[message.tag] == 1 and fake.lookups == 0
    assert entry_of(message).status == "failed"


def test_a_send_that_never_landed_goes_again_only_after_the_settle_window(channel, fake, settings):
    settings.MESSAGING_UNKNOWN_SETTLE_SECONDS = 30
    fake.script(fake.dropped())
    message = queue(channel)
    pump(channel)
    make_due(message)
    pump(channel)  # looked up: nothing yet, but the window has not passed
    assert fake.attempts[message.tag] == 1 and fake.lookups == 1
    entry = entry_of(message)
    assert entry.due_at >= entry.unknown_since + timedelta(seconds=30)
    assert "looked up again" in history(message)[-1][1]

    Outbox.objects.filter(pk=entry.pk).update(
        unknown_since=timezone.now() - timedelta(seconds=31), due_at=timezone.now()
    )
    pump(channel)
    assert fresh(message).status == "accepted"
    assert fake.sends[message.tag] == 1 and fake.attempts[message.tag] == 2


def test_a_provider_slow_to_list_the_message_does_not_cause_a_second_send(channel, fake, settings):
    settings.MESSAGING_UNKNOWN_SETTLE_SECONDS = 30
    fake.script(fake.unknown())
    fake.hidden_lookups = 1
    message = queue(channel)
    pump(channel)
    make_due(message)
    pump(channel)  # not listed yet: waits
    make_due(message)
    pump(channel)  # listed now
    assert fresh(message).status == "accepted"
    assert fake.sends[message.tag] == 1 and fake.attempts[message.tag] == 1


def test_a_worker_lost_mid_send_is_taken_up_by_the_sweep_and_looked_up(channel, fake):
    message = queue(channel)
    entry = OutboxRunner.claim_next(channel.pk)
    # The worker sent it and was killed before recording: the provider holds it.
    fake(channel).send(OutboxRunner(entry).outbound(fresh(message), channel))
    Outbox.objects.filter(pk=entry.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))

    assert outbox_tick()["swept"] == 1
    entry = entry_of(message)
    assert entry.status == "retrying" and entry.unknown_since is not None
    pump(channel)
    assert fresh(message).status == "accepted"
    assert fake.sends[message.tag] == 1


def test_two_pumps_never_claim_the_same_message(channel, fake):
    message = queue(channel)
    first = OutboxRunner.claim_next(channel.pk)
    assert first is not None and first.message_id == message.pk
    assert OutboxRunner.claim_next(channel.pk) is None


def test_a_paused_channel_keeps_its_messages_queued_until_it_resumes(channel, fake, pump_task):
    channel.is_active = False
    channel.save()
    message = queue(channel)
    assert pump(channel) == 0
    assert fresh(message).status == "queued" and entry_of(message).status == "queued"
    assert outbox_tick()["kicked"] == 0

    channel.is_active = True
    channel.save()
    pump_task.messages.clear()
    outbox.outbox_kick(channel_id=channel.pk)
    assert pump_task.messages == [((channel.pk,), None)]
    pump_task.run_next()
    assert fresh(message).status == "accepted"


def test_a_paused_channels_message_past_its_validity_ends_expired(channel, fake):
    channel.is_active = False
    channel.save()
    message = queue(channel)
    Message._base_manager.filter(pk=message.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert outbox_expire() == 1
    message = fresh(message)
    assert message.status == "expired"
    assert "validity of 3 days" in message.reason and "paused" in message.reason
    assert fake.attempts[message.tag] == 0


def test_many_messages_send_one_kick_while_it_waits(
    channel, fake, pump_task, django_capture_on_commit_callbacks
):
    pump_task.messages.clear()
    unmark(outbox._marker(channel.pk, later=False))
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(20):
            queue(channel)
    assert len(pump_task.messages) == 1
    pump_task.run_next()  # the pump clears the marker and sends everything
    assert Outbox.objects.filter(channel=channel, status="succeeded").count() == 20
    with django_capture_on_commit_callbacks(execute=True):
        queue(channel)
    assert len(pump_task.messages) == 1  # the next message kicks again


def test_the_rate_holds_and_nothing_is_dropped_above_it(fake, pump_task):
    channel = Channel.objects.create(name="Slow", kind="fake", rate=5)
    messages = [queue(channel) for _ in range(8)]
    sent = pump(channel, seconds=1.0)
    assert 4 <= sent <= 6  # one second's worth at 5/s
    pump(channel, seconds=1.5)
    assert all(fresh(m).status == "accepted" for m in messages)
    assert sum(fake.sends.values()) == 8
