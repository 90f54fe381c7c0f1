"""The messaging app's API routes, included from the project's (portal/api/urls.py): the
platform's under /api/v1/, a tenant's under /api/v1/tenants/<tenant_slug>/."""

from rest_framework.routers import SimpleRouter

from .optouts import OptOutApiViewSet
from .senders import PlatformSenderIdApiViewSet, SenderIdApiViewSet

platform = SimpleRouter()
# --- channels ------------------------------------------------------------------------------
# --- messages (all tenants) ----------------------------------------------------------------
# --- sender IDs (all tenants) --------------------------------------------------------------
platform.register("sender-ids", PlatformSenderIdApiViewSet, basename="platform-sender-id")

tenant = SimpleRouter()
# --- messages (send with Idempotency-Key, list, detail) ------------------------------------
# --- sender IDs ----------------------------------------------------------------------------
tenant.register("sender-ids", SenderIdApiViewSet, basename="sender-id")
# --- opt-outs ------------------------------------------------------------------------------
tenant.register("opt-outs", OptOutApiViewSet, basename="opt-out")
