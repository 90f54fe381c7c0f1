"""The landing page: system administrators go to the platform's dashboard, everyone else to
their tenant's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from tenants.access import home_tenant, suspended_memberships, suspension_notice
from tenants.services.invitations import pending_invitations_for


@login_required
def home(request):
    """System administrators land on the platform; everyone else in their (last) tenant."""
    pending = pending_invitations_for(request.user)
    if pending and request.session.pop("review_invitations", False):
        return redirect("my_invitations")
    if request.user.is_system_admin:
        return redirect("platform:dashboard")
    tenant = home_tenant(request.user)
    if tenant is not None:
        return redirect("tenant:dashboard", tenant_slug=tenant.slug)
    if request.user.is_staff:
        return redirect("admin:index")
    suspended = [suspension_notice(m.tenant) for m in suspended_memberships(request.user)]
    return render(
        request,
        "portal/no_tenant.html",
        {"suspended": suspended, "invitations": pending},
        status=403,
    )
