from django.urls import path

from trunks import webhooks
from trunks.views import campaigns, cdrs, reconcile, sharing, speech, trunks

platform_urlpatterns = [
    path("trunks/", trunks.TrunkListView.as_view(), name="trunk_list"),
    path("trunks/new/", trunks.TrunkFormView.as_view(), name="trunk_create"),
    path("trunks/password/", trunks.PasswordGenerateView.as_view(), name="trunk_password"),
    path("trunks/reconcile/", reconcile.ReconcileView.as_view(), name="trunk_reconcile"),
    path("trunks/<int:pk>/", trunks.TrunkDetailView.as_view(), name="trunk_detail"),
    path("trunks/<int:pk>/edit/", trunks.TrunkFormView.as_view(), name="trunk_edit"),
    path("trunks/<int:pk>/delete/", trunks.TrunkDeleteView.as_view(), name="trunk_delete"),
    path("trunks/<int:pk>/retry/", trunks.TrunkRetryView.as_view(), name="trunk_retry"),
    path("trunks/<int:pk>/repush/", reconcile.TrunkRepushView.as_view(), name="trunk_repush"),
    path("trunks/<int:pk>/accept/", reconcile.TrunkAcceptView.as_view(), name="trunk_accept"),
    path("trunks/<int:pk>/share/", sharing.ShareFormView.as_view(), name="trunk_share"),
    path(
        "trunks/foreign/<int:pk>/import/",
        reconcile.ForeignImportView.as_view(),
        name="trunk_import",
    ),
    path(
        "trunk-shares/<int:share>/edit/", sharing.ShareFormView.as_view(), name="trunk_share_edit"
    ),
    path(
        "trunk-shares/<int:share>/delete/",
        sharing.ShareDeleteView.as_view(),
        name="trunk_share_delete",
    ),
    path(
        "trunk-shares/<int:share>/route/",
        sharing.ShareRouteView.as_view(),
        name="trunk_share_route",
    ),
    path("calls/", cdrs.PlatformCdrListView.as_view(), name="cdr_list"),
    path("calls/export.csv", cdrs.PlatformCdrExportView.as_view(), name="cdr_export"),
    path("calls/<int:pk>/", speech.PlatformCallDetailView.as_view(), name="cdr_detail"),
    path("calls/<int:pk>/recording", speech.PlatformRecordingView.as_view(), name="cdr_recording"),
    path(
        "calls/<int:pk>/transcribe/",
        speech.PlatformTranscribeView.as_view(),
        name="cdr_transcribe",
    ),
    path("call-flows/", campaigns.CallFlowListView.as_view(), name="callflow_list"),
    path("call-flows/new/", campaigns.CallFlowFormView.as_view(), name="callflow_create"),
    path("call-flows/<int:pk>/edit/", campaigns.CallFlowFormView.as_view(), name="callflow_edit"),
    path(
        "call-flows/<int:pk>/delete/",
        campaigns.CallFlowDeleteView.as_view(),
        name="callflow_delete",
    ),
]

tenant_urlpatterns = [
    path("trunks/", sharing.TenantTrunkListView.as_view(), name="trunk_list"),
    path("trunks/<int:pk>/", sharing.TenantTrunkDetailView.as_view(), name="trunk_detail"),
    path("calls/", cdrs.TenantCdrListView.as_view(), name="cdr_list"),
    path("calls/export.csv", cdrs.TenantCdrExportView.as_view(), name="cdr_export"),
    path("calls/<int:pk>/", speech.TenantCallDetailView.as_view(), name="cdr_detail"),
    path("calls/<int:pk>/recording", speech.TenantRecordingView.as_view(), name="cdr_recording"),
    path(
        "calls/<int:pk>/transcribe/", speech.TenantTranscribeView.as_view(), name="cdr_transcribe"
    ),
    path("calls/search/", speech.SpeechSearchView.as_view(), name="speech_search"),
    path(
        "calls/search/<int:pk>/",
        speech.SpeechSearchDetailView.as_view(),
        name="speech_search_detail",
    ),
    path("campaigns/", campaigns.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/new/", campaigns.CampaignCreateView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", campaigns.CampaignDetailView.as_view(), name="campaign_detail"),
    path(
        "campaigns/<int:pk>/export.csv",
        campaigns.CampaignExportView.as_view(),
        name="campaign_export",
    ),
    path("campaigns/<int:pk>/pause/", campaigns.CampaignPauseView.as_view(), name="campaign_pause"),
    path(
        "campaigns/<int:pk>/resume/",
        campaigns.CampaignResumeView.as_view(),
        name="campaign_resume",
    ),
    path(
        "campaigns/<int:pk>/cancel/",
        campaigns.CampaignCancelView.as_view(),
        name="campaign_cancel",
    ),
]

# Wavix's transcription webhook (no login: the unguessable token in the address).
webhook_urlpatterns = [
    path("<slug:token>/", webhooks.transcription, name="transcription"),
]
