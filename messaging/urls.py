"""The messaging app's pages: the platform's under /platform/, a tenant's under /t/<slug>/;
the providers' webhooks (no login: the token in the URL) under /hooks/."""

from django.urls import path  # noqa: F401

platform_urlpatterns = [
    # --- channels (list, edit, pause, test send, debug log) ----------------------------------
    # --- sender IDs (all tenants) -------------------------------------------------------------
    # --- message log (all tenants) ------------------------------------------------------------
    # --- opt-outs -----------------------------------------------------------------------------
]

tenant_urlpatterns = [
    # --- compose and the message log ----------------------------------------------------------
    # --- sender IDs ---------------------------------------------------------------------------
    # --- opt-outs -----------------------------------------------------------------------------
]

webhook_urlpatterns = [
    # --- delivery reports ---------------------------------------------------------------------
]
