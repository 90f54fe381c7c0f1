"""Base API views: the scope every API view enters, and platform views for system
administrators. The tenant views under /api/v1/tenants/<tenant_slug>/ are the tenants app's
(tenants/api/base.py)."""

from __future__ import annotations

from contextlib import ExitStack

from django_scopes import scopes_disabled
from rest_framework import permissions, viewsets


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
    api_tag = "platform"  # the schema's tag for its operations

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.enter_scope(scopes_disabled())
