"""Support staff's view of messaging: search and filters; read-only where a write would
bypass the services (a message's status, the outbox, webhook events)."""

from django.contrib import admin

from portal.admin import ReadOnlyAdmin, field_names

from .models import (
    CannedReply,
    Channel,
    ChannelBalance,
    ChannelCounter,
    ChannelLogEntry,
    ChannelNumber,
    Contact,
    Conversation,
    IdempotencyKey,
    KeywordReplies,
    MailNotice,
    Message,
    MessageDay,
    MessageEvent,
    MessageQueue,
    NumberRoute,
    OptOut,
    Outbox,
    RateSlot,
    RelayJob,
    SenderCountry,
    SenderId,
    SenderJob,
    TenantWebhook,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
)

# --- channels and the debug log ------------------------------------------------------------


@admin.register(Channel)
class ChannelAdmin(ReadOnlyAdmin):
    """Read-only: a channel is changed in the portal (its bounds, one per Wavix account, the
    outbox woken on resume). The credentials and the webhook tokens are never shown."""

    list_display = ["name", "kind", "wavix_account", "is_active", "rate", "last_error"]
    list_filter = ["kind", "is_active", "debug_log"]
    search_fields = ["name", "wavix_account__name"]
    list_select_related = ["wavix_account"]
    fields = field_names(Channel, without=("credentials", "dlr_token", "inbound_token"))


@admin.register(ChannelBalance)
class ChannelBalanceAdmin(ReadOnlyAdmin):
    """Read-only: a gateway channel's last balance check and its alert (checked by the beat or
    "Run test" on the channel's page)."""

    list_display = ["channel", "balance", "alerting", "checked_at", "error"]
    list_filter = ["alerting"]
    search_fields = ["channel__name"]
    list_select_related = ["channel"]
    fields = field_names(ChannelBalance)


@admin.register(ChannelNumber)
class ChannelNumberAdmin(ReadOnlyAdmin):
    """Read-only: numbers are attached on the channel's page (pool syntax, checked there)."""

    list_display = ["did", "channel"]
    list_filter = ["channel"]
    search_fields = ["did__number", "channel__name"]
    list_select_related = ["did", "channel"]
    fields = field_names(ChannelNumber)


@admin.register(ChannelLogEntry)
class ChannelLogEntryAdmin(ReadOnlyAdmin):
    """The debug log, secrets redacted before it was stored."""

    list_display = ["at", "channel", "method", "url", "status_code", "duration_ms", "error"]
    list_filter = ["channel", "method", "status_code"]
    search_fields = ["url", "error", "request_body", "response_body"]
    list_select_related = ["channel"]
    date_hierarchy = "at"
    fields = field_names(ChannelLogEntry)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    """Callbacks as they arrived: evidence, never edited."""

    list_display = ["received_at", "channel", "kind", "state", "note", "remote_addr"]
    list_filter = ["kind", "state", "channel"]
    search_fields = ["body", "note"]
    list_select_related = ["channel"]
    date_hierarchy = "received_at"
    fields = field_names(WebhookEvent)


# --- messages, their history and the outbox ------------------------------------------------


class MessageEventInline(admin.TabularInline):
    model = MessageEvent
    fields = ["at", "status", "source", "reason", "detail"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    """Every message, its status only ever moved by the services (message_advance)."""

    list_display = [
        "created_at",
        "tenant",
        "channel",
        "direction",
        "sender",
        "recipient",
        "status",
        "segments",
        "reason",
    ]
    list_filter = ["status", "direction", "source", "channel", "is_mms", "tenant"]
    search_fields = ["recipient", "sender", "tag", "provider_id", "text"]
    date_hierarchy = "created_at"
    list_select_related = ["tenant", "channel"]
    readonly_fields = field_names(Message)
    inlines = [MessageEventInline]
    show_full_result_count = False


@admin.register(MessageEvent)
class MessageEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "message", "status", "source", "reason"]
    list_filter = ["status", "source"]
    search_fields = ["message__tag", "message__recipient", "message__provider_id", "reason"]
    list_select_related = ["message"]
    readonly_fields = field_names(MessageEvent)
    show_full_result_count = False


