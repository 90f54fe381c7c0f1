"""The messaging app's API routes, included from the project's (portal/api/urls.py): the
platform's under /api/v1/, a tenant's under /api/v1/tenants/<tenant_slug>/."""

from rest_framework.routers import SimpleRouter

from messaging.api.channels import ChannelApiViewSet
from messaging.api.messages import PlatformMessageApiViewSet, TenantMessageApiViewSet

platform = SimpleRouter()
# --- channels ------------------------------------------------------------------------------
platform.register("channels", ChannelApiViewSet, basename="channel")
# --- messages (all tenants) ----------------------------------------------------------------
platform.register("messages", PlatformMessageApiViewSet, basename="message")

tenant = SimpleRouter()
# --- messages (send with Idempotency-Key, list, detail) ------------------------------------
tenant.register("messages", TenantMessageApiViewSet, basename="tenant-message")
# --- sender IDs ----------------------------------------------------------------------------
# --- opt-outs ------------------------------------------------------------------------------
