"""Tenants on the platform side (system administrators): list, create, edit, suspend,
reactivate, and add a member."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from portal.views.base import (
    FilteredListView,
    ObjectActionView,
    PlatformAdminMixin,
    ServiceFormMixin,
)
from tenants import selectors, services
from tenants.filters import TenantFilter
from tenants.forms import MemberAddForm, TenantForm
from tenants.models import Tenant


class TenantListView(PlatformAdminMixin, FilteredListView):
    model = Tenant
    filterset_class = TenantFilter
    template_name = "tenants/platform/tenant_list.html"
    table_template_name = "tenants/platform/_tenant_table.html"

    def get_base_queryset(self):
        return selectors.tenant_list()


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
                **selectors.tenant_detail(tenant=tenant),
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
