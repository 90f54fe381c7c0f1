"""Tenants, users and API tokens in the browser: the platform side (system administrators)
and the tenant side (tenant admins and agents)."""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from dids.models import DidPool
from dids.selectors import e911_missing, e911_missing_count
from portal.models import AuditEntry
from portal.views.base import (
    FilteredListView,
    ObjectActionView,
    PlatformAdminMixin,
    ServiceFormMixin,
    TenantMixin,
    add_form_errors,
)
from tenants import services
from tenants.filters import ApiTokenFilter, MembershipFilter, TenantFilter, UserFilter
from tenants.forms import (
    ApiTokenForm,
    MemberAddForm,
    MemberEditForm,
    MembershipAddForm,
    TenantForm,
    UserCreateForm,
    UserEditForm,
)
from tenants.models import ApiToken, Membership, Role, Tenant, User
from trunks import selectors as trunk_selectors

# Platform: tenants ---------------------------------------------------------------------------


class TenantListView(PlatformAdminMixin, FilteredListView):
    model = Tenant
    filterset_class = TenantFilter
    template_name = "tenants/platform/tenant_list.html"
    table_template_name = "tenants/platform/_tenant_table.html"

    def get_base_queryset(self):
        return (
            Tenant.objects.with_counts()
            .annotate(e911_missing=e911_missing_count())
            .order_by("name")
        )


class TenantCreateView(PlatformAdminMixin, ServiceFormMixin, FormView):
    form_class = TenantForm
    template_name = "tenants/platform/tenant_form.html"
    success_message = "Tenant “{obj}” created."

    def perform(self, form):
        return services.tenant_create(**form.cleaned_data)

    def get_success_url(self):
        return reverse("platform:tenant_detail", args=[self.result.slug])


class TenantObjectMixin:
    def get_object(self):
        return get_object_or_404(Tenant, slug=self.kwargs["slug"])


class TenantEditView(PlatformAdminMixin, TenantObjectMixin, ServiceFormMixin, FormView):
    form_class = TenantForm
    template_name = "tenants/platform/tenant_form.html"
    success_message = "Tenant “{obj}” saved."

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # An unsaved copy, so a failed validation does not alter the object shown in the page.
        kwargs["instance"] = Tenant.objects.get(pk=self.object.pk)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{"object": self.object, **kwargs})

    def perform(self, form):
        return services.tenant_update(tenant=self.object, **form.cleaned_data)

    def get_success_url(self):
        return reverse("platform:tenant_detail", args=[self.result.slug])


class TenantDetailView(PlatformAdminMixin, TenantObjectMixin, TemplateView):
    template_name = "tenants/platform/tenant_detail.html"

    def get_context_data(self, **kwargs):
        tenant = self.get_object()
        return super().get_context_data(
            **{
                "object": tenant,
                "memberships": Membership.objects.filter(tenant=tenant).select_related("user")[
                    :200
                ],
                "pools": DidPool.objects.filter(tenant=tenant).order_by("name"),
                "recent_changes": AuditEntry.objects.filter(tenant=tenant).for_list()[:10],
                **kwargs,
            }
        )


class TenantSuspendView(PlatformAdminMixin, TenantObjectMixin, ObjectActionView):
    success_message = "Tenant “{obj}” suspended: its users and API tokens are refused."

    def act(self, obj):
        return services.tenant_suspend(tenant=obj, reason=self.request.POST.get("reason", ""))

    def get_success_url(self, obj):
        return reverse("platform:tenant_detail", args=[obj.slug])


class TenantReactivateView(TenantSuspendView):
    success_message = "Tenant “{obj}” is active again."

    def act(self, obj):
        return services.tenant_reactivate(tenant=obj)


