"""The messaging app's API routes, included from the project's (portal/api/urls.py): the
platform's under /api/v1/, a tenant's under /api/v1/tenants/<tenant_slug>/."""

from rest_framework.routers import SimpleRouter

from messaging.api.channels import ChannelApiViewSet
from messaging.api.conversations import ConversationApiViewSet
from messaging.api.messages import PlatformMessageApiViewSet, TenantMessageApiViewSet
from messaging.api.optouts import OptOutApiViewSet
from messaging.api.queues import QueueApiViewSet
from messaging.api.routing import NumberRuleApiViewSet
from messaging.api.senders import PlatformSenderIdApiViewSet, SenderIdApiViewSet

platform = SimpleRouter()
# --- channels ------------------------------------------------------------------------------
platform.register("channels", ChannelApiViewSet, basename="channel")
# --- messages (all tenants) ----------------------------------------------------------------
platform.register("messages", PlatformMessageApiViewSet, basename="message")
# --- sender IDs (all tenants) --------------------------------------------------------------
platform.register("sender-ids", PlatformSenderIdApiViewSet, basename="platform-sender-id")

tenant = SimpleRouter()
# --- messages (send with Idempotency-Key, list, detail) ------------------------------------
tenant.register("messages", TenantMessageApiViewSet, basename="tenant-message")
# --- sender IDs ----------------------------------------------------------------------------
tenant.register("sender-ids", SenderIdApiViewSet, basename="sender-id")
# --- opt-outs ------------------------------------------------------------------------------
tenant.register("opt-outs", OptOutApiViewSet, basename="opt-out")
# --- conversations (list, detail with messages, reply, assign, close) (part C) -------------
tenant.register("conversations", ConversationApiViewSet, basename="conversation")
# --- message queues and number routing rules (part B) --------------------------------------
tenant.register("queues", QueueApiViewSet, basename="queue")
tenant.register("routing-rules", NumberRuleApiViewSet, basename="routing-rule")
