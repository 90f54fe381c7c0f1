"""The messaging app's pages: the platform's under /platform/, a tenant's under /t/<slug>/;
the providers' webhooks (no login: the token in the URL) under /hooks/."""

from django.urls import path  # noqa: F401

from messaging.views import (
    canned,
    channels,
    compose,
    contacts,
    conversations,
    inbox,
    keywords,
    media,
    messages,
    optouts,
    queues,
    routing,
    senders,
    stats,
    unrouted,
    webhooks,
)
from messaging.webhooks import dlr, inbound

platform_urlpatterns = [
    # --- channels (list, edit, pause, test send, debug log) ----------------------------------
    path("channels/", channels.ChannelListView.as_view(), name="channel_list"),
    path("channels/new/", channels.ChannelFormView.as_view(), name="channel_create"),
    path("channels/<int:pk>/", channels.ChannelFormView.as_view(), name="channel_edit"),
    path("channels/<int:pk>/pause/", channels.ChannelPauseView.as_view(), name="channel_pause"),
    path("channels/<int:pk>/resume/", channels.ChannelResumeView.as_view(), name="channel_resume"),
    path(
        "channels/<int:pk>/rotate/",
        channels.ChannelRotateTokenView.as_view(),
        name="channel_rotate_token",
    ),
    path("channels/<int:pk>/delete/", channels.ChannelDeleteView.as_view(), name="channel_delete"),
    path("channels/<int:pk>/test/", channels.ChannelTestView.as_view(), name="channel_test"),
    path(
        "channels/<int:pk>/balance/",
        channels.ChannelBalanceCheckView.as_view(),
        name="channel_balance_check",
    ),
    path(
        "channels/<int:pk>/test/<int:message_pk>/",
        channels.ChannelTestMessageView.as_view(),
        name="channel_test_message",
    ),
    path("channels/log/", channels.ChannelLogView.as_view(), name="channel_log"),
    # inbound addresses: a new inbound token, and "point them here" (part A)
    path(
        "channels/<int:pk>/rotate-inbound/",
        channels.ChannelRotateInboundView.as_view(),
        name="channel_rotate_inbound",
    ),
    path(
        "channels/<int:pk>/point-here/",
        channels.ChannelRelayFixView.as_view(),
        name="channel_relay_fix",
    ),
    # --- sender IDs (all tenants) -------------------------------------------------------------
    path("sender-ids/", senders.PlatformSenderListView.as_view(), name="sender_list"),
    # --- message log (all tenants) ------------------------------------------------------------
    path("messages/", messages.PlatformMessageListView.as_view(), name="message_list"),
    path(
        "messages/export.csv", messages.PlatformMessageExportView.as_view(), name="message_export"
    ),
    path("messages/<int:pk>/", messages.PlatformMessageDetailView.as_view(), name="message_detail"),
    # --- opt-outs -----------------------------------------------------------------------------
    # --- unrouted inbound messages (numbers no tenant holds) (part B) --------------------------
    path("unrouted/", unrouted.PlatformUnroutedView.as_view(), name="unrouted_list"),
    path(
        "unrouted/<int:number>/route/",
        unrouted.PlatformRouteItView.as_view(),
        name="unrouted_route",
    ),
    # --- statistics (every channel, one with ?channel=) ---------------------------------------
    path("statistics/", stats.PlatformStatsView.as_view(), name="message_stats"),
]

