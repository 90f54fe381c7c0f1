"""Numbers attached to a channel that is not Wavix, in the pool syntax: they become inventory
rows the channel sends from; a number held on Wavix or on another channel is refused, as is
taking off a number that is a sender ID, each naming the number and nothing saved; a tenant
holding such a number in its pool makes it a sender ID without any Wavix registration."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

import messaging.providers.fake  # noqa: F401 - registers the "fake" kind
from dids import services as dids_services
from dids.models import Did
from messaging.models import Channel, ChannelNumber, SenderCountry
from messaging.services.channel_numbers import channel_numbers_set, number_channel
from messaging.services.channels import channel_delete, channel_numbers
from messaging.services.senders import sender_create, sender_number_choices

from .test_channels_support import make_channel


@pytest.fixture
def other(db):
    return Channel.objects.create(name="Other provider", kind="fake")


def attached(channel) -> list[int]:
    return sorted(
        ChannelNumber.objects.filter(channel=channel).values_list("did__number", flat=True)
    )


def test_numbers_typed_in_the_pool_syntax_are_attached_and_the_channel_sends_from_them(other):
    added, removed = channel_numbers_set(
        channel=other, text="+1 646 555 0100 - +1 646 555 0102; 16465550110"
    )
    assert (added, removed) == (4, 0)
    assert attached(other) == [16465550100, 16465550101, 16465550102, 16465550110]
    dids = Did.objects.filter(number__in=attached(other))
    assert all(d.account_id is None and d.sms_enabled and d.country == "US" for d in dids)
    assert list(channel_numbers(other).values_list("number", flat=True)) == attached(other)
    assert number_channel(dids.first()) == other
    other.refresh_from_db()
    assert other.numbers == "16465550100-16465550102;16465550110"

    assert channel_numbers_set(channel=other, text="16465550101-16465550102") == (0, 2)
    assert attached(other) == [16465550101, 16465550102]
    assert not Did.objects.filter(number=16465550100).exists()


def test_a_number_held_on_wavix_is_refused_naming_it_and_nothing_is_attached(other):
    wavix = make_channel()
    Did.objects.create(account=wavix.wavix_account, number=16465550200, sms_enabled=True)
    with pytest.raises(ValidationError) as caught:
        channel_numbers_set(channel=other, text="16465550199-16465550200")
    text = " ".join(caught.value.message_dict["numbers"])
    assert "+16465550200 is held on the Wavix account" in text
    assert attached(other) == [] and not Did.objects.filter(number=16465550199).exists()


def test_a_number_on_another_channel_is_refused(other):
    second = Channel.objects.create(name="Second provider", kind="fake")
    channel_numbers_set(channel=other, text="16465550300")
    with pytest.raises(ValidationError) as caught:
        channel_numbers_set(channel=second, text="16465550300;16465550301")
    assert "+16465550300 is attached to the channel “Other provider” already" in " ".join(
        caught.value.messages
    )
    assert attached(second) == [] and attached(other) == [16465550300]


def test_a_wavix_channel_takes_no_attached_numbers(db):
    with pytest.raises(ValidationError) as caught:
        channel_numbers_set(channel=make_channel(), text="16465550400")
    assert "sends from its account's SMS-enabled numbers" in " ".join(caught.value.messages)


def test_bad_syntax_names_the_segment(other):
    with pytest.raises(ValidationError) as caught:
        channel_numbers_set(channel=other, text="16465550100;abc")
    assert "abc" in " ".join(caught.value.messages)
    assert attached(other) == []


def test_a_pooled_attached_number_is_a_sender_id_without_registration(world, other, run_tasks):
    channel_numbers_set(channel=other, text="16465550500-16465550501")
    with scopes_disabled():
        dids_services.pool_save(tenant=world.a, text="16465550500")
    with scopes_disabled():
        choices = sender_number_choices(world.a)
        assert [d.number for d in choices.numbers] == [16465550500]  # the other: in no pool
        sender = run_tasks(
            sender_create, tenant=world.a, kind="numeric", value="16465550500", countries=["GB"]
        )
        assert sender.channel == other
        row = SenderCountry.objects.get(sender=sender)
        assert row.state == "allowlisted" and "No registration" in row.note
    with pytest.raises(ValidationError) as caught:
        channel_numbers_set(channel=other, text="16465550501")
    assert "+16465550500 is a sender ID of Acme Telecom" in " ".join(caught.value.messages)
    assert attached(other) == [16465550500, 16465550501]


def test_deleting_the_channel_takes_its_numbers_off_the_inventory(other):
    channel_numbers_set(channel=other, text="16465550600")
    channel_delete(channel=other)
    assert not Did.objects.filter(number=16465550600).exists()
