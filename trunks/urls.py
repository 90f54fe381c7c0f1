from django.urls import path

from trunks.views import cdrs, platform, tenant

platform_urlpatterns = [
    path("trunks/", platform.TrunkListView.as_view(), name="trunk_list"),
    path("trunks/new/", platform.TrunkFormView.as_view(), name="trunk_create"),
    path("trunks/password/", platform.PasswordGenerateView.as_view(), name="trunk_password"),
    path("trunks/reconcile/", platform.ReconcileView.as_view(), name="trunk_reconcile"),
    path("trunks/<int:pk>/", platform.TrunkDetailView.as_view(), name="trunk_detail"),
    path("trunks/<int:pk>/edit/", platform.TrunkFormView.as_view(), name="trunk_edit"),
    path("trunks/<int:pk>/delete/", platform.TrunkDeleteView.as_view(), name="trunk_delete"),
    path("trunks/<int:pk>/retry/", platform.TrunkRetryView.as_view(), name="trunk_retry"),
    path("trunks/<int:pk>/repush/", platform.TrunkRepushView.as_view(), name="trunk_repush"),
    path("trunks/<int:pk>/accept/", platform.TrunkAcceptView.as_view(), name="trunk_accept"),
    path("trunks/<int:pk>/share/", platform.ShareFormView.as_view(), name="trunk_share"),
    path(
        "trunks/foreign/<int:pk>/import/",
        platform.ForeignImportView.as_view(),
        name="trunk_import",
    ),
    path(
        "trunk-shares/<int:share>/edit/", platform.ShareFormView.as_view(), name="trunk_share_edit"
    ),
    path(
        "trunk-shares/<int:share>/delete/",
        platform.ShareDeleteView.as_view(),
        name="trunk_share_delete",
    ),
    path(
        "trunk-shares/<int:share>/route/",
        platform.ShareRouteView.as_view(),
        name="trunk_share_route",
    ),
    path("calls/", cdrs.PlatformCdrListView.as_view(), name="cdr_list"),
    path("calls/export.csv", cdrs.PlatformCdrExportView.as_view(), name="cdr_export"),
]

tenant_urlpatterns = [
    path("trunks/", tenant.TenantTrunkListView.as_view(), name="trunk_list"),
    path("trunks/<int:pk>/", tenant.TenantTrunkDetailView.as_view(), name="trunk_detail"),
    path("calls/", cdrs.TenantCdrListView.as_view(), name="cdr_list"),
    path("calls/export.csv", cdrs.TenantCdrExportView.as_view(), name="cdr_export"),
]
