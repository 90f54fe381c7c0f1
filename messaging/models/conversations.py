"""Conversations: one per (tenant, our number, remote party), holding the inbound and outbound
messages between them, worked by agents in the inbox; the tenant's contacts (names for remote
numbers), canned replies, and the wording of its keyword replies (STOP, START, HELP).

Who owns a conversation:

    new inbound ──> the number's destination ──> an agent: assignee set at once
                                              └─> a queue: queue set, assignee empty; every
                                                  member sees it; the first to pick it up (or,
                                                  with auto-pickup, the first to reply) becomes
                                                  the assignee and alone gets the follow-ups
    agent starts it (outbound) ──> assignee = that agent, sticky_until = now + the number's
                                   stickiness: replies within it go to that agent
    closed (by hand, or auto-close after N days silent) ──> a new inbound reopens it; its owner
                                   is kept while sticky or picked up, else routed afresh
"""

from __future__ import annotations

from django.db import models
from django_scopes import ScopedManager


class ConversationState(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Conversation(models.Model):
    State = ConversationState

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(
        "messaging.Channel", on_delete=models.PROTECT, related_name="conversations"
    )
    our_number = models.CharField(max_length=15, help_text="E.164 digits: the tenant's number.")
    remote = models.CharField(
        max_length=15, help_text="E.164 digits (reformatted with the tenant's default country)."
    )
    state = models.CharField(
        max_length=8, choices=ConversationState.choices, default=ConversationState.OPEN
    )
    assignee = models.ForeignKey(
        "tenants.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The agent who owns it (empty: waiting in its queue).",
    )
    queue = models.ForeignKey(
        "messaging.MessageQueue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    picked_up_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        "tenants.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The agent who started it with an outbound message.",
    )
    sticky_until = models.DateTimeField(
        null=True, blank=True, help_text="Replies until then go to the agent who started it."
    )
    last_message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_message_at = models.DateTimeField(db_index=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    unread = models.PositiveIntegerField(
        default=0, help_text="Inbound messages its owner has not opened yet."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Moved on every change an open inbox shows (a message, a status, a pickup): the inbox's
    # poll asks "anything newer than this?" with one indexed query.
    changed_at = models.DateTimeField(db_index=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "our_number", "remote"], name="conversation_unique_parties"
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "state", "-last_message_at"]),
            models.Index(fields=["tenant", "assignee", "state", "-last_message_at"]),
            models.Index(fields=["tenant", "queue", "assignee", "state", "-last_message_at"]),
            models.Index(fields=["tenant", "changed_at"]),
        ]

    def __str__(self) -> str:
        return f"+{self.remote} ↔ +{self.our_number}"


class Contact(models.Model):
    """A tenant's name for a remote number, shown in the inbox."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=15, help_text="E.164 digits.")
    name = models.CharField(max_length=100)
    company = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    audit_log = True

    class Meta:
        ordering = ["name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="contact_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.name} (+{self.number})"


class CannedReply(models.Model):
    """A saved text an agent inserts into a reply."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=100)
    text = models.TextField(max_length=1600)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    audit_log = True

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "canned replies"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "title"], name="cannedreply_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class KeywordReplies(models.Model):
    """The tenant's wording of the automatic answers to STOP, START and HELP (blank: the
    portal's default text, in messaging/keywords.py)."""

    tenant = models.OneToOneField(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="keyword_replies"
    )
    stop_text = models.CharField("reply to STOP", max_length=320, blank=True)
    start_text = models.CharField("reply to START", max_length=320, blank=True)
    help_text = models.CharField("reply to HELP", max_length=320, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    audit_log = True

    class Meta:
        verbose_name_plural = "keyword replies"

    def __str__(self) -> str:
        return f"keyword replies of {self.tenant}"