@admin.register(Outbox)
class OutboxAdmin(ReadOnlyAdmin):
    """The sends: queued, running (a worker holds it until `claimed_until`), retrying (due at
    `due_at`), done; `unknown_since` while a lost answer is being looked up."""

    list_display = [
        "message",
        "channel",
        "status",
        "attempt",
        "due_at",
        "unknown_since",
        "claimed_until",
        "error",
    ]
    list_filter = ["status", "channel", ("unknown_since", admin.EmptyFieldListFilter)]
    search_fields = ["message__tag", "message__recipient", "error"]
    list_select_related = ["message", "channel"]
    readonly_fields = field_names(Outbox)
    show_full_result_count = False


class RateSlotKindFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("rate", "Sending rate"), ("kick", "Kick marker")]

    def queryset(self, request, queryset):
        if self.value() == "rate":
            return queryset.filter(key__startswith="channel:")
        if self.value() == "kick":
            return queryset.filter(key__startswith="messaging:kick:")
        return queryset


@admin.register(RateSlot)
class RateSlotAdmin(ReadOnlyAdmin):
    """The database rate limiter's next free slot per channel, and the kick markers, when
    the portal runs without Redis (messaging/rate.py)."""

    list_display = ["key", "next_at"]
    list_filter = [RateSlotKindFilter]
    search_fields = ["key"]


# --- statistics -----------------------------------------------------------------------------
# Read-only: recounted from the messages every minute (messaging/services/stats.py); an edit
# would be undone by the next recount.


@admin.register(MessageDay)
class MessageDayAdmin(ReadOnlyAdmin):
    """One day of one channel and tenant in the statistics' roll-up."""

    list_display = [
        "day",
        "channel",
        "tenant",
        "sent",
        "sent_failed",
        "delivered",
        "failed",
        "received",
        "segments",
        "charge",
        "computed_at",
    ]
    list_filter = ["channel", "tenant"]
    search_fields = ["channel__name", "tenant__slug", "tenant__name"]
    list_select_related = ["channel", "tenant"]
    date_hierarchy = "day"
    readonly_fields = field_names(MessageDay)
    show_full_result_count = False


@admin.register(ChannelCounter)
class ChannelCounterAdmin(ReadOnlyAdmin):
    """How many times each channel's rate limiter made a send wait (the metrics' counter)."""

    list_display = ["channel", "throttled"]
    list_filter = ["channel"]
    search_fields = ["channel__name"]
    list_select_related = ["channel"]
    readonly_fields = field_names(ChannelCounter)


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    """An API send's first answer, kept MESSAGING_IDEMPOTENCY_KEY_HOURS for its key."""

    list_display = ["created_at", "tenant", "key", "status_code", "message"]
    list_filter = ["status_code", "tenant"]
    search_fields = ["key", "tenant__slug"]
    list_select_related = ["tenant", "message"]
    date_hierarchy = "created_at"
    readonly_fields = field_names(IdempotencyKey)
    show_full_result_count = False


# --- sender IDs ----------------------------------------------------------------------------
# Read-only: a sender ID is registered on Wavix by its job, and its countries' states follow
# Wavix; an edit here would never reach Wavix. Tenant admins change them in the portal.


class SenderCountryInline(admin.TabularInline):
    model = SenderCountry
    fields = ["country", "state", "note", "updated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SenderId)
class SenderIdAdmin(ReadOnlyAdmin):
    list_display = ["value", "kind", "tenant", "channel", "usecase", "provider_id", "synced_at"]
    list_filter = ["kind", "usecase", "channel", "countries__state", "tenant"]
    search_fields = ["value", "provider_id", "tenant__name", "tenant__slug"]
    list_select_related = ["tenant", "channel"]
    readonly_fields = field_names(SenderId)
    inlines = [SenderCountryInline]


@admin.register(SenderCountry)
class SenderCountryAdmin(ReadOnlyAdmin):
    list_display = ["sender", "country", "state", "tenant", "updated_at"]
    list_filter = ["state", "country", "tenant"]
    search_fields = ["sender__value", "country", "note", "tenant__slug"]
    list_select_related = ["sender", "tenant"]
    readonly_fields = field_names(SenderCountry)


@admin.register(SenderJob)
class SenderJobAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "status", "attempt", "tenant", "channel", "created_at"]
    list_filter = ["kind", "status", "channel"]
    search_fields = ["sender_value", "provider_id", "error", "tenant__slug"]
    list_select_related = ["tenant", "channel"]
    readonly_fields = field_names(SenderJob)


# --- opt-outs ------------------------------------------------------------------------------
# Read-only: an opt-out is added through the service (which sends it to Wavix) and removed by a
# tenant admin in the portal, both audited.


