"""The tenant side of the base views: a view under /t/<tenant_slug>/.

A tenant view resolves the tenant from the URL, checks the role, and then runs the whole
request, template rendering included, inside that tenant's scope. An object named in the URL
is looked up before the method is dispatched, so another tenant's object is a 404 whatever
the method.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django_scopes import scope

from portal.audit import actor_context
from portal.views.base import load_object
from tenants.access import TenantAccess, remember_tenant, resolve_tenant


class TenantMixin(LoginRequiredMixin):
    """A view under /t/<tenant_slug>/. `admin_only` views need the tenant-admin role."""

    admin_only = False
    access: TenantAccess

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.access = resolve_tenant(request.user, kwargs["tenant_slug"])
        self.tenant = self.access.tenant
        if self.admin_only and not self.access.is_admin:
            raise PermissionDenied("Tenant admins only.")
        if not self.access.via_platform:
            remember_tenant(request.user, self.tenant)
        actor_context.set_tenant(self.tenant.pk)
        with scope(tenant=self.tenant):
            load_object(self, kwargs)
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tenant"] = self.tenant
        context["access"] = self.access
        return context
