"""Base API views: platform views for system administrators and tenant views under
/api/v1/tenants/<tenant_slug>/ that run inside the tenant's scope."""

from __future__ import annotations

from contextlib import ExitStack

from django_scopes import scope, scopes_disabled
from rest_framework import permissions, viewsets

from portal.audit import actor_context
from tenants.access import resolve_tenant


class IsSystemAdmin(permissions.BasePermission):
    message = "System administrators only."

    def has_permission(self, request, view):
        token = request.auth
        platform_token = token is None or getattr(token, "tenant_id", None) is None
        return bool(request.user and request.user.is_system_admin and platform_token)


class ScopedViewSetMixin:
    """Enters a scope in initial() (after authentication) and leaves it after rendering."""

    def dispatch(self, request, *args, **kwargs):
        self._scope_stack = ExitStack()
        with self._scope_stack:
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def enter_scope(self, context_manager) -> None:
        self._scope_stack.enter_context(context_manager)


class ScopedQuerysetMixin:
    """Views declare `model` and `scoped_queryset()`; schema generation, which has no tenant,
    gets an empty queryset of the model."""

    model = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.scoped_queryset()

    def scoped_queryset(self):
        return self.model.objects.all()


class PlatformViewSet(ScopedQuerysetMixin, ScopedViewSetMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, IsSystemAdmin]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.enter_scope(scopes_disabled())


class TenantViewSet(ScopedQuerysetMixin, ScopedViewSetMixin, viewsets.GenericViewSet):
    """Tenant from the URL; a tenant token works in its own tenant only. `admin_actions` need
    the tenant-admin role; everything else is open to every member."""

    admin_actions: set[str] = {"create", "update", "partial_update", "destroy"}
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
