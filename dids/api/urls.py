"""The numbers app's API routes, included from the project's (portal/api/urls.py): the
platform's under /api/v1/, a tenant's under /api/v1/tenants/<tenant_slug>/."""

from rest_framework.routers import SimpleRouter

from dids.api.views import (
    DocumentUploadApiViewSet,
    E911ApiViewSet,
    E911DriftApiViewSet,
    E911JobApiViewSet,
    E911ReconcileRunApiViewSet,
    InventoryApiViewSet,
    NumberApiViewSet,
    NumberDocumentApiViewSet,
    PlatformE911DriftApiViewSet,
    PoolApiViewSet,
    PoolUsageApiViewSet,
    SyncRunApiViewSet,
    ValidationJobApiViewSet,
)

platform = SimpleRouter()
platform.register("pools", PoolApiViewSet, basename="pool")
platform.register("inventory", InventoryApiViewSet, basename="inventory")
platform.register("sync-runs", SyncRunApiViewSet, basename="sync-run")
platform.register("e911-drift", PlatformE911DriftApiViewSet, basename="platform-e911-drift")
platform.register("e911-reconcile-runs", E911ReconcileRunApiViewSet, basename="e911-reconcile")

tenant = SimpleRouter()
tenant.register("numbers", NumberApiViewSet, basename="number")
tenant.register("pool-usage", PoolUsageApiViewSet, basename="pool-usage")
tenant.register("e911", E911ApiViewSet, basename="e911")
tenant.register("e911-jobs", E911JobApiViewSet, basename="e911-job")
tenant.register("e911-drift", E911DriftApiViewSet, basename="e911-drift")
tenant.register("validation-jobs", ValidationJobApiViewSet, basename="validation-job")
tenant.register("number-documents", NumberDocumentApiViewSet, basename="number-document")
tenant.register("document-uploads", DocumentUploadApiViewSet, basename="document-upload")
