from django.urls import include, path
from rest_framework.routers import SimpleRouter

from dids.api.views import (
    InventoryApiViewSet,
    NumberApiViewSet,
    PoolApiViewSet,
    PoolUsageApiViewSet,
    SyncRunApiViewSet,
)
from portal.api.audit import PlatformAuditViewSet, TenantAuditViewSet
from tenants.api.views import MembershipApiViewSet, MeView, TenantApiViewSet, UserApiViewSet

platform = SimpleRouter()
platform.register("tenants", TenantApiViewSet, basename="tenant")
platform.register("users", UserApiViewSet, basename="user")
platform.register("audit-log", PlatformAuditViewSet, basename="audit")
platform.register("pools", PoolApiViewSet, basename="pool")
platform.register("inventory", InventoryApiViewSet, basename="inventory")
platform.register("sync-runs", SyncRunApiViewSet, basename="sync-run")

tenant = SimpleRouter()
tenant.register("members", MembershipApiViewSet, basename="member")
tenant.register("audit-log", TenantAuditViewSet, basename="tenant-audit")
tenant.register("numbers", NumberApiViewSet, basename="number")
tenant.register("pool-usage", PoolUsageApiViewSet, basename="pool-usage")

app_name = "api"
urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("tenants/<slug:tenant_slug>/", include(tenant.urls)),
    path("", include(platform.urls)),
]
