"""Support staff's view of messaging: search and filters; read-only where a write would
bypass the services (a message's status, the outbox, webhook events)."""

from django.contrib import admin  # noqa: F401

# --- channels and the debug log ------------------------------------------------------------
from portal.admin import ReadOnlyAdmin, field_names  # noqa: E402

from .models import Channel, ChannelLogEntry, WebhookEvent  # noqa: E402


@admin.register(Channel)
class ChannelAdmin(ReadOnlyAdmin):
    """Read-only: a channel is changed in the portal (its bounds, one per Wavix account, the
    outbox woken on resume). The credentials and the webhook tokens are never shown."""

    list_display = ["name", "kind", "wavix_account", "is_active", "rate", "last_error"]
    list_filter = ["kind", "is_active", "debug_log"]
    search_fields = ["name", "wavix_account__name"]
    list_select_related = ["wavix_account"]
    fields = field_names(Channel, without=("credentials", "dlr_token", "inbound_token"))


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

# --- sender IDs ----------------------------------------------------------------------------

# --- opt-outs ------------------------------------------------------------------------------
