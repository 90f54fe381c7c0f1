"""The project's API routes (`/api/v1/`): each app's, from its own `api/urls.py`, and the
platform's audit log. The index lists every router's, so a new route is listed the day it is
registered."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from dids.api import urls as dids_api
from messaging.api import urls as messaging_api
from portal.api.audit import PlatformAuditViewSet
from tenants.api import urls as tenants_api
from tenants.api.views import ApiIndexView, MeView
from trunks.api import urls as trunks_api

audit = SimpleRouter()
audit.register("audit-log", PlatformAuditViewSet, basename="audit")

platform_routers = [
    tenants_api.platform,
    audit,
    dids_api.platform,
    trunks_api.platform,
    messaging_api.platform,
]
tenant_routers = [
    tenants_api.tenant,
    dids_api.tenant,
    trunks_api.tenant,
    messaging_api.tenant,
]

app_name = "api"
urlpatterns = [
    path(
        "",
        ApiIndexView.as_view(platform_routers=platform_routers, tenant_routers=tenant_routers),
        name="index",
    ),
    path("me/", MeView.as_view(), name="me"),
    path(
        "tenants/<slug:tenant_slug>/",
        include([url for router in tenant_routers for url in router.urls]),
    ),
    path("", include([url for router in platform_routers for url in router.urls])),
]
