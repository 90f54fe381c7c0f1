"""Demo inbox (part C): on Acme's SMS number, conversations in every state an agent meets —
one waiting in the "Support desk" queue with unread messages, one picked up by Aaron, one
closed, one with an MMS picture, one Aaron started himself — contacts for some of the people,
and three canned replies. The messages are made directly (no send): the demo shows the inbox
at once. Looks part B's demo queue up by name, else makes its own. Idempotent: once its canned
replies exist it does nothing."""

from __future__ import annotations

import sys
import uuid
from datetime import timedelta
from typing import TextIO

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from messaging import media
from messaging.models import (
    CannedReply,
    Contact,
    Conversation,
    Message,
    MessageQueue,
    SenderId,
    SenderKind,
)
from messaging.services.conversations import conversation_for, conversation_touch
from tenants.models import Tenant, User

QUEUE = "Support desk"  # the routing demo's queue (portal/demo/routing.py)
# (remote, contact name or "", state, owner e-mail or "" (queue), messages: (minutes ago,
# "in"/"out", text, picture?))
CONVERSATIONS = [
    (
        "12025550143",
        "Dana Reed",
        "open",
        "",
        [
            (95, "in", "Hi, my internet has been down since this morning.", False),
            (90, "in", "Is there an outage in Brooklyn?", False),
        ],
    ),
    (
        "12025550178",
        "",
        "open",
        "",
        [(12, "in", "Can I change my plan online?", False)],
    ),
    (
        "12025550111",
        "Sam Lee",
        "open",
        "aaron@acme.example",
        [
            (300, "in", "My bill shows a charge I don't recognise.", False),
            (290, "out", "Sorry about that, Sam: let me check your account.", False),
            (45, "in", "Any news?", False),
        ],
    ),
    (
        "12025550190",
        "Initech front desk",
        "open",
        "aaron@acme.example",
        [(30, "in", "Here is a photo of the router's lights.", True)],
    ),
    (
        "12025550122",
        "",
        "closed",
        "alice@acme.example",
        [
            (3000, "in", "Thanks, it works now!", False),
            (2990, "out", "Great to hear. Have a nice day!", False),
        ],
    ),
]
STARTED = ("12025550155", "Pat Kim", "Hi Pat, your new SIM card ships today. — Aaron, Acme")
CANNED = [
    ("Looking into it", "Thanks for your message: we are looking into it and will reply shortly."),
    (
        "Outage",
        "There is a known outage in your area. Our engineers expect it fixed within 2 hours.",
    ),
    ("Closing", "Glad we could help! Reply to this message any time if you need us again."),
]
# A 1x1 PNG, the demo's MMS picture (stored as an uploaded MMS file is).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005fe02fea7d6a4a40000000049454e44ae426082"
)


def seed_demo_inbox(stdout: TextIO | None = None) -> None:
    out = stdout or sys.stdout
    tenant = Tenant.objects.filter(slug="acme").first()
    if tenant is None:
        return
    with scopes_disabled():
        sender = (
            SenderId.objects.filter(tenant=tenant, kind=SenderKind.NUMERIC)
            .select_related("channel")
            .first()
        )
        if sender is None:
            out.write("Demo inbox: Acme has no SMS number as a sender ID yet; no conversations.")
            return
        # The demo's own canned replies mark it done (the demo messages sent before it already
        # made conversations of their own).
        if CannedReply.objects.filter(tenant=tenant, title=CANNED[0][0]).exists():
            return
    users = {u.email: u for u in User.objects.filter(email__endswith="@acme.example")}
    with scope(tenant=tenant):
        queue = _queue(tenant, users)
        for remote, name, state, owner, lines in CONVERSATIONS:
            if name:
                Contact.objects.get_or_create(tenant=tenant, number=remote, defaults={"name": name})
            conversation = _conversation(tenant, sender, remote, lines, users)
            changes = {"queue": queue, "assignee": users.get(owner)}
            if owner:
                changes["picked_up_at"] = timezone.now() - timedelta(minutes=60)
            if state == "closed":
                changes |= {"state": "closed", "closed_at": timezone.now(), "unread": 0}
            elif owner:
                changes["unread"] = 1
            Conversation.objects.filter(pk=conversation.pk).update(**changes)
        _started(tenant, sender, users.get("aaron@acme.example"))
        for title, text in CANNED:
            CannedReply.objects.get_or_create(tenant=tenant, title=title, defaults={"text": text})
    out.write(
        f"Demo inbox: {len(CONVERSATIONS) + 1} conversations on +{sender.value}, "
        f"{len(CANNED)} canned replies."
    )


def _queue(tenant, users) -> MessageQueue:
    queue = MessageQueue.objects.filter(tenant=tenant, name=QUEUE).first()
    if queue is None:
        queue = MessageQueue.objects.create(tenant=tenant, name=QUEUE)
    queue.members.add(*[u for u in users.values()])
    return queue


def _message(tenant, sender, remote, minutes, direction, text, picture, user=None) -> Message:
    at = timezone.now() - timedelta(minutes=minutes)
    inbound = direction == "in"
    urls = [media.store(_png()).url] if picture else []
    return Message.objects.create(
        tenant=tenant,
        channel=sender.channel,
        direction=Message.Direction.INBOUND if inbound else Message.Direction.OUTBOUND,
        sender_id=None if inbound else sender,
        sender=remote if inbound else sender.value,
        recipient=sender.value if inbound else remote,
        country="US",
        text=text,
        media=urls,
        is_mms=bool(urls),
        status=Message.Status.RECEIVED if inbound else Message.Status.DELIVERED,
        tag=uuid.uuid4().hex,
        source="provider" if inbound else "conversation",
        created_by=None if inbound else user,
        created_at=at,
        finished_at=None if inbound else at,
    )


def _conversation(tenant, sender, remote, lines, users) -> Conversation:
    conversation = conversation_for(
        tenant=tenant, channel=sender.channel, our_number=sender.value, remote=remote
    )
    for minutes, direction, text, picture in lines:
        message = _message(
            tenant,
            sender,
            remote,
            minutes,
            direction,
            text,
            picture,
            users.get("aaron@acme.example"),
        )
        conversation_touch(conversation=conversation, message=message)
    return conversation


def _started(tenant, sender, agent) -> None:
    remote, name, text = STARTED
    Contact.objects.get_or_create(tenant=tenant, number=remote, defaults={"name": name})
    conversation = _conversation(tenant, sender, remote, [(20, "out", text, False)], {})
    now = timezone.now()
    Conversation.objects.filter(pk=conversation.pk).update(
        started_by=agent, assignee=agent, picked_up_at=now, sticky_until=now + timedelta(hours=24)
    )


def _png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("router.png", PNG, content_type="image/png")
