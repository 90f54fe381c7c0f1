"""The messaging app's API routes, included from the project's (portal/api/urls.py): the
platform's under /api/v1/, a tenant's under /api/v1/tenants/<tenant_slug>/."""

from rest_framework.routers import SimpleRouter

from .channels import ChannelApiViewSet

platform = SimpleRouter()
# --- channels ------------------------------------------------------------------------------
platform.register("channels", ChannelApiViewSet, basename="channel")
# --- messages (all tenants) ----------------------------------------------------------------

tenant = SimpleRouter()
# --- messages (send with Idempotency-Key, list, detail) ------------------------------------
# --- sender IDs ----------------------------------------------------------------------------
# --- opt-outs ------------------------------------------------------------------------------
