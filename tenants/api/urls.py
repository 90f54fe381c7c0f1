"""The tenants app's API routes, included from the project's (portal/api/urls.py): the
platform's under /api/v1/, a tenant's under /api/v1/tenants/<tenant_slug>/."""

from rest_framework.routers import SimpleRouter

from tenants.api.views import (
    InvitationApiViewSet,
    MembershipApiViewSet,
    TenantApiViewSet,
    TenantAuditViewSet,
    UserApiViewSet,
)

platform = SimpleRouter()
platform.register("tenants", TenantApiViewSet, basename="tenant")
platform.register("users", UserApiViewSet, basename="user")

tenant = SimpleRouter()
tenant.register("members", MembershipApiViewSet, basename="member")
tenant.register("invitations", InvitationApiViewSet, basename="invitation")
tenant.register("audit-log", TenantAuditViewSet, basename="tenant-audit")
