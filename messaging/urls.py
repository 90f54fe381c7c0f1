"""The messaging app's pages: the platform's under /platform/, a tenant's under /t/<slug>/;
the providers' webhooks (no login: the token in the URL) under /hooks/."""

from django.urls import path  # noqa: F401

from messaging.views import compose, media, messages

platform_urlpatterns = [
    # --- channels (list, edit, pause, test send, debug log) ----------------------------------
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
]
