"""Messages left without a final report are looked up on the provider by the periodic task,
outside any transaction, and moved forward with what it says."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from messaging.models import Channel
from messaging.providers.base import SendResult
from messaging.services.reports import messages_look_up_stale
from messaging.tasks import look_up_stale_messages

from .test_channels_support import DummyProvider, history, make_channel, make_message

OLD = timedelta(minutes=90)


@pytest.fixture
def dummy(db):
    DummyProvider.answers, DummyProvider.calls = {}, []
    return Channel.objects.create(name="Dummy", kind="testdummy")


def test_a_message_without_its_final_report_is_looked_up_and_moved(dummy):
    message = make_message(dummy, status="sent", age=OLD, tag="lost-report")
    DummyProvider.answers["lost-report"] = SendResult(
        provider_id=message.provider_id,
        status="delivered",
        segments=1,
        charge=Decimal("0.0079"),
        raw={"status": "delivered"},
    )
    depth = len(connection.atomic_blocks)
    assert look_up_stale_messages() == 1
    message.refresh_from_db()
    assert message.status == "delivered"
    assert message.charge == Decimal("0.0079")
    assert history(message)[-1] == ("delivered", "lookup")
    # The provider was asked outside any transaction of the lookup's own.
    assert DummyProvider.calls == [
        {"tag": "lost-report", "provider_id": message.provider_id, "depth": depth}
    ]


def test_recent_and_final_messages_are_not_looked_up(dummy, settings):
    settings.MESSAGE_STATUS_LOOKUP_AFTER_MINUTES = 60
    make_message(dummy, status="accepted", age=timedelta(minutes=20))
    make_message(dummy, status="delivered", age=OLD)
    make_message(dummy, status="queued", age=OLD)
    assert messages_look_up_stale() == 0
    assert DummyProvider.calls == []


def test_the_waiting_time_is_a_setting(dummy, settings):
    settings.MESSAGE_STATUS_LOOKUP_AFTER_MINUTES = 10
    make_message(dummy, status="accepted", age=timedelta(minutes=20), tag="t-20")
    messages_look_up_stale()
    assert [c["tag"] for c in DummyProvider.calls] == ["t-20"]


def test_a_provider_that_knows_nothing_leaves_the_message_as_it_was(dummy):
    message = make_message(dummy, status="sent", age=OLD, tag="unknown")
    assert messages_look_up_stale() == 0
    message.refresh_from_db()
    assert message.status == "sent"
    # Asked about once per wait: the next run asks about the others first.
    assert messages_look_up_stale() == 0
    assert len(DummyProvider.calls) == 1


def test_a_lookup_never_moves_a_message_back(dummy):
    message = make_message(dummy, status="sent", age=OLD, tag="behind")
    DummyProvider.answers["behind"] = SendResult(provider_id="x", status="accepted")
    messages_look_up_stale()
    message.refresh_from_db()
    assert message.status == "sent"


def test_the_wavix_path_against_the_sandbox(sandbox_account, settings):
    from portal.wavix.client import WavixClient
    from sandbox.wavix.models import SandboxMessage
    from sandbox.wavix.seed import seed_account
    from sandbox.wavix.services.messaging import message_run_to_final

    seed_account(account=sandbox_account.sandbox, purchased=5)
    number = (
        sandbox_account.sandbox.numbers.filter(sms_enabled=True).values_list("number", flat=True)
    ).first()
    channel = make_channel(sandbox_account)
    sent = WavixClient.for_account(sandbox_account).send_message(
        sender=str(number), to="13125550199", text="Hello", tag="lookup-wavix"
    )
    message_run_to_final(message_id=SandboxMessage.objects.get(tag="lookup-wavix").pk)
    message = make_message(
        channel, status="accepted", age=OLD, tag="lookup-wavix", provider_id=sent["message_id"]
    )
    assert messages_look_up_stale() == 1
    message.refresh_from_db()
    assert message.status == "delivered"
    assert history(message)[-1] == ("delivered", "lookup")


def test_messages_of_channels_that_cannot_be_asked_do_not_take_the_batch(dummy, didww):
    from messaging.services.reports import stale_messages

    for n in range(3):
        make_message(didww, status="sent", age=OLD, tag=f"didww-{n}")
    waiting = make_message(dummy, status="sent", age=OLD, tag="lookup-me")
    assert [m.pk for m in stale_messages(limit=2)] == [waiting.pk]
