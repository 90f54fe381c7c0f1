"""The e-mail destination: one e-mail per inbound message, or (the rule's digest minutes above
0) one per conversation with the messages that arrive within those minutes. A `MailNotice` row
is made in the routing transaction; its job sends it after the commit, outside any
transaction, through Django's e-mail settings (SMTP in production, files in var/mail/ for
`make run`).

Never sent twice: the job claims the row first, and a run whose worker was lost is not
repeated blindly (it may have sent). An SMTP error is tried again (30 s, doubling, 5 attempts)."""

from __future__ import annotations

import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from portal.jobs.runner import JobRunner, Outcome, Wait
from portal.wavix.guard import check_no_transaction
from portal.wavix.retry import RetryPolicy

from ..models import Contact, Conversation, MailNotice, Message, NumberRoute

# The mail server failed: 30 s, doubling, 5 attempts in all.
MAIL_RETRIES = RetryPolicy(attempts=5, base=30, factor=2, cap=3600, jitter=0)


def mail_notice_add(*, route: NumberRoute, conversation: Conversation, message: Message) -> None:
    """The message's e-mail: a new notice, or with a digest the conversation's notice still
    waiting to go (joined while it is queued; the job's claim locks it out)."""
    now = timezone.now()
    minutes = route.email_digest_minutes
    with scopes_disabled(), transaction.atomic():
        notice = None
        if minutes:
            notice = (
                MailNotice.objects.select_for_update()
                .filter(
                    conversation=conversation,
                    status=MailNotice.Status.QUEUED,
                    due_at__gt=now,
                )
                .first()
            )
        if notice is None:
            notice = MailNotice.objects.create(
                tenant_id=conversation.tenant_id,
                conversation=conversation,
                recipients=route.emails,
                due_at=now + timedelta(minutes=minutes),
            )
            countdown = minutes * 60 if minutes else None
            MailRunner.enqueue(notice.pk, attempt=1 if countdown else None, countdown=countdown)
        notice.messages.add(message)


def mail_notices_due() -> int:
    """The beat's sweep: queued notices whose time has come (a digest, or a lost task)."""
    now = timezone.now()
    with scopes_disabled():
        due = list(
            MailNotice.objects.filter(status=MailNotice.Status.QUEUED, due_at__lte=now).values_list(
                "pk", flat=True
            )[:500]
        ) + list(
            MailNotice.objects.filter(
                status=MailNotice.Status.RETRYING, retry_at__lte=now - timedelta(minutes=2)
            ).values_list("pk", flat=True)[:500]
        )
    for pk in due:
        MailRunner.send(pk)
    return len(due)


class MailRunner(JobRunner):
    model = MailNotice
    task = "messaging.tasks.send_mail_notice"
    retry_policy = None
    no_retry = "It may have been sent already, and an e-mail must not go twice."
    lease = timedelta(minutes=5)

    def claimable(self, job) -> bool:
        # A digest waits for its minutes, so later messages still join it.
        return job.due_at <= timezone.now()

    def perform(self) -> Outcome | None:
        notice = self.job
        with scopes_disabled():
            email = _email_of(notice)
        check_no_transaction("SMTP send")
        try:
            email.send()
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            retry = MAIL_RETRIES.after(notice.attempt)
            if retry is None:
                return Outcome.failed(
                    f"The mail server refused or did not answer after {notice.attempt} "
                    f"attempts: {type(exc).__name__}."
                )
            raise Wait(
                retry, f"The mail server failed ({type(exc).__name__}); trying again."
            ) from exc
        self.sent_at = timezone.now()
        return Outcome.succeeded(f"Sent to {len(notice.recipients.split())} address(es).")

    def finished(self, status: str) -> dict:
        if status == MailNotice.Status.SUCCEEDED:
            return {"sent_at": getattr(self, "sent_at", timezone.now())}
        return {}


def _email_of(notice: MailNotice) -> EmailMultiAlternatives:
    conversation = Conversation.objects.select_related("tenant").get(pk=notice.conversation_id)
    messages = list(notice.messages.order_by("created_at", "id"))
    contact = Contact.objects.filter(
        tenant_id=conversation.tenant_id, number=conversation.remote
    ).first()
    who = f"{contact.name} (+{conversation.remote})" if contact else f"+{conversation.remote}"
    link = settings.PORTAL_BASE_URL + _conversation_path(conversation)
    context = {
        "who": who,
        "contact": contact,
        "conversation": conversation,
        "messages": messages,
        "link": link,
        "our_number": conversation.our_number,
    }
    count = len(messages)
    subject = (
        f"New message from {who} to +{conversation.our_number}"
        if count == 1
        else f"{count} new messages from {who} to +{conversation.our_number}"
    )
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("messaging/routing_mail.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=notice.recipients.split(),
    )
    email.attach_alternative(render_to_string("messaging/routing_mail.html", context), "text/html")
    return email


def _conversation_path(conversation: Conversation) -> str:
    """The conversation's page (part C's), or the tenant's message log before it exists."""
    from django.urls import NoReverseMatch

    slug = conversation.tenant.slug
    try:
        return reverse("tenant:conversation_detail", args=[slug, conversation.pk])
    except NoReverseMatch:
        return reverse("tenant:message_list", args=[slug]) + f"?q={conversation.remote}"
