from django.urls import include, path
from rest_framework.routers import SimpleRouter

from dids.api.views import (
    E911ApiViewSet,
    E911DriftApiViewSet,
    E911JobApiViewSet,
    E911ReconcileRunApiViewSet,
    InventoryApiViewSet,
    NumberApiViewSet,
    PlatformE911DriftApiViewSet,
    PoolApiViewSet,
    PoolUsageApiViewSet,
    SyncRunApiViewSet,
)
from portal.api.audit import PlatformAuditViewSet, TenantAuditViewSet
from portal.api.index import ApiIndexView
from tenants.api.views import (
    InvitationApiViewSet,
    MembershipApiViewSet,
    MeView,
    TenantApiViewSet,
    UserApiViewSet,
)
from trunks.api.views import (
    CdrApiViewSet,
    ShareApiViewSet,
    TenantCdrApiViewSet,
    TenantTrunkApiViewSet,
    TrunkApiViewSet,
)

platform = SimpleRouter()
platform.register("tenants", TenantApiViewSet, basename="tenant")
platform.register("users", UserApiViewSet, basename="user")
platform.register("audit-log", PlatformAuditViewSet, basename="audit")
platform.register("pools", PoolApiViewSet, basename="pool")
platform.register("inventory", InventoryApiViewSet, basename="inventory")
platform.register("sync-runs", SyncRunApiViewSet, basename="sync-run")
platform.register("trunks", TrunkApiViewSet, basename="trunk")
platform.register("trunk-shares", ShareApiViewSet, basename="trunk-share")
platform.register("cdrs", CdrApiViewSet, basename="cdr")
platform.register("e911-drift", PlatformE911DriftApiViewSet, basename="platform-e911-drift")
platform.register("e911-reconcile-runs", E911ReconcileRunApiViewSet, basename="e911-reconcile")

tenant = SimpleRouter()
tenant.register("members", MembershipApiViewSet, basename="member")
tenant.register("invitations", InvitationApiViewSet, basename="invitation")
tenant.register("audit-log", TenantAuditViewSet, basename="tenant-audit")
tenant.register("numbers", NumberApiViewSet, basename="number")
tenant.register("pool-usage", PoolUsageApiViewSet, basename="pool-usage")
tenant.register("trunks", TenantTrunkApiViewSet, basename="tenant-trunk")
tenant.register("cdrs", TenantCdrApiViewSet, basename="tenant-cdr")
tenant.register("e911", E911ApiViewSet, basename="e911")
tenant.register("e911-jobs", E911JobApiViewSet, basename="e911-job")
tenant.register("e911-drift", E911DriftApiViewSet, basename="e911-drift")

app_name = "api"
urlpatterns = [
    path("", ApiIndexView.as_view(platform_router=platform, tenant_router=tenant), name="index"),
    path("me/", MeView.as_view(), name="me"),
    path("tenants/<slug:tenant_slug>/", include(tenant.urls)),
    path("", include(platform.urls)),
]
