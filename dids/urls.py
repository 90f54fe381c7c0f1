from django.urls import path

from dids import views

platform_urlpatterns = [
    path("numbers/", views.PoolListView.as_view(), name="pool_list"),
    path("numbers/import/", views.PoolImportView.as_view(), name="pool_import"),
    path("numbers/pools.csv", views.PoolExportView.as_view(), name="pool_export"),
    path("tenants/<slug:slug>/pools/new/", views.PoolCreateView.as_view(), name="pool_create"),
    path("pools/<int:pk>/edit/", views.PoolEditView.as_view(), name="pool_edit"),
    path("pools/<int:pk>/delete/", views.PoolDeleteView.as_view(), name="pool_delete"),
]

tenant_urlpatterns = [
    path("numbers/", views.NumberListView.as_view(), name="number_list"),
    path("numbers/export.csv", views.NumberExportView.as_view(), name="number_export"),
    path("numbers/usage/", views.PoolUsageView.as_view(), name="pool_usage"),
    path("numbers/<int:number>/", views.NoteEditView.as_view(), name="number_edit"),
]
