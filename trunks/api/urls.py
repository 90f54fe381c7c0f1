"""The trunks app's API routes, included from the project's (portal/api/urls.py): the
platform's under /api/v1/, a tenant's under /api/v1/tenants/<tenant_slug>/."""

from rest_framework.routers import SimpleRouter

from trunks.api.views import (
    CdrApiViewSet,
    ShareApiViewSet,
    SpeechSearchApiViewSet,
    TenantCallFlowApiViewSet,
    TenantCampaignApiViewSet,
    TenantCdrApiViewSet,
    TenantTrunkApiViewSet,
    TrunkApiViewSet,
)

platform = SimpleRouter()
platform.register("trunks", TrunkApiViewSet, basename="trunk")
platform.register("trunk-shares", ShareApiViewSet, basename="trunk-share")
platform.register("cdrs", CdrApiViewSet, basename="cdr")

tenant = SimpleRouter()
tenant.register("trunks", TenantTrunkApiViewSet, basename="tenant-trunk")
tenant.register("cdrs", TenantCdrApiViewSet, basename="tenant-cdr")
tenant.register("speech-searches", SpeechSearchApiViewSet, basename="speech-search")
tenant.register("call-flows", TenantCallFlowApiViewSet, basename="tenant-call-flow")
tenant.register("voice-campaigns", TenantCampaignApiViewSet, basename="tenant-voice-campaign")
