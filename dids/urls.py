from django.urls import path

from dids.views import numbers, pools

platform_urlpatterns = [
    path("numbers/", pools.PoolListView.as_view(), name="pool_list"),
    path("numbers/import/", pools.PoolImportView.as_view(), name="pool_import"),
    path("numbers/pools.csv", pools.PoolExportView.as_view(), name="pool_export"),
    path("tenants/<slug:slug>/pools/new/", pools.PoolCreateView.as_view(), name="pool_create"),
    path("pools/<int:pk>/edit/", pools.PoolEditView.as_view(), name="pool_edit"),
    path("pools/<int:pk>/delete/", pools.PoolDeleteView.as_view(), name="pool_delete"),
]

tenant_urlpatterns = [
    path("numbers/", numbers.NumberListView.as_view(), name="number_list"),
    path("numbers/export.csv", numbers.NumberExportView.as_view(), name="number_export"),
    path("numbers/usage/", numbers.PoolUsageView.as_view(), name="pool_usage"),
    path("numbers/<int:number>/", numbers.NoteEditView.as_view(), name="number_edit"),
]