class TenantMemberAddView(PlatformAdminMixin, TenantObjectMixin, ServiceFormMixin, FormView):
    form_class = MemberAddForm
    template_name = "tenants/platform/member_add.html"
    success_message = "{obj.user} added as {obj.role_label}."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "can_choose_role": True}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{"object": self.object, **kwargs})

    def perform(self, form):
        return services.member_add(
            acting_user=self.request.user, tenant=self.object, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("platform:tenant_detail", args=[self.object.slug])


# Platform: users -----------------------------------------------------------------------------


def _users_with_groups():
    return User.objects.prefetch_related(Prefetch("groups", queryset=Group.objects.only("name")))


class UserListView(PlatformAdminMixin, FilteredListView):
    model = User
    filterset_class = UserFilter
    template_name = "tenants/platform/user_list.html"
    table_template_name = "tenants/platform/_user_table.html"

    def get_base_queryset(self):
        return _users_with_groups().annotate(tenant_count=Count("memberships")).order_by("email")


class UserCreateView(PlatformAdminMixin, ServiceFormMixin, FormView):
    form_class = UserCreateForm
    template_name = "tenants/platform/user_form.html"
    success_message = "User {obj} created."

    def perform(self, form):
        return services.user_create(**form.cleaned_data)

    def get_success_url(self):
        return reverse("platform:user_detail", args=[self.result.pk])


class UserDetailView(PlatformAdminMixin, ServiceFormMixin, FormView):
    """A user's details and platform roles, with their tenants and roles there."""

    form_class = UserEditForm
    template_name = "tenants/platform/user_detail.html"
    success_message = "User {obj} saved."

    def get_object(self):
        return get_object_or_404(_users_with_groups(), pk=self.kwargs["pk"])

    def get_initial(self):
        user = self.object
        return {
            "email": user.email,
            "full_name": user.full_name,
            "is_active": user.is_active,
            "is_system_admin": user.is_superuser,
            "is_support": any(g.name == services.SUPPORT_GROUP for g in user.groups.all()),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **{
                "object": self.object,
                "memberships": Membership.objects.filter(user=self.object).select_related("tenant"),
                "membership_form": MembershipAddForm(),
                **kwargs,
            }
        )

    def perform(self, form):
        return services.user_update(
            user=self.object, acting_user=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("platform:user_detail", args=[self.object.pk])


class UserMembershipAddView(PlatformAdminMixin, ServiceFormMixin, FormView):
    # The form is on the user's page; this address only takes it.
    http_method_names = ["post"]
    form_class = MembershipAddForm
    template_name = "tenants/platform/user_detail.html"
    success_message = "Role saved: {obj}."

    def get_object(self):
        return get_object_or_404(User, pk=self.kwargs["pk"])

    def form_invalid(self, form):
        view = UserDetailView(request=self.request, kwargs=self.kwargs, object=self.object)
        context = view.get_context_data(membership_form=form)
        return render(self.request, self.template_name, context, status=400)

    def perform(self, form):
        return services.membership_set(
            tenant=form.cleaned_data["tenant"], user=self.object, role=form.cleaned_data["role"]
        )

    def get_success_url(self):
        return reverse("platform:user_detail", args=[self.object.pk])


class PlatformMembershipRemoveView(PlatformAdminMixin, ObjectActionView):
    success_message = "Removed: {obj}."

    def get_object(self):
        return get_object_or_404(
            Membership.objects.select_related("user", "tenant"), pk=self.kwargs["pk"]
        )

    def act(self, obj):
        services.membership_remove(membership=obj, acting_user=self.request.user)
        return obj

    def get_success_url(self, obj):
        return (
            self.request.POST.get("next")
            if _safe_next(self.request)
            else reverse("platform:user_detail", args=[obj.user_id])
        )


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


# API tokens (both sides share these) ---------------------------------------------------------


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
        queryset = ApiToken.objects.select_related("user", "tenant")
        if tenant is None:
            return queryset.filter(tenant__isnull=True, user=self.request.user)
        if self.access.is_admin:
            return queryset
        return queryset.filter(user=self.request.user)

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


# Tenant side ---------------------------------------------------------------------------------


class DashboardView(TenantMixin, TemplateView):
    template_name = "tenants/dashboard.html"
    shares_shown = 5

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = Membership.objects.aggregate(
            members=Count("id"),
            admins=Count("id", filter=Q(role=Role.ADMIN)),
            agents=Count("id", filter=Q(role=Role.AGENT)),
        )
        context["counts"] = counts
        context["e911_missing"] = e911_missing(self.tenant).count()
        if self.access.is_admin:
            context["recent_changes"] = AuditEntry.objects.for_list()[:8]
            # Trunks and call records are tenant-admin pages (as in the sidebar).
            context["shares"] = trunk_selectors.tenant_share_totals()
            context["share_list"] = trunk_selectors.tenant_shares()[: self.shares_shown]
            context["calls"] = trunk_selectors.recent_calls()
        return context


class TenantMembershipMixin(TenantMixin):
    model = Membership

    def get_object(self):
        return get_object_or_404(Membership.objects.select_related("user"), pk=self.kwargs["pk"])


class MemberListView(TenantMixin, FilteredListView):
    model = Membership
    filterset_class = MembershipFilter
    template_name = "tenants/member_list.html"
    table_template_name = "tenants/_member_table.html"

    def get_base_queryset(self):
        return Membership.objects.select_related("user").order_by("user__email")


class MemberEditView(TenantMembershipMixin, ServiceFormMixin, FormView):
    admin_only = True
    form_class = MemberEditForm
    template_name = "tenants/member_form.html"
    success_message = "{obj.user} saved."

    def get_initial(self):
        return {"role": self.object.role}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not self.request.user.is_system_admin:
            form.fields["role"].choices = [(Role.AGENT, Role.AGENT.label)]
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{"membership": self.object, **kwargs})

    def perform(self, form):
        services.check_can_manage(
            self.request.user, self.object, new_role=form.cleaned_data["role"]
        )
        return services.membership_set(
            tenant=self.tenant, user=self.object.user, role=form.cleaned_data["role"]
        )

    def get_success_url(self):
        return reverse("tenant:member_list", args=[self.tenant.slug])


class MemberRemoveView(TenantMembershipMixin, ObjectActionView):
    admin_only = True
    success_message = "{obj.user} removed from the tenant."

    def act(self, obj):
        services.check_can_manage(self.request.user, obj)
        services.membership_remove(membership=obj, acting_user=self.request.user)
        return obj

    def get_success_url(self, obj):
        return reverse("tenant:member_list", args=[self.tenant.slug])


class TenantTokenListView(TenantMixin, TokenViewMixin, FilteredListView):
    admin_only = True


class TenantTokenRevokeView(TenantMixin, TokenRevokeMixin, ObjectActionView):
    admin_only = True
    model = ApiToken

    def get_object(self):
        return get_object_or_404(ApiToken, pk=self.kwargs["pk"])

    def get_success_url(self, obj):
        return reverse("tenant:token_list", args=[self.tenant.slug])
