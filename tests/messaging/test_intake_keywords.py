"""Opt-out keywords: which texts are keywords (the whole message, trimmed, any case), and what
each does to a tenant's opt-out list and log: STOP opts the pair out and confirms once (the
confirmation goes out although the pair is now opted out, and a normal send is then refused),
START lifts it and confirms, HELP answers with the tenant's text."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled
from hypothesis import given
from hypothesis import strategies as st

from messaging import keywords
from messaging.models import Message, OptOut
from messaging.services.conversations import number_sender
from messaging.services.keywords import keyword_replies_save
from messaging.services.sending import message_send

from .intake_support import fixture

REMOTE = "16468097065"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        *[(w, "stop") for w in ("STOP", "stopall", "Unsubscribe", "CANCEL", "end", "QUIT")],
        *[(w, "start") for w in ("START", "unstop", "Yes")],
        *[(w, "help") for w in ("HELP", "info")],
        ("  stop \n", "stop"),
        ("stop please", None),
        ("STOP!", None),
        ("", None),
        (None, None),
        ("Yes please", None),
    ],
)
def test_the_whole_message_trimmed_in_any_case_is_the_keyword(text, kind):
    assert keywords.classify(text) == kind


@given(st.sampled_from(sorted(keywords.WORDS)), st.text(" \t\n", max_size=5), st.booleans())
def test_any_keyword_in_any_case_with_spaces_around_is_recognised(word, space, lower):
    text = space + (word.lower() if lower else word) + space
    assert keywords.classify(text) == keywords.WORDS[word]


@given(st.text(max_size=200))
def test_a_text_is_a_keyword_only_when_it_is_one_of_the_words(text):
    kind = keywords.classify(text)
    assert (kind is not None) == (text.strip().upper() in keywords.WORDS)


@given(st.text(min_size=1, max_size=50).filter(lambda t: t.strip() not in ("", "x")))
def test_a_keyword_with_more_words_around_it_is_none(extra):
    assert keywords.classify(f"STOP {extra} x") is None


def test_the_tenants_wording_beats_the_default_and_blank_falls_back():
    assert keywords.reply_text("help", "  Call 555-0100.  ") == "Call 555-0100."
    assert keywords.reply_text("help", " ") == keywords.DEFAULT_REPLIES["help"]
    with pytest.raises(ValueError):
        keywords.reply_text("nope")


def texted(env, receive, text, *, number=None):
    number = number or env.sms[0]
    body = fixture("inbound", to=str(number), message_body={"text": text, "media": None})
    body["message_id"] = f"kw-{text}-{Message._base_manager.count()}"
    assert receive(env.channel, body).status_code == 200
    return number


def replies(number):
    return list(
        Message._base_manager.filter(source="keyword", recipient=REMOTE, sender=str(number))
        .order_by("created_at", "id")
        .values_list("text", flat=True)
    )


def opted_out(env, number) -> bool:
    with scopes_disabled():
        return OptOut.objects.filter(
            tenant=env.world.a, recipient=REMOTE, sender__in=["", str(number)]
        ).exists()


def send_normally(env, number):
    return message_send(
        tenant=env.world.a,
        sender_id=number_sender(tenant=env.world.a, number=str(number)),
        recipient=f"+{REMOTE}",
        text="Our sale starts today",
        source="ui",
    )


def test_stop_opts_out_confirms_despite_the_opt_out_and_a_normal_send_is_then_refused(
    senders_env, receive, routed
):
    number = texted(senders_env, receive, "Stop")
    assert opted_out(senders_env, number)
    with scopes_disabled():
        opt_out = OptOut.objects.get(tenant=senders_env.world.a, recipient=REMOTE)
    assert opt_out.source == "keyword" and opt_out.sender == str(number)
    assert replies(number) == [keywords.DEFAULT_REPLIES["stop"]]
    reply = Message._base_manager.get(source="keyword")
    assert reply.tenant == senders_env.world.a and reply.direction == "outbound"
    assert reply.status != "failed"
    with pytest.raises(ValidationError) as refused:
        send_normally(senders_env, number)
    assert "asked not to get messages" in str(refused.value.message_dict["recipient"])
    # The STOP itself is still routed: agents see it in the conversation.
    assert [m.text for m in routed] == ["Stop"]
    note = senders_env.channel.webhook_events.get().note
    assert "STOP: opted out; reply queued as message" in note


def test_a_repeated_stop_sends_no_second_confirmation(senders_env, receive):
    number = texted(senders_env, receive, "STOP")
    texted(senders_env, receive, "quit")
    assert replies(number) == [keywords.DEFAULT_REPLIES["stop"]]
    assert "no second confirmation" in " ".join(
        senders_env.channel.webhook_events.values_list("note", flat=True)
    )


def test_start_lifts_the_opt_out_and_confirms(senders_env, receive):
    number = texted(senders_env, receive, "STOP")
    texted(senders_env, receive, "start")
    assert not opted_out(senders_env, number)
    assert replies(number) == [keywords.DEFAULT_REPLIES["stop"], keywords.DEFAULT_REPLIES["start"]]
    assert send_normally(senders_env, number).status != "failed"


def test_help_answers_with_the_tenants_text(senders_env, receive):
    keyword_replies_save(tenant=senders_env.world.a, help_text="Acme: call +1 312 555 0100.")
    number = texted(senders_env, receive, "HELP")
    assert replies(number) == ["Acme: call +1 312 555 0100."]
    assert not opted_out(senders_env, number)


def test_a_sentence_with_stop_in_it_changes_nothing(senders_env, receive, routed):
    number = texted(senders_env, receive, "stop please, call me instead")
    assert not opted_out(senders_env, number)
    assert replies(number) == []
    assert len(routed) == 1


def test_a_keyword_to_a_number_nobody_holds_answers_nothing(senders_env, receive, routed):
    texted(senders_env, receive, "STOP", number=13125550111)
    assert not Message._base_manager.filter(source="keyword").exists()
    assert len(routed) == 1


def test_the_stop_answer_is_the_tenants_own_wording(senders_env, receive):
    keyword_replies_save(tenant=senders_env.world.a, stop_text="Acme: unsubscribed. Bye!")
    number = texted(senders_env, receive, "STOP")
    assert replies(number) == ["Acme: unsubscribed. Bye!"]


def test_the_wording_is_bounded_and_named(senders_env):
    with pytest.raises(ValidationError) as refused:
        keyword_replies_save(tenant=senders_env.world.a, help_text="x" * 321)
    assert "help_text" in refused.value.message_dict
