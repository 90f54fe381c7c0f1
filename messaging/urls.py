"""The messaging app's pages: the platform's under /platform/, a tenant's under /t/<slug>/;
the providers' webhooks (no login: the token in the URL) under /hooks/."""

from django.urls import path  # noqa: F401

from .views import optouts, senders

platform_urlpatterns = [
    # --- channels (list, edit, pause, test send, debug log) ----------------------------------
    # --- sender IDs (all tenants) -------------------------------------------------------------
    path("sender-ids/", senders.PlatformSenderListView.as_view(), name="sender_list"),
    # --- message log (all tenants) ------------------------------------------------------------
    # --- opt-outs -----------------------------------------------------------------------------
]

tenant_urlpatterns = [
    # --- compose and the message log ----------------------------------------------------------
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
]

webhook_urlpatterns = [
    # --- delivery reports ---------------------------------------------------------------------
]
