from django.apps import apps
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dids.urls import platform_urlpatterns as dids_platform
from dids.urls import tenant_urlpatterns as dids_tenant
from messaging.urls import platform_urlpatterns as messaging_platform
from messaging.urls import tenant_urlpatterns as messaging_tenant
from messaging.urls import webhook_urlpatterns as messaging_webhooks
from messaging.views import metrics
from portal.api.docs import ApiDocsView, ApiSchemaView
from portal.dashboards import home, platform, tenant
from portal.views import audit, pages, wavix
from tenants.auth import AdminLoginForm, LoginForm
from tenants.urls import invitation_urlpatterns as tenants_invitations
from tenants.urls import platform_urlpatterns as tenants_platform
from tenants.urls import tenant_urlpatterns as tenants_tenant
from tenants.views import account
from trunks.urls import platform_urlpatterns as trunks_platform
from trunks.urls import tenant_urlpatterns as trunks_tenant
from trunks.urls import webhook_urlpatterns as trunks_webhooks

platform_urlpatterns = [
    path("", platform.PlatformDashboardView.as_view(), name="dashboard"),
    path("audit/", audit.PlatformAuditListView.as_view(), name="audit_list"),
    path("audit/<int:pk>/", audit.PlatformAuditDetailView.as_view(), name="audit_detail"),
    path("wavix/", wavix.WavixAccountListView.as_view(), name="wavix_account_list"),
    path("wavix/new/", wavix.WavixAccountFormView.as_view(), name="wavix_account_create"),
    path("wavix/<int:pk>/", wavix.WavixAccountFormView.as_view(), name="wavix_account_edit"),
    path("wavix/<int:pk>/test/", wavix.WavixAccountTestView.as_view(), name="wavix_account_test"),
    path(
        "wavix/<int:pk>/delete/",
        wavix.WavixAccountDeleteView.as_view(),
        name="wavix_account_delete",
    ),
    *tenants_platform,
    *dids_platform,
    *trunks_platform,
    *messaging_platform,
]

tenant_urlpatterns = [
    path("", tenant.TenantDashboardView.as_view(), name="dashboard"),
    *tenants_tenant,
    *dids_tenant,
    *trunks_tenant,
    *messaging_tenant,
]

admin.site.site_header = "Portal support"
admin.site.login_form = AdminLoginForm
admin.site.site_title = "Portal support"

urlpatterns = [
    # The providers' webhooks first: the busiest addresses by far (each inbound message and
    # delivery report), matched before the walk through the pages' patterns.
    path("hooks/transcriptions/", include((trunks_webhooks, "trunk_hooks"))),
    path("hooks/", include((messaging_webhooks, "hooks"))),
    path("", home.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", account.account, name="account"),
    path("invitations/", include(tenants_invitations)),
    path("healthz", pages.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("favicon.ico", pages.favicon),
    path("platform/", include((platform_urlpatterns, "platform"))),
    path("t/<slug:tenant_slug>/", include((tenant_urlpatterns, "tenant"))),
    path("api/v1/", include("portal.api.urls")),
    path("api/schema/", ApiSchemaView.as_view(), name="schema"),
    path(
        "api/docs/",
        ApiDocsView.as_view(url_name="schema", template_name="portal/swagger_ui.html"),
        name="api_docs",
    ),
    path("admin/", admin.site.urls),
]
# The Wavix sandbox answers under /wavix-sandbox/ only where it is installed
# (WAVIX_SANDBOX_ENABLED); elsewhere the prefix is a 404 like any unknown address.
if apps.is_installed("sandbox.wavix"):
    urlpatterns.append(path("wavix-sandbox/", include("sandbox.wavix.urls")))
# Every provider's fake is installed with the same flag: DIDWW's under /didww-sandbox/.
if apps.is_installed("sandbox.didww"):
    urlpatterns.append(path("didww-sandbox/", include("sandbox.didww.urls")))
# The flag installs every provider's fake: Apidaze's under /apidaze-sandbox/.
if apps.is_installed("sandbox.apidaze"):
    urlpatterns.append(path("apidaze-sandbox/", include("sandbox.apidaze.urls")))
if apps.is_installed("sandbox.gateways"):
    urlpatterns.append(path("gateway-sandbox/", include("sandbox.gateways.urls")))

# Addresses under /api/ answer errors in JSON, like the API's own errors.
handler400 = "portal.api.errors.handler400"
handler403 = "portal.api.errors.handler403"
handler404 = "portal.api.errors.handler404"
handler500 = "portal.api.errors.handler500"
