"""The tenant side of the base API views: views under /api/v1/tenants/<tenant_slug>/ that run
inside the tenant's scope."""

from __future__ import annotations

from django_scopes import scope
from rest_framework import viewsets

from portal.api.views import ScopedQuerysetMixin, ScopedViewSetMixin
from portal.audit import actor_context
from tenants.access import resolve_tenant


class TenantViewSet(ScopedQuerysetMixin, ScopedViewSetMixin, viewsets.GenericViewSet):
    """Tenant from the URL; a tenant token works in its own tenant only. `admin_actions` need
    the tenant-admin role; everything else is open to every member."""

    admin_actions: set[str] = {"create", "update", "partial_update", "destroy"}
    api_tag = "tenant"  # the schema's tag for its operations
    lookup_value_regex = "[0-9]+"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.access = resolve_tenant(request.user, kwargs["tenant_slug"], token=request.auth)
        self.tenant = self.access.tenant
        if self.action in self.admin_actions and not self.access.is_admin:
            self.permission_denied(request, message="Tenant admins only.")
        actor_context.set_tenant(self.tenant.pk)
        self.enter_scope(scope(tenant=self.tenant))
        if self.lookup_field in kwargs or (self.lookup_url_kwarg or "") in kwargs:
            self.get_object()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["tenant"] = getattr(self, "tenant", None)
        return context
