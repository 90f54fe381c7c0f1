"""The messaging app's pages: the platform's under /platform/, a tenant's under /t/<slug>/;
the providers' webhooks (no login: the token in the URL) under /hooks/."""

from django.urls import path  # noqa: F401

from .views import channels
from .webhooks import dlr

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
    # --- opt-outs -----------------------------------------------------------------------------
]

tenant_urlpatterns = [
    # --- compose and the message log ----------------------------------------------------------
    # --- sender IDs ---------------------------------------------------------------------------
    # --- opt-outs -----------------------------------------------------------------------------
]

webhook_urlpatterns = [
    # --- delivery reports ---------------------------------------------------------------------
    path("dlr/<str:token>/", dlr.delivery_report, name="dlr"),
]