@admin.register(OptOut)
class OptOutAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "sender", "tenant", "source", "created_at", "synced_at"]
    list_filter = ["source", "tenant"]
    search_fields = ["recipient", "sender", "note", "tenant__slug", "tenant__name"]
    list_select_related = ["tenant"]
    date_hierarchy = "created_at"
    readonly_fields = field_names(OptOut)


# --- inbound, routing and conversations ----------------------------------------------------
# Read-only: each is written by a service with rules an admin form would bypass (a number's
# rule only for a number of the tenant's pool, a queue's members of the tenant, a webhook's
# secret shown once, a conversation's owner moved by pickup and transfer), or by a job.


@admin.register(RelayJob)
class RelayJobAdmin(ReadOnlyAdmin):
    """The pointing of numbers' inbound address on Wavix at the channel's intake."""

    list_display = ["created_at", "account", "status", "numbers_done", "numbers_total", "reason"]
    list_filter = ["status", "account"]
    search_fields = ["reason", "error"]
    list_select_related = ["account"]
    date_hierarchy = "created_at"
    fields = field_names(RelayJob)


@admin.register(KeywordReplies)
class KeywordRepliesAdmin(ReadOnlyAdmin):
    list_display = ["tenant", "updated_at"]
    list_filter = ["tenant"]
    search_fields = ["tenant__slug", "tenant__name", "stop_text", "start_text", "help_text"]
    list_select_related = ["tenant"]
    fields = field_names(KeywordReplies)


@admin.register(MessageQueue)
class MessageQueueAdmin(ReadOnlyAdmin):
    list_display = ["name", "tenant", "pickup"]
    list_filter = ["pickup", "tenant"]
    search_fields = ["name", "tenant__slug", "tenant__name"]
    list_select_related = ["tenant"]
    fields = field_names(MessageQueue)


@admin.register(NumberRoute)
class NumberRouteAdmin(ReadOnlyAdmin):
    list_display = ["number", "tenant", "destination", "agent", "queue", "endpoint"]
    list_filter = ["destination", "tenant"]
    search_fields = ["number", "tenant__slug", "emails"]
    list_select_related = ["tenant", "agent", "queue", "endpoint"]
    fields = field_names(NumberRoute)


@admin.register(TenantWebhook)
class TenantWebhookAdmin(ReadOnlyAdmin):
    """The secret is never shown."""

    list_display = ["name", "tenant", "url", "is_active"]
    list_filter = ["is_active", "tenant"]
    search_fields = ["name", "url", "tenant__slug"]
    list_select_related = ["tenant"]
    fields = field_names(TenantWebhook, without=("secret",))


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "tenant", "endpoint", "event", "status", "response_status"]
    list_filter = ["status", "event", "tenant"]
    search_fields = ["event_id", "endpoint__name", "endpoint__url"]
    list_select_related = ["tenant", "endpoint"]
    date_hierarchy = "created_at"
    fields = field_names(WebhookDelivery)
    show_full_result_count = False


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "tenant", "delivery", "status_code", "error", "duration_ms"]
    list_filter = ["status_code", "tenant"]
    search_fields = ["error", "response_body"]
    list_select_related = ["tenant", "delivery"]
    date_hierarchy = "at"
    fields = field_names(WebhookAttempt)
    show_full_result_count = False


@admin.register(MailNotice)
class MailNoticeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "tenant", "conversation", "status", "due_at", "sent_at"]
    list_filter = ["status", "tenant"]
    search_fields = ["recipients"]
    list_select_related = ["tenant", "conversation"]
    date_hierarchy = "created_at"
    fields = field_names(MailNotice)


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ["remote", "our_number", "tenant", "state", "assignee", "queue", "unread"]
    list_filter = ["state", "tenant"]
    search_fields = ["remote", "our_number", "tenant__slug"]
    list_select_related = ["tenant", "assignee", "queue"]
    date_hierarchy = "last_message_at"
    fields = field_names(Conversation)
    show_full_result_count = False


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["name", "number", "company", "tenant"]
    list_filter = ["tenant"]
    search_fields = ["name", "number", "company", "tenant__slug"]
    list_select_related = ["tenant"]
    fields = field_names(Contact)


@admin.register(CannedReply)
class CannedReplyAdmin(ReadOnlyAdmin):
    list_display = ["title", "tenant", "updated_at"]
    list_filter = ["tenant"]
    search_fields = ["title", "text", "tenant__slug"]
    list_select_related = ["tenant"]
    fields = field_names(CannedReply)
