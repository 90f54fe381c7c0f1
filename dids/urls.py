from django.urls import path

from dids.views import buy, documents, e911, inventory, numbers, pools, validator

platform_urlpatterns = [
    path("numbers/", pools.PoolListView.as_view(), name="pool_list"),
    path("numbers/import/", pools.PoolImportView.as_view(), name="pool_import"),
    path(
        "numbers/import/<uuid:key>/",
        pools.PoolImportDetailView.as_view(),
        name="pool_import_detail",
    ),
    path(
        "numbers/import/<uuid:key>/apply/",
        pools.PoolImportApplyView.as_view(),
        name="pool_import_apply",
    ),
    path("numbers/inventory/", inventory.InventoryListView.as_view(), name="inventory_list"),
    path(
        "numbers/inventory/return/", inventory.ReturnNumbersView.as_view(), name="inventory_return"
    ),
    path("numbers/inventory/destination/", inventory.DestinationView.as_view(), name="destination"),
    path("numbers/inventory/sms/", inventory.SmsEnableView.as_view(), name="inventory_sms_enable"),
    path("numbers/sync/", inventory.SyncRunListView.as_view(), name="sync_list"),
    path("numbers/orders/", inventory.OrderListView.as_view(), name="order_list"),
    path("numbers/buy/", buy.BuyView.as_view(), name="buy"),
    path("numbers/buy/countries/", buy.CountriesStep.as_view(), name="buy_countries"),
    path("numbers/buy/areas/", buy.AreasStep.as_view(), name="buy_areas"),
    path("numbers/buy/numbers/", buy.NumbersStep.as_view(), name="buy_numbers"),
    path("numbers/buy/review/", buy.ReviewView.as_view(), name="buy_review"),
    path("numbers/buy/checkout/", buy.CheckoutView.as_view(), name="buy_checkout"),
    path("wavix/<int:pk>/sync/", inventory.SyncStartView.as_view(), name="sync_start"),
    path("numbers/pools.csv", pools.PoolExportView.as_view(), name="pool_export"),
    path("tenants/<slug:slug>/pools/new/", pools.PoolCreateView.as_view(), name="pool_create"),
    path("pools/<int:pk>/edit/", pools.PoolEditView.as_view(), name="pool_edit"),
    path("pools/<int:pk>/delete/", pools.PoolDeleteView.as_view(), name="pool_delete"),
    path("numbers/e911/", e911.E911DriftListView.as_view(), name="e911_drift"),
    path("numbers/e911/reconcile/", e911.E911ReconcileStartView.as_view(), name="e911_reconcile"),
    path("validator/", validator.PlatformValidationJobListView.as_view(), name="validator"),
    path("validator/prices/", validator.ValidationPriceView.as_view(), name="validator_prices"),
    path(
        "validator/jobs/<int:pk>/",
        validator.PlatformValidationJobView.as_view(),
        name="validation_job",
    ),
    path(
        "validator/jobs/<int:pk>/export.csv",
        validator.PlatformValidationExportView.as_view(),
        name="validation_export",
    ),
]

tenant_urlpatterns = [
    path("numbers/", numbers.NumberListView.as_view(), name="number_list"),
    path("numbers/export.csv", numbers.NumberExportView.as_view(), name="number_export"),
    path("numbers/usage/", numbers.PoolUsageView.as_view(), name="pool_usage"),
    path("numbers/<int:number>/", numbers.NoteEditView.as_view(), name="number_edit"),
    path(
        "numbers/<int:number>/documents/",
        documents.NumberDocumentsView.as_view(),
        name="number_documents",
    ),
    path("documents/", documents.DocumentListView.as_view(), name="document_list"),
    path(
        "documents/uploads/<int:pk>/",
        documents.DocumentUploadView.as_view(),
        name="document_upload",
    ),
    path("e911/", e911.E911ListView.as_view(), name="e911_list"),
    path("e911/set/", e911.E911SetView.as_view(), name="e911_set"),
    path("e911/remove/", e911.E911RemoveView.as_view(), name="e911_remove"),
    path("e911/jobs/<int:pk>/", e911.E911JobView.as_view(), name="e911_job"),
    path("validator/", validator.ValidationJobListView.as_view(), name="validator"),
    path("validator/number/", validator.ValidateNumberView.as_view(), name="validate_number"),
    path("validator/list/", validator.ValidateListView.as_view(), name="validate_list"),
    path(
        "validator/settings/", validator.ValidatorSettingsView.as_view(), name="validator_settings"
    ),
    path("validator/jobs/<int:pk>/", validator.ValidationJobView.as_view(), name="validation_job"),
    path(
        "validator/jobs/<int:pk>/export.csv",
        validator.ValidationExportView.as_view(),
        name="validation_export",
    ),
]