tenant_urlpatterns = [
    # --- compose and the message log ----------------------------------------------------------
    path("compose/", compose.ComposeView.as_view(), name="compose"),
    path("compose/segments/", compose.SegmentCountView.as_view(), name="message_segments"),
    path("messages/", messages.TenantMessageListView.as_view(), name="message_list"),
    path("messages/export.csv", messages.TenantMessageExportView.as_view(), name="message_export"),
    path("messages/<int:pk>/", messages.TenantMessageDetailView.as_view(), name="message_detail"),
    # --- statistics (tenant admins) -----------------------------------------------------------
    path("statistics/", stats.TenantStatsView.as_view(), name="message_stats"),
    # --- sender IDs ---------------------------------------------------------------------------
    path("sender-ids/", senders.SenderListView.as_view(), name="sender_list"),
    path("sender-ids/new/", senders.SenderCreateView.as_view(), name="sender_add"),
    path("sender-ids/<int:pk>/", senders.SenderDetailView.as_view(), name="sender_detail"),
    path(
        "sender-ids/<int:pk>/countries/",
        senders.SenderCountriesView.as_view(),
        name="sender_countries",
    ),
    path("sender-ids/<int:pk>/delete/", senders.SenderDeleteView.as_view(), name="sender_delete"),
    path("sender-ids/<int:pk>/retry/", senders.SenderRetryView.as_view(), name="sender_retry"),
    # --- opt-outs -----------------------------------------------------------------------------
    path("opt-outs/", optouts.OptOutListView.as_view(), name="optout_list"),
    path("opt-outs/new/", optouts.OptOutAddView.as_view(), name="optout_add"),
    path("opt-outs/import/", optouts.OptOutImportView.as_view(), name="optout_import"),
    path("opt-outs/export/", optouts.OptOutExportView.as_view(), name="optout_export"),
    path("opt-outs/<int:pk>/remove/", optouts.OptOutRemoveView.as_view(), name="optout_remove"),
    # --- keyword replies (STOP, START, HELP wording) (part A) ----------------------------------
    path("keyword-replies/", keywords.KeywordRepliesView.as_view(), name="keyword_replies"),
    # --- number routing, message queues, webhook endpoints, unrouted (part B) -----------------
    path("routing/", routing.NumberRuleListView.as_view(), name="routing_list"),
    path("routing/bulk/", routing.NumberRuleBulkView.as_view(), name="routing_bulk"),
    path("routing/<int:number>/", routing.NumberRuleEditView.as_view(), name="routing_edit"),
    path("queues/", queues.QueueListView.as_view(), name="queue_list"),
    path("queues/new/", queues.QueueFormView.as_view(), name="queue_add"),
    path("queues/<int:pk>/", queues.QueueFormView.as_view(), name="queue_edit"),
    path("queues/<int:pk>/delete/", queues.QueueDeleteView.as_view(), name="queue_delete"),
    path("webhooks/", webhooks.WebhookListView.as_view(), name="webhook_list"),
    path("webhooks/new/", webhooks.WebhookFormView.as_view(), name="webhook_add"),
    path("webhooks/<int:pk>/", webhooks.WebhookDetailView.as_view(), name="webhook_detail"),
    path("webhooks/<int:pk>/edit/", webhooks.WebhookFormView.as_view(), name="webhook_edit"),
    path("webhooks/<int:pk>/rotate/", webhooks.WebhookRotateView.as_view(), name="webhook_rotate"),
    path("webhooks/<int:pk>/test/", webhooks.WebhookTestView.as_view(), name="webhook_test"),
    path("webhooks/<int:pk>/delete/", webhooks.WebhookDeleteView.as_view(), name="webhook_delete"),
    path(
        "webhooks/deliveries/<int:pk>/again/",
        webhooks.DeliveryRedeliverView.as_view(),
        name="webhook_redeliver",
    ),
    path("unrouted/", unrouted.TenantUnroutedView.as_view(), name="unrouted_list"),
    path(
        "unrouted/<int:number>/route/", unrouted.TenantRouteItView.as_view(), name="unrouted_route"
    ),
    # --- inbox and conversations, contacts, canned replies (part C) ---------------------------
    path("inbox/", inbox.InboxView.as_view(), name="inbox"),
    path("inbox/changes/", inbox.InboxChangesView.as_view(), name="inbox_changes"),
    path("inbox/new/", inbox.ConversationStartView.as_view(), name="conversation_start"),
    path("conversations/<int:pk>/", conversations.ConversationView.as_view(), name="conversation"),
    path(
        "conversations/<int:pk>/changes/",
        conversations.ConversationChangesView.as_view(),
        name="conversation_changes",
    ),
    path(
        "conversations/<int:pk>/reply/",
        conversations.ConversationReplyView.as_view(),
        name="conversation_reply",
    ),
    path(
        "conversations/<int:pk>/pickup/",
        conversations.ConversationPickupView.as_view(),
        name="conversation_pickup",
    ),
    path(
        "conversations/<int:pk>/transfer/",
        conversations.ConversationTransferView.as_view(),
        name="conversation_transfer",
    ),
    path(
        "conversations/<int:pk>/close/",
        conversations.ConversationCloseView.as_view(),
        name="conversation_close",
    ),
    path(
        "conversations/<int:pk>/reopen/",
        conversations.ConversationReopenView.as_view(),
        name="conversation_reopen",
    ),
    path("contacts/", contacts.ContactListView.as_view(), name="contact_list"),
    path("contacts/new/", contacts.ContactFormView.as_view(), name="contact_add"),
    path("contacts/import/", contacts.ContactImportView.as_view(), name="contact_import"),
    path("contacts/export/", contacts.ContactExportView.as_view(), name="contact_export"),
    path("contacts/<int:pk>/", contacts.ContactFormView.as_view(), name="contact_edit"),
    path("contacts/<int:pk>/delete/", contacts.ContactDeleteView.as_view(), name="contact_delete"),
    path("canned-replies/", canned.CannedListView.as_view(), name="canned_list"),
    path("canned-replies/new/", canned.CannedFormView.as_view(), name="canned_add"),
    path("canned-replies/<int:pk>/", canned.CannedFormView.as_view(), name="canned_edit"),
    path(
        "canned-replies/<int:pk>/delete/", canned.CannedDeleteView.as_view(), name="canned_delete"
    ),
]

# Tokens are URL-safe base64 (`new_token`, `secrets.token_urlsafe`): slugs, so anything else
# is a 404 before any lookup.
webhook_urlpatterns = [
    # --- inbound messages and delivery reports, the busiest first ----------------------------
    path("inbound/<slug:token>/", inbound.inbound_message, name="inbound"),
    path("dlr/<slug:token>/", dlr.delivery_report, name="dlr"),
    # --- MMS files the provider fetches (sending) ---------------------------------------------
    path("mms/<str:name>", media.mms_file, name="mms_file"),
    # --- demo webhook receiver (part B)
    path("demo-receiver/<slug:token>/", webhooks.demo_receiver, name="demo_receiver"),
]
