"""The messaging app's pages: the platform's under /platform/, a tenant's under /t/<slug>/;
the providers' webhooks (no login: the token in the URL) under /hooks/."""

from django.urls import path  # noqa: F401

from messaging.views import channels, compose, media, messages
from messaging.webhooks import dlr

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
        "channels/<int:pk>/test/<int:message_pk>/",
        channels.ChannelTestMessageView.as_view(),
        name="channel_test_message",
    ),
    path("channels/log/", channels.ChannelLogView.as_view(), name="channel_log"),
    # --- sender IDs (all tenants) -------------------------------------------------------------
    # --- message log (all tenants) ------------------------------------------------------------
    path("messages/", messages.PlatformMessageListView.as_view(), name="message_list"),
    path(
        "messages/export.csv", messages.PlatformMessageExportView.as_view(), name="message_export"
    ),
    path("messages/<int:pk>/", messages.PlatformMessageDetailView.as_view(), name="message_detail"),
    # --- opt-outs -----------------------------------------------------------------------------
]

tenant_urlpatterns = [
    # --- compose and the message log ----------------------------------------------------------
    path("compose/", compose.ComposeView.as_view(), name="compose"),
    path("compose/segments/", compose.SegmentCountView.as_view(), name="message_segments"),
    path("messages/", messages.TenantMessageListView.as_view(), name="message_list"),
    path("messages/export.csv", messages.TenantMessageExportView.as_view(), name="message_export"),
    path("messages/<int:pk>/", messages.TenantMessageDetailView.as_view(), name="message_detail"),
    # --- sender IDs ---------------------------------------------------------------------------
    # --- opt-outs -----------------------------------------------------------------------------
]

webhook_urlpatterns = [
    # --- MMS files the provider fetches (sending) ---------------------------------------------
    path("mms/<str:name>", media.mms_file, name="mms_file"),
    # --- delivery reports ---------------------------------------------------------------------
    path("dlr/<str:token>/", dlr.delivery_report, name="dlr"),
]
