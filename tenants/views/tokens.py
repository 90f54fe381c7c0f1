"""API tokens: the platform's (system administrators' own, platform-wide) and a tenant's (its
admins see every member's)."""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from portal.views.base import (
    FilteredListView,
    ObjectActionView,
    PlatformAdminMixin,
    add_form_errors,
)
from tenants import selectors, services
from tenants.filters import ApiTokenFilter
from tenants.forms import ApiTokenForm
from tenants.models import ApiToken, Tenant
from tenants.views.base import TenantMixin


class TokenViewMixin:
    """Lists and creates the current user's tokens: platform-wide ones on the platform side,
    tenant ones in a tenant."""

    template_name = "tenants/token_list.html"
    table_template_name = "tenants/_token_table.html"
    filterset_class = ApiTokenFilter
    model = ApiToken

    def token_tenant(self) -> Tenant | None:
        return getattr(self, "tenant", None)

    def tokens(self):
        tenant = self.token_tenant()
        return selectors.api_tokens_shown(
            user=self.request.user,
            tenant=tenant,
            every_member=tenant is not None and self.access.is_admin,
        )

    def get_base_queryset(self):
        return self.tokens()

    def token_url(self, name: str, *args) -> str:
        tenant = self.token_tenant()
        if tenant is None:
            return reverse(f"platform:{name}", args=args)
        return reverse(f"tenant:{name}", args=[tenant.slug, *args])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ApiTokenForm()
        context["create_url"] = self.token_url("token_list")
        context["max_days"] = settings.API_TOKEN_MAX_DAYS
        return context

    def post(self, request, *args, **kwargs):
        form = ApiTokenForm(request.POST)
        raw = None
        if form.is_valid():
            expires = form.cleaned_data["expires_at"]
            try:
                token, raw = services.api_token_create(
                    user=request.user,
                    tenant=self.token_tenant(),
                    name=form.cleaned_data["name"],
                    allowed_ips=form.allowed_ip_list(),
                    expires_at=timezone.make_aware(datetime.combine(expires, time.max))
                    if expires
                    else None,
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
        self.object_list = self.get_queryset()
        context = self.get_context_data(form=ApiTokenForm() if raw else form)
        context["new_token"] = raw
        return self.render_to_response(context, status=200 if raw or form.is_valid() else 400)


class PlatformTokenListView(PlatformAdminMixin, TokenViewMixin, FilteredListView):
    pass


class TokenRevokeMixin:
    success_message = "Token “{obj.name}” revoked; it no longer works."

    def act(self, obj):
        return services.api_token_revoke(token=obj)


class PlatformTokenRevokeView(PlatformAdminMixin, TokenRevokeMixin, ObjectActionView):
    def get_object(self):
        return get_object_or_404(
            ApiToken, pk=self.kwargs["pk"], tenant__isnull=True, user=self.request.user
        )

    def get_success_url(self, obj):
        return reverse("platform:token_list")


class TenantTokenListView(TenantMixin, TokenViewMixin, FilteredListView):
    admin_only = True


class TenantTokenRevokeView(TenantMixin, TokenRevokeMixin, ObjectActionView):
    admin_only = True
    model = ApiToken

    def get_object(self):
        return get_object_or_404(ApiToken, pk=self.kwargs["pk"])

    def get_success_url(self, obj):
        return reverse("tenant:token_list", args=[self.tenant.slug])
