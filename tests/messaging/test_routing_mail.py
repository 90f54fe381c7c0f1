# ruff: noqa: F811 - pytest fixtures imported from a shared module are used as arguments
"""The e-mail destination through a real SMTP server: one e-mail per message with the
sender's name, the text, media links and the conversation's link; a digest collects a
conversation's messages of N minutes into one; a notice is never sent twice."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from messaging.models import Contact, MailNotice
from messaging.services.mail import MailRunner, mail_notices_due
from messaging.services.routing import RuleData, message_route, number_route_save

from ..mail import smtp_server  # noqa: F401 - a fixture
from .routing_support import inbound


def parts(mail) -> tuple[str, str]:
    text = html = ""
    for part in mail.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_payload(decode=True).decode()
        elif part.get_content_type() == "text/html":
            html = part.get_payload(decode=True).decode()
    return text, html


@pytest.fixture
def mailed(senders_env):
    def route_to(emails, digest=0):
        number_route_save(
            tenant=senders_env.world.a,
            number=str(senders_env.sms[0]),
            data=RuleData(destination="email", emails=emails, email_digest_minutes=digest),
        )

    senders_env.route_to = route_to
    return senders_env


def test_one_email_per_message_with_name_text_media_and_link(mailed, smtp_server, run_tasks):
    mailed.route_to("ops@acme.example\nboss@acme.example")
    with scopes_disabled():
        Contact.objects.create(tenant=mailed.world.a, number="16468097065", name="Jane Roe")
    msg = inbound(
        mailed.channel,
        to=mailed.sms[0],
        text="My router is down",
        media=["https://media.example/p.jpg"],
    )
    run_tasks(message_route, message=msg)
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert "ops@acme.example" in mail["X-Envelope-To"] and "boss@acme.example" in mail["To"]
    assert "Jane Roe" in mail["Subject"]
    text, html = parts(mail)
    assert "My router is down" in text and "https://media.example/p.jpg" in text
    assert "http://portal.test/t/acme/" in text
    assert "My router is down" in html and 'href="https://media.example/p.jpg"' in html
    with scopes_disabled():
        assert MailNotice.objects.get().status == "succeeded"


def test_a_digest_collects_the_minutes_messages_into_one(mailed, smtp_server, run_tasks):
    mailed.route_to("ops@acme.example", digest=15)
    run_tasks(message_route, message=inbound(mailed.channel, to=mailed.sms[0], text="first"))
    run_tasks(message_route, message=inbound(mailed.channel, to=mailed.sms[0], text="second"))
    assert smtp_server.messages == []  # not before its minutes
    with scopes_disabled():
        MailNotice.objects.update(due_at=timezone.now() - timedelta(seconds=1))
    run_tasks(mail_notices_due)
    assert len(smtp_server.messages) == 1
    text, _ = parts(smtp_server.messages[0])
    assert "first" in text and "second" in text
    assert "2 new messages" in smtp_server.messages[0]["Subject"]
    run_tasks(message_route, message=inbound(mailed.channel, to=mailed.sms[0], text="third"))
    with scopes_disabled():
        assert MailNotice.objects.count() == 2  # a new digest: the sent one is closed


def test_a_notice_is_never_sent_twice(mailed, smtp_server, run_tasks):
    mailed.route_to("ops@acme.example")
    run_tasks(message_route, message=inbound(mailed.channel, to=mailed.sms[0]))
    with scopes_disabled():
        notice = MailNotice.objects.get()
    assert MailRunner.run(notice.pk) == "skipped"
    run_tasks(mail_notices_due)
    assert len(smtp_server.messages) == 1


def test_an_smtp_failure_is_retried(mailed, settings, hold_task, run_tasks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    held = hold_task("messaging.tasks", "send_mail_notice")
    mailed.route_to("ops@acme.example")
    run_tasks(message_route, message=inbound(mailed.channel, to=mailed.sms[0]))
    held.run_next()
    with scopes_disabled():
        notice = MailNotice.objects.get()
    assert notice.status == "retrying" and notice.attempt == 2
    assert "mail server failed" in notice.error
